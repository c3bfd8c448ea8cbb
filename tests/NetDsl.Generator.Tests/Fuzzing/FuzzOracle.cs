using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace NetDsl.Generator.Tests.Fuzzing;

/// <summary>
/// What must hold for every program, however hostile: no exception escapes the generator or the analyzer (nor CS8785
/// or AD0001 for one that was caught by Roslyn); no error or warning inside a generated file unless NetDsl reported an
/// NDSL error for that class; and no <c>[Network]</c> class left without generated code and without a diagnostic
/// (NetDsl's or the compiler's on its own declaration).
/// </summary>
internal static class FuzzOracle
{
    /// <summary>The first violation, or null when the program passes.</summary>
    public static string? Check(string[] sources) => Check(sources, out _);

    /// <summary>The first violation, or null; <paramref name="outcome"/> says what the program came to, for statistics.</summary>
    public static string? Check(string[] sources, out string outcome)
    {
        outcome = "harness failure";
        TestRun run;
        try
        {
            run = TestCompilation.Run(sources);
        }
        catch (Exception exception)
        {
            return "the harness threw: " + exception;
        }

        if (run.Exceptions.Length > 0)
        {
            return "an exception escaped: " + run.Exceptions[0];
        }

        if (run.GeneratorDiagnostics.Concat(run.AnalyzerDiagnostics).FirstOrDefault(d => d.Id is "CS8785" or "AD0001") is { } crash)
        {
            return "Roslyn caught a failure: " + crash;
        }

        ImmutableArray<Diagnostic> ndslErrors = run.AnalyzerDiagnostics.Where(d => d.Id.StartsWith("NDSL", StringComparison.Ordinal) && d.Severity == DiagnosticSeverity.Error).ToImmutableArray();
        ImmutableArray<Diagnostic> userErrors = run.Input.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToImmutableArray();
        ImmutableArray<Diagnostic> generatedProblems = TestCompilation.ErrorsWithWarningsAsErrors(run.Output)
            .Where(d => d.Location.SourceTree is { } tree && IsGenerated(tree)).ToImmutableArray();

        outcome = !userErrors.IsEmpty ? "compiler errors in the declaration (" + userErrors[0].Id + ")"
            : !ndslErrors.IsEmpty ? "NDSL errors"
            : run.GeneratedSources.IsEmpty ? "no network"
            : "generated code that compiles";
        // A class whose full name is a namespace's or a framework type's (NDSL0033: System in the global namespace,
        // System.Random) makes every generated file's global::System names ambiguous, not only its own.
        bool nameClashInProgram = ndslErrors.Any(d => d.Id == "NDSL0033" && d.GetMessage(System.Globalization.CultureInfo.InvariantCulture).Contains("has the full name of", StringComparison.Ordinal));
        foreach (ClassDeclarationOrRecord network in Networks(run.Input))
        {
            bool reported = ndslErrors.Any(d => Within(d, network)) || userErrors.Any(d => Within(d, network)) || nameClashInProgram;
            SyntaxTree? generated = run.GeneratedSources.Select(s => s.SyntaxTree).FirstOrDefault(t => GeneratedFor(t, network.Name));
            if (generated is null && !reported && !network.CannotTakeMembers)
            {
                return "no generated code and no diagnostic for class '" + network.Name + "'";
            }

            if (generated is not null && !reported && generatedProblems.FirstOrDefault(d => d.Location.SourceTree == generated) is { } problem)
            {
                // A class with errors of its own (or of a file-level kind) can make its generated part fail; those are reported.
                if (userErrors.IsEmpty)
                {
                    return "generated code for class '" + network.Name + "' does not compile and NetDsl said nothing: " + problem;
                }
            }
        }

        return null;
    }

    private static bool IsGenerated(SyntaxTree tree) => tree.FilePath.Replace('\\', '/').Contains("/NetDsl.Generator.NetworkGenerator/");

    private static bool GeneratedFor(SyntaxTree generated, string className) =>
        generated.GetRoot().DescendantNodes().OfType<TypeDeclarationSyntax>()
            .Any(t => t.Identifier.ValueText == className && t.BaseList is not null && t.BaseList.Types.Any(b => b.ToString().Contains("INetwork", StringComparison.Ordinal)));

    private static bool Within(Diagnostic diagnostic, ClassDeclarationOrRecord network) =>
        diagnostic.Location.SourceTree == network.Tree && network.Span.Contains(diagnostic.Location.SourceSpan);

    /// <summary>The user's classes with [Network] (as written: the name Network, NetworkAttribute or NetDsl.Network).</summary>
    private static IEnumerable<ClassDeclarationOrRecord> Networks(Compilation compilation)
    {
        foreach (SyntaxTree tree in compilation.SyntaxTrees)
        {
            foreach (TypeDeclarationSyntax type in tree.GetRoot().DescendantNodes().OfType<TypeDeclarationSyntax>())
            {
                bool hasNetwork = type.AttributeLists.SelectMany(l => l.Attributes).Any(a => a.Name.ToString() is "Network" or "NetworkAttribute" or "NetDsl.Network");
                if (!hasNetwork)
                {
                    continue;
                }

                // Not a partial class in partial types, or a struct: the compiler (or NDSL0006/0007) says so; nothing can be generated.
                bool cannotTakeMembers = type is not (ClassDeclarationSyntax or RecordDeclarationSyntax { ClassOrStructKeyword.ValueText: not "struct" })
                    || type.Ancestors().OfType<TypeDeclarationSyntax>().Any(t => !t.Modifiers.Any(SyntaxKind.PartialKeyword))
                    || !type.Modifiers.Any(SyntaxKind.PartialKeyword);
                yield return new ClassDeclarationOrRecord(type.Identifier.ValueText, tree, type.Span, cannotTakeMembers);
            }
        }
    }

    private sealed record ClassDeclarationOrRecord(string Name, SyntaxTree Tree, Microsoft.CodeAnalysis.Text.TextSpan Span, bool CannotTakeMembers);
}
