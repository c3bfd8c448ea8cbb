using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Globalization;
using System.Linq;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace NetDsl.TestSupport;

/// <summary>
/// Describes an assembly's public surface as sorted text, one line per type and per visible member, in C#-like
/// signatures with nullability, default values and <c>[EditorBrowsable(Never)]</c> marks. The text is the API
/// baseline: any change to the surface changes a line, so it shows as a diff in review.
/// </summary>
public static class PublicApiSurface
{
    private const BindingFlags Declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    private static readonly Dictionary<Type, string> Keywords = new()
    {
        [typeof(void)] = "void", [typeof(bool)] = "bool", [typeof(byte)] = "byte", [typeof(sbyte)] = "sbyte",
        [typeof(short)] = "short", [typeof(ushort)] = "ushort", [typeof(int)] = "int", [typeof(uint)] = "uint",
        [typeof(long)] = "long", [typeof(ulong)] = "ulong", [typeof(float)] = "float", [typeof(double)] = "double",
        [typeof(decimal)] = "decimal", [typeof(char)] = "char", [typeof(string)] = "string", [typeof(object)] = "object",
        [typeof(nint)] = "nint", [typeof(nuint)] = "nuint",
    };

    public static IReadOnlyList<string> Describe(Assembly assembly)
    {
        var nullability = new NullabilityInfoContext();
        // Sorted by the declared name, so that each type's members follow the type's own line.
        var lines = new List<(string Key, string Line)>();
        foreach (Type type in assembly.GetExportedTypes())
        {
            string typeName = TypeName(type);
            lines.Add((typeName, DescribeType(type)));
            if (type.IsEnum)
            {
                foreach (FieldInfo field in type.GetFields(BindingFlags.Public | BindingFlags.Static))
                {
                    lines.Add((typeName + "." + field.Name, typeName + "." + field.Name + " = " + Convert.ToInt64(field.GetRawConstantValue(), CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture)));
                }

                continue;
            }

            foreach (MemberInfo member in type.GetMembers(Declared))
            {
                if (Describe(type, member, nullability) is { } line)
                {
                    lines.Add((typeName + "." + member.Name, line));
                }
            }
        }

        return lines
            .OrderBy(l => l.Key, StringComparer.Ordinal)
            .ThenBy(l => l.Line, StringComparer.Ordinal)
            .Select(l => l.Line)
            .ToList();
    }

    private static string DescribeType(Type type)
    {
        string kind = type.IsInterface ? "interface"
            : type.IsEnum ? "enum"
            : type.IsValueType ? (IsRecord(type) ? "record struct" : "struct")
            : typeof(Delegate).IsAssignableFrom(type) ? "delegate"
            : IsRecord(type) ? "record" : "class";
        string modifiers = type.IsInterface || type.IsEnum || type.IsValueType ? ""
            : type.IsAbstract && type.IsSealed ? "static "
            : type.IsAbstract ? "abstract "
            : type.IsSealed ? "sealed " : "";
        if (type.IsValueType && !type.IsEnum && type.IsDefined(typeof(IsReadOnlyAttribute), false))
        {
            modifiers = "readonly ";
        }

        var bases = new List<string>();
        if (type.BaseType is { } baseType && baseType != typeof(object) && baseType != typeof(ValueType) && baseType != typeof(Enum))
        {
            bases.Add(TypeName(baseType));
        }

        Type[] inherited = type.BaseType?.GetInterfaces() ?? [];
        bases.AddRange(type.GetInterfaces().Where(i => !inherited.Contains(i) && i.IsPublic).Select(TypeName).OrderBy(n => n, StringComparer.Ordinal));
        return Hidden(type) + "public " + modifiers + kind + " " + TypeName(type)
            + (bases.Count > 0 ? " : " + string.Join(", ", bases) : "") + Constraints(type.IsGenericTypeDefinition ? type.GetGenericArguments() : []);
    }

