using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NetDsl.Generator.Diagnostics;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Parsing;

/// <summary>
/// Turns a class carrying [Network] into a <see cref="NetworkSpec"/>: the class's form (partial, nesting,
/// generics) and its stack attributes with their arguments. Shape rules are not checked here but in
/// <see cref="Shapes.ShapeInference"/>. The generator and the analyzer both call this; it never throws on
/// malformed code: attributes the compiler cannot bind make the result incomplete, without diagnostics of ours.
/// </summary>
internal static class NetworkParser
{
    public static ParseResult Parse(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        ImmutableArray<AttributeData> attributes = type.GetAttributes();
        int networkIndex = IndexOfNetworkAttribute(attributes);
        if (networkIndex < 0)
        {
            return new ParseResult(null, EquatableArray<DiagnosticInfo>.Empty);
        }

        var diagnostics = new List<DiagnosticInfo>();
        CheckClassForm(type, networkIndex, diagnostics, cancellationToken);
        if (diagnostics.Count > 0)
        {
            return new ParseResult(null, diagnostics.ToEquatableArray());
        }

        // A class that cannot be generated but can take members gets a shell spec (see ParseResult.Shell), from which the
        // generator emits its fallback, but only where an error keeps the build failing: an NDSL error, or an attribute
        // the compiler could not bind. An attribute that is merely foreign (a source class of the same name taking other
        // arguments) gets no fallback: nothing would then stop a throwing class from building.
        bool generatable = TryReadNetworkOptions(attributes[networkIndex], out int unrollLimit, out string? weightsFile, out bool int8, out string? int8WeightsFile);
        bool compilerReportsIt = !generatable && HasBindingError(attributes[networkIndex]);
        var layers = new List<LayerSpec>();
        var declarations = new HashSet<SyntaxNode>();
        for (int i = 0; i < attributes.Length; i++)
        {
            AttributeData attribute = attributes[i];
            if (!KnownAttributes.IsStackEntry(attribute.AttributeClass))
            {
                continue;
            }

            LayerSpec? layer = ReadLayer(attribute, i);
            if (layer is null)
            {
                // The compiler reports the malformed attribute; generating from a guess would only add noise.
                generatable = false;
                compilerReportsIt |= HasBindingError(attribute);
                continue;
            }

            layers.Add(layer);
            if (attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken).Parent?.Parent is { } declaration)
            {
                declarations.Add(declaration);
            }
        }

        var spec = new NetworkSpec(
            Namespace: NamespaceOf(type),
            ClassName: Identifiers.Escape(type.Name),
            IsRecord: type.IsRecord,
            ContainingTypes: ReadContainingTypes(type).ToEquatableArray(),
            NetworkAttributeIndex: networkIndex,
            UnrollLimit: unrollLimit,
            Layers: layers.ToEquatableArray(),
            WeightsFile: weightsFile,
            Int8: int8,
            Int8WeightsFile: int8WeightsFile);
        NetworkSpec? shell = type.TypeKind == TypeKind.Class ? spec : null;
        if (!generatable)
        {
            return new ParseResult(null, EquatableArray<DiagnosticInfo>.Empty, compilerReportsIt ? shell : null);
        }

