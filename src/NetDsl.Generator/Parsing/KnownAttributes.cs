using Microsoft.CodeAnalysis;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Parsing;

/// <summary>Recognizes NetDsl's attributes by name and namespace, without a compilation-wide symbol lookup.</summary>
internal static class KnownAttributes
{
    public const string Namespace = "NetDsl";
    public const string NetworkMetadataName = "NetDsl.NetworkAttribute";
    public const string InputMetadataName = "NetDsl.InputAttribute";

    public static bool IsNetwork(INamedTypeSymbol? type) => IsNetDslType(type, "NetworkAttribute");

    public static bool IsInput(INamedTypeSymbol? type) => IsNetDslType(type, "InputAttribute");

    /// <summary>Whether the attribute is a layer: derived from NetDsl.LayerAttribute.</summary>
    public static bool IsLayer(INamedTypeSymbol? type)
    {
        for (INamedTypeSymbol? current = type?.BaseType; current is not null; current = current.BaseType)
        {
            if (IsNetDslType(current, "LayerAttribute"))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether the attribute is [Input] or a layer: an entry of the stack.</summary>
    public static bool IsStackEntry(INamedTypeSymbol? type) => IsInput(type) || IsLayer(type);

    /// <summary>The kind of a stack entry's attribute.</summary>
    public static LayerKind KindOf(INamedTypeSymbol type)
    {
        if (IsInput(type))
        {
            return LayerKind.Input;
        }

        if (type.ContainingNamespace is { Name: Namespace, ContainingNamespace.IsGlobalNamespace: true }
            && type.Name.EndsWith("Attribute", System.StringComparison.Ordinal)
            && System.Enum.TryParse(ShortName(type), out LayerKind kind)
            && kind is not LayerKind.Input and not LayerKind.Unknown)
        {
            return kind;
        }

        return LayerKind.Unknown;
    }

    /// <summary>The name a user writes for the attribute: <c>Linear</c> for LinearAttribute.</summary>
    public static string ShortName(INamedTypeSymbol type) =>
        type.Name.EndsWith("Attribute", System.StringComparison.Ordinal) && type.Name.Length > "Attribute".Length
            ? type.Name.Substring(0, type.Name.Length - "Attribute".Length)
            : type.Name;

    private static bool IsNetDslType(INamedTypeSymbol? type, string name) =>
        type is not null
        && type.Name == name
        && type.ContainingNamespace is { Name: Namespace, ContainingNamespace.IsGlobalNamespace: true };
}
