using System.Collections.Generic;
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