        if (declarations.Count > 1)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.LayersInSeveralDeclarations, networkIndex, type.Name));
            return new ParseResult(null, diagnostics.ToEquatableArray(), shell);
        }

        return new ParseResult(spec, EquatableArray<DiagnosticInfo>.Empty);
    }

    /// <summary>
    /// The class's name and nesting without its stack (no layers, default options), for the generator's fallback after
    /// the parser failed; null when the class cannot take generated members (not a partial class in partial types, or of
    /// a form NDSL0008 refuses).
    /// </summary>
    public static NetworkSpec? ReadShell(INamedTypeSymbol type, CancellationToken cancellationToken) =>
        Shell(type, IndexOfNetworkAttribute(type.GetAttributes()), EquatableArray<LayerSpec>.Empty, cancellationToken);

    /// <summary>
    /// For a class with stack attributes but no [Network] (NDSL0011): the class and the layers that could be read, for the
    /// generator's fallback; null when the class has [Network], has no stack attribute, or cannot take generated members.
    /// </summary>
    public static NetworkSpec? ReadOrphanShell(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        int orphan = IndexOfOrphanStackAttribute(type);
        if (orphan < 0)
        {
            return null;
        }

        ImmutableArray<AttributeData> attributes = type.GetAttributes();
        var layers = new List<LayerSpec>();
        for (int i = 0; i < attributes.Length; i++)
        {
            if (KnownAttributes.IsStackEntry(attributes[i].AttributeClass) && ReadLayer(attributes[i], i) is { } layer)
            {
                layers.Add(layer);
            }
        }

        return Shell(type, orphan, layers.ToEquatableArray(), cancellationToken);
    }

    private static NetworkSpec? Shell(INamedTypeSymbol type, int attributeIndex, EquatableArray<LayerSpec> layers, CancellationToken cancellationToken)
    {
        var diagnostics = new List<DiagnosticInfo>();
        CheckClassForm(type, attributeIndex, diagnostics, cancellationToken);
        if (diagnostics.Count > 0 || type.TypeKind != TypeKind.Class)
        {
            return null;
        }

        return new NetworkSpec(NamespaceOf(type), Identifiers.Escape(type.Name), type.IsRecord, ReadContainingTypes(type).ToEquatableArray(), attributeIndex, 256, layers);
    }

    /// <summary>The index of [Network] among the class's attributes, or -1.</summary>
    public static int IndexOfNetworkAttribute(INamedTypeSymbol type) => IndexOfNetworkAttribute(type.GetAttributes());

    private static string? NamespaceOf(INamedTypeSymbol type) =>
        type.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString(Identifiers.EscapedNamespace) : null;

    /// <summary>
    /// For a class without [Network], the index of its first stack attribute (which does nothing there), or -1.
    /// </summary>
    public static int IndexOfOrphanStackAttribute(INamedTypeSymbol type)
    {
        ImmutableArray<AttributeData> attributes = type.GetAttributes();
        if (IndexOfNetworkAttribute(attributes) >= 0)
        {
            return -1;
        }

        for (int i = 0; i < attributes.Length; i++)
        {
            if (KnownAttributes.IsStackEntry(attributes[i].AttributeClass))
            {
                return i;
            }
        }

        return -1;
    }

    private static int IndexOfNetworkAttribute(ImmutableArray<AttributeData> attributes)
    {
        for (int i = 0; i < attributes.Length; i++)
        {
            if (KnownAttributes.IsNetwork(attributes[i].AttributeClass))
            {
                return i;
            }
        }

        return -1;
    }

    private static void CheckClassForm(INamedTypeSymbol type, int networkIndex, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
    {
        if (!IsPartial(type, cancellationToken))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NotPartial, networkIndex, type.Name));
        }

        int depth = 1;
        for (INamedTypeSymbol? outer = type.ContainingType; outer is not null; outer = outer.ContainingType, depth++)
        {
            if (!IsPartial(outer, cancellationToken))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ContainingTypeNotPartial, networkIndex, type.Name, outer.Name)
                    .WithProperty(DiagnosticPropertyNames.ContainingTypeDepth, depth));
            }
        }

        string? form = type.TypeParameters.Length > 0 ? "generic"
            : type.IsStatic ? "static"
            : type.IsAbstract ? "abstract"
            : type.IsFileLocal ? "file-local (the generated members would go to another type of the same name)"
            : HasPrimaryConstructor(type, cancellationToken) ? "declared with a primary constructor (the generated constructors could not call it)"
            : null;
        if (form is not null)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedClass, networkIndex, type.Name, form));
        }

        GeneratedNames.Check(type, networkIndex, diagnostics, cancellationToken);
    }

    private static bool HasPrimaryConstructor(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        foreach (SyntaxReference reference in type.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax(cancellationToken) is TypeDeclarationSyntax { ParameterList: not null })
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsPartial(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        foreach (SyntaxReference reference in type.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax(cancellationToken) is TypeDeclarationSyntax declaration
                && declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether the compiler reports an error on the attribute: its constructor or one of its arguments did not bind.</summary>
    private static bool HasBindingError(AttributeData attribute) =>
        attribute.AttributeConstructor is null
        || attribute.ConstructorArguments.Any(argument => argument.Kind == TypedConstantKind.Error)
        || attribute.NamedArguments.Any(argument => argument.Value.Kind == TypedConstantKind.Error);

    private static bool TryReadNetworkOptions(AttributeData network, out int unrollLimit, out string? weightsFile, out bool int8, out string? int8WeightsFile)
    {
        unrollLimit = 256;
        weightsFile = null;
        int8 = false;
        int8WeightsFile = null;
        foreach (KeyValuePair<string, TypedConstant> argument in network.NamedArguments)
        {
            if (argument.Key == "Weights")
            {
                if (argument.Value.Kind == TypedConstantKind.Error || (argument.Value.Value is not string && !argument.Value.IsNull))
                {
                    return false;
                }

                weightsFile = argument.Value.Value as string;
            }
            else if (argument.Key == "UnrollLimit")
            {
                if (argument.Value.Value is not int value)
                {
                    return false;
                }

                unrollLimit = value;
            }
            else if (argument.Key == "Int8Weights")
            {
                if (argument.Value.Kind == TypedConstantKind.Error || (argument.Value.Value is not string && !argument.Value.IsNull))
                {
                    return false;
                }

                int8WeightsFile = argument.Value.Value as string;
            }
            else if (argument.Key == "Int8")
            {
                if (argument.Value.Value is not bool value)
                {
                    return false;
                }

                int8 = value;
            }
        }

        return true;
    }

    private static LayerSpec? ReadLayer(AttributeData attribute, int attributeIndex)
    {
        INamedTypeSymbol attributeClass = attribute.AttributeClass!;
        if (attribute.AttributeConstructor is null)
        {
            return null;
        }

        var arguments = new List<double>();
        foreach (TypedConstant argument in attribute.ConstructorArguments)
        {
            if (!TryAppendNumbers(argument, arguments))
            {
                return null;
            }
        }

        string? name = null;
        var options = new List<LayerOption>();
        foreach (KeyValuePair<string, TypedConstant> named in attribute.NamedArguments)
        {
            if (named.Key == "Name")
            {
                if (named.Value.Kind == TypedConstantKind.Error || (named.Value.Value is not string && !named.Value.IsNull))
                {
                    return null;
                }

                name = named.Value.Value as string;
                continue;
            }

            if (!TryGetNumber(named.Value, out double value))
            {
                return null;
            }

            options.Add(new LayerOption(named.Key, value));
        }

        return new LayerSpec(
            KnownAttributes.KindOf(attributeClass),
            attributeIndex,
            KnownAttributes.ShortName(attributeClass),
            name,
            arguments.ToEquatableArray(),
            options.ToEquatableArray());
    }

    private static bool TryAppendNumbers(TypedConstant argument, List<double> destination)
    {
        if (argument.Kind == TypedConstantKind.Array)
        {
            // [Input(null)] compiles (a null params array): read as no dimensions, which inference reports (NDSL0019),
            // rather than as unreadable, which would leave the class without code and without a diagnostic.
            if (argument.IsNull)
            {
                return true;
            }

            foreach (TypedConstant element in argument.Values)
            {
                if (!TryGetNumber(element, out double item))
                {
                    return false;
                }

                destination.Add(item);
            }

            return true;
        }

        if (!TryGetNumber(argument, out double value))
        {
            return false;
        }

        destination.Add(value);
        return true;
    }

    private static bool TryGetNumber(TypedConstant constant, out double value)
    {
        value = 0;
        if (constant.Kind is not (TypedConstantKind.Primitive or TypedConstantKind.Enum))
        {
            return false;
        }

        switch (constant.Value)
        {
            case int i: value = i; return true;
            case double d: value = d; return true;
            case float f: value = f; return true;
            case bool b: value = b ? 1 : 0; return true;
            default: return false;
        }
    }

    private static IEnumerable<ContainingTypeSpec> ReadContainingTypes(INamedTypeSymbol type)
    {
        var outers = new Stack<INamedTypeSymbol>();
        for (INamedTypeSymbol? outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            outers.Push(outer);
        }

        foreach (INamedTypeSymbol outer in outers)
        {
            string keyword = outer.TypeKind switch
            {
                TypeKind.Struct => outer.IsRecord ? "record struct" : "struct",
                TypeKind.Interface => "interface",
                _ => outer.IsRecord ? "record" : "class",
            };
            string typeParameters = outer.TypeParameters.Length == 0
                ? string.Empty
                : "<" + string.Join(", ", outer.TypeParameters.Select(p => Identifiers.Escape(p.Name))) + ">";
            yield return new ContainingTypeSpec(keyword, Identifiers.Escape(outer.Name), typeParameters);
        }
    }
}
