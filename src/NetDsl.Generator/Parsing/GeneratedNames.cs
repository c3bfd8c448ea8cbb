using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using NetDsl.Generator.Diagnostics;
using NetDsl.Generator.Emit;

namespace NetDsl.Generator.Parsing;

/// <summary>
/// NDSL0033: names the generated code needs, checked against the user's. A network class must not be named like a
/// member the generated code declares in it (<c>Input</c>, <c>Output</c>, <c>Parameters</c>...: C# forbids a member named
/// like its type), and must not declare such a member itself (<c>public int Forward;</c>, <c>private float[] _parameters;</c>),
/// or the generated file would not compile.
/// </summary>
internal static class GeneratedNames
{
    public static void Check(INamedTypeSymbol type, int networkIndex, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
    {
        if (GeneratedMembers.IsDeclaredInNetwork(type.Name))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.GeneratedNameClash, networkIndex, type.Name,
                "is named like a member the generated code declares in it (C# forbids a member named like its class)", "rename the class"));
        }

        // Generated code names every type from global:: (global::System.Span, global::NetDsl.INetwork) and its own class by
        // its name: a class named like a namespace beside it (System in the global namespace, Net in System, where
        // System.Net is a namespace) or like a referenced assembly's type in the same namespace (System.Random) makes
        // those names ambiguous (CS0436, CS0437).
        if (type.ContainingType is null && Beside(type) is { } other)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.GeneratedNameClash, networkIndex, type.Name,
                "has the full name of " + other + ", so the generated code's names for it are ambiguous",
                "rename the class or declare it in another namespace"));
        }

        var reported = new HashSet<string>();
        foreach (ISymbol member in type.GetMembers())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (member.IsImplicitlyDeclared || !GeneratedMembers.IsDeclaredInNetwork(member.Name) || IsGenerated(member) || !reported.Add(member.Name))
            {
                continue;
            }

            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.GeneratedNameClash, networkIndex, type.Name,
                "declares a member named '" + member.Name + "', which the generated code declares too", "rename or remove it"));
        }
    }

    /// <summary>A namespace, or a referenced assembly's public type, with the class's full name, or null.</summary>
    private static string? Beside(INamedTypeSymbol type)
    {
        string fullName = type.ContainingNamespace.IsGlobalNamespace ? type.Name : type.ContainingNamespace.ToDisplayString() + "." + type.Name;
        if (type.ContainingNamespace.GetNamespaceMembers().Any(ns => ns.Name == type.Name))
        {
            return "the namespace '" + fullName + "'";
        }

        // The class's namespace in each referenced assembly (a source type's namespace symbol holds only this project's).
        var path = new List<string>();
        for (INamespaceSymbol ns = type.ContainingNamespace; !ns.IsGlobalNamespace; ns = ns.ContainingNamespace)
        {
            path.Insert(0, ns.Name);
        }

        foreach (IAssemblySymbol assembly in type.ContainingModule?.ReferencedAssemblySymbols ?? ImmutableArray<IAssemblySymbol>.Empty)
        {
            INamespaceSymbol? namespaceThere = assembly.GlobalNamespace;
            foreach (string part in path)
            {
                namespaceThere = namespaceThere?.GetNamespaceMembers().FirstOrDefault(ns => ns.Name == part);
            }

            if (namespaceThere is null)
            {
                continue;
            }

            if (namespaceThere.GetNamespaceMembers().Any(ns => ns.Name == type.Name))
            {
                return "the namespace '" + fullName + "'";
            }

            if (namespaceThere.GetTypeMembers(type.Name).Any(other => other.DeclaredAccessibility == Accessibility.Public))
            {
                return "the type '" + fullName + "' of a referenced assembly";
            }
        }

        return null;
    }

    /// <summary>
    /// Whether the member comes from NetDsl's generated file: the analyzer sees the compilation with generated code in it
    /// (the generator does not); Roslyn puts generated trees under the generator's assembly and type name.
    /// </summary>
    private static bool IsGenerated(ISymbol member)
    {
        foreach (Location location in member.Locations)
        {
            if (location.SourceTree is { } tree && tree.FilePath.Replace('\\', '/').Contains("/NetDsl.Generator.NetworkGenerator/"))
            {
                return true;
            }
        }

        return false;
    }
}