    private static string? Describe(Type owner, MemberInfo member, NullabilityInfoContext nullability)
    {
        string prefix = TypeName(owner) + ".";
        switch (member)
        {
            case ConstructorInfo constructor when Visible(constructor) && !constructor.IsStatic:
                return Hidden(constructor) + Access(constructor) + prefix + owner.Name.Split('`')[0] + Parameters(constructor.GetParameters(), nullability);
            case MethodInfo method when Visible(method) && (!method.IsSpecialName || method.Name.StartsWith("op_", StringComparison.Ordinal)) && !method.Name.Contains('<'):
                return Hidden(method) + Access(method) + Modifiers(method) + prefix + method.Name + GenericArguments(method)
                    + Parameters(method.GetParameters(), nullability) + " -> " + ParameterType(method.ReturnParameter, nullability)
                    + Constraints(method.IsGenericMethodDefinition ? method.GetGenericArguments() : []);
            case PropertyInfo property:
                MethodInfo? getter = property.GetMethod is { } g && Visible(g) ? g : null;
                MethodInfo? setter = property.SetMethod is { } s && Visible(s) ? s : null;
                MethodInfo? any = getter ?? setter;
                if (any is null)
                {
                    return null;
                }

                string accessors = (getter is null ? "" : "get; ")
                    + (setter is null ? "" : setter.ReturnParameter.GetRequiredCustomModifiers().Contains(typeof(IsExternalInit)) ? "init; " : "set; ");
                ParameterInfo[] index = property.GetIndexParameters();
                string name = index.Length == 0 ? property.Name : "this[" + Parameters(index, nullability)[1..^1] + "]";
                return Hidden(property) + Access(any) + Modifiers(any) + prefix + name + " { " + accessors + "} -> " + Nullable(nullability.Create(property), property.PropertyType);
            case FieldInfo field when field.IsPublic || field.IsFamily || field.IsFamilyOrAssembly:
                string constant = field.IsLiteral ? "const " : (field.IsStatic ? "static " : "") + (field.IsInitOnly ? "readonly " : "");
                string value = field.IsLiteral ? " = " + Literal(field.GetRawConstantValue()) : "";
                return Hidden(field) + (field.IsPublic ? "public " : "protected ") + constant + prefix + field.Name + value + " -> " + Nullable(nullability.Create(field), field.FieldType);
            case EventInfo @event when @event.AddMethod is { } add && Visible(add):
                return Hidden(@event) + Access(add) + "event " + prefix + @event.Name + " -> " + TypeName(@event.EventHandlerType!);
            default:
                return null;
        }
    }

    private static bool Visible(MethodBase method) => method.IsPublic || method.IsFamily || method.IsFamilyOrAssembly;

    private static string Access(MethodBase method) => method.IsPublic ? "public " : "protected ";

    private static string Modifiers(MethodInfo method)
    {
        if (method.IsStatic)
        {
            return "static ";
        }

        if (method.DeclaringType!.IsInterface)
        {
            return method.IsAbstract ? "" : "virtual ";
        }

        bool overrides = method.GetBaseDefinition() != method;
        return method.IsAbstract ? "abstract "
            : overrides ? (method.IsFinal ? "sealed override " : "override ")
            : method.IsVirtual && !method.IsFinal ? "virtual " : "";
    }

    private static string Hidden(MemberInfo member) =>
        member.GetCustomAttribute<EditorBrowsableAttribute>() is { State: EditorBrowsableState.Never } ? "[EditorBrowsable(Never)] " : "";

    private static bool IsRecord(Type type) => type.GetMethod("<Clone>$") is not null
        || (type.IsValueType && type.GetMethod("PrintMembers", BindingFlags.NonPublic | BindingFlags.Instance) is not null);

    private static string GenericArguments(MethodInfo method) =>
        method.IsGenericMethodDefinition ? "<" + string.Join(", ", method.GetGenericArguments().Select(a => a.Name)) + ">" : "";

