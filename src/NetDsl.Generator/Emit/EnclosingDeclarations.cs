using System.Linq;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Emit;

/// <summary>What surrounds a generated class: the file's compiler settings, its namespace and the types it is nested in.</summary>
internal static class EnclosingDeclarations
{
    /// <summary>Writes <c>#nullable enable</c>, then opens the namespace and the containing types.</summary>
    public static void Open(SourceWriter writer, NetworkSpec spec)
    {
        writer.WriteLine("#nullable enable");

        // The user's own declaration gets CS8981 for a lower-case type name (class var); the generated one need not repeat it.
        if (spec.ContainingTypes.Select(t => t.Name).Append(spec.ClassName).Any(IsLowerCaseAscii))
        {
            writer.WriteLine("#pragma warning disable CS8981 // the type name only contains lower-cased ascii characters: the user's choice");
        }

        writer.WriteLine();
        if (spec.Namespace is not null)
        {
            writer.OpenBlock($"namespace {spec.Namespace}");
        }

        foreach (ContainingTypeSpec outer in spec.ContainingTypes)
        {
            writer.OpenBlock($"partial {outer.Keyword} {outer.Name}{outer.TypeParameters}");
        }
    }

    /// <summary>Closes what <see cref="Open"/> opened.</summary>
    public static void Close(SourceWriter writer, NetworkSpec spec)
    {
        foreach (ContainingTypeSpec _ in spec.ContainingTypes)
        {
            writer.CloseBlock();
        }

        if (spec.Namespace is not null)
        {
            writer.CloseBlock();
        }
    }

    private static bool IsLowerCaseAscii(string name) =>
        name.TrimStart('@').All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_');
}