    private static string Constraints(Type[] arguments)
    {
        var clauses = new List<string>();
        foreach (Type argument in arguments)
        {
            var parts = new List<string>();
            GenericParameterAttributes flags = argument.GenericParameterAttributes;
            if ((flags & GenericParameterAttributes.NotNullableValueTypeConstraint) != 0)
            {
                parts.Add("struct");
            }
            else if ((flags & GenericParameterAttributes.ReferenceTypeConstraint) != 0)
            {
                parts.Add("class");
            }

            parts.AddRange(argument.GetGenericParameterConstraints().Where(c => c != typeof(ValueType)).Select(TypeName));
            if ((flags & GenericParameterAttributes.DefaultConstructorConstraint) != 0 && (flags & GenericParameterAttributes.NotNullableValueTypeConstraint) == 0)
            {
                parts.Add("new()");
            }

            if (parts.Count > 0)
            {
                clauses.Add(" where " + argument.Name + " : " + string.Join(", ", parts));
            }
        }

        return string.Concat(clauses);
    }

    private static string Parameters(ParameterInfo[] parameters, NullabilityInfoContext nullability) =>
        "(" + string.Join(", ", parameters.Select(p => Parameter(p, nullability))) + ")";

    private static string Parameter(ParameterInfo parameter, NullabilityInfoContext nullability)
    {
        string modifier = parameter.IsDefined(typeof(ParamArrayAttribute), false) ? "params "
            : parameter.ParameterType.IsByRef ? (parameter.IsOut ? "out " : parameter.IsIn ? "in " : "ref ")
            : "";
        string defaultValue = parameter.HasDefaultValue ? " = " + Literal(parameter.RawDefaultValue, parameter.ParameterType) : "";
        return modifier + ParameterType(parameter, nullability) + " " + parameter.Name + defaultValue;
    }

    private static string ParameterType(ParameterInfo parameter, NullabilityInfoContext nullability)
    {
        Type type = parameter.ParameterType.IsByRef ? parameter.ParameterType.GetElementType()! : parameter.ParameterType;
        return Nullable(nullability.Create(parameter), type);
    }

    private static string Nullable(NullabilityInfo info, Type type) =>
        TypeName(type) + (!type.IsValueType && info.ReadState == NullabilityState.Nullable ? "?" : "");

    private static string Literal(object? value, Type? type = null)
    {
        if (value is null)
        {
            return type is { IsValueType: true } ? "default" : "null";
        }

        Type? target = type is null ? null : System.Nullable.GetUnderlyingType(type) ?? type;
        if (target is { IsEnum: true })
        {
            return TypeName(target) + "." + (Enum.GetName(target, value) ?? Convert.ToInt64(value, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture));
        }

        return value switch
        {
            string text => "\"" + text + "\"",
            bool flag => flag ? "true" : "false",
            float single => single.ToString("R", CultureInfo.InvariantCulture) + "f",
            double number => number.ToString("R", CultureInfo.InvariantCulture),
            IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString() ?? "",
        };
    }

    public static string TypeName(Type type)
    {
        if (Keywords.TryGetValue(type, out string? keyword))
        {
            return keyword;
        }

        if (type.IsGenericParameter)
        {
            return type.Name;
        }

        if (type.IsArray)
        {
            return TypeName(type.GetElementType()!) + "[" + new string(',', type.GetArrayRank() - 1) + "]";
        }

        if (type.IsByRef || type.IsPointer)
        {
            return TypeName(type.GetElementType()!) + (type.IsPointer ? "*" : "");
        }

        if (System.Nullable.GetUnderlyingType(type) is { } underlying)
        {
            return TypeName(underlying) + "?";
        }

        string name = type.Name.Split('`')[0];
        string outer = type.IsNested ? TypeName(type.DeclaringType!.IsGenericTypeDefinition && type.IsGenericType
            ? type.DeclaringType : type.DeclaringType) + "." : (type.Namespace is { } ns ? ns + "." : "");
        if (!type.IsGenericType)
        {
            return outer + name;
        }

        Type[] arguments = type.GetGenericArguments();
        int inheritedCount = type.IsNested ? type.DeclaringType!.GetGenericArguments().Length : 0;
        Type[] own = arguments.Skip(inheritedCount).ToArray();
        return own.Length == 0 ? outer + name : outer + name + "<" + string.Join(", ", own.Select(TypeName)) + ">";
    }
}
