using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Xunit;

namespace NetDsl.Generator.Tests;

/// <summary>
/// Declarations that once broke the build or generated code that did not compile without an NDSL diagnostic (issue 14):
/// each now compiles, or carries its NDSL error on the attribute and nothing else from NetDsl.
/// </summary>
public sealed class DeclarationFormTests
{
    private const string Prefix = "#pragma warning disable CS1591, CS8981\nusing NetDsl;\n";

    [Theory]
    [InlineData("namespace @if; [Network][Input(3)][Linear(1)] public partial class @class;")]
    [InlineData("namespace App.@event.Models; [Network][Input(3)][Linear(1)] public partial class @int;")]
    [InlineData("namespace App; public partial class @int { [Network][Input(3)][Linear(1)] public partial class @event; }")]
    [InlineData("namespace App; public partial class Outer<@class> { [Network][Input(3)][Linear(1)] public partial class N; }")]
    [InlineData("namespace App; [Network][Input(3)][Linear(1)] public partial class var;")]
    [InlineData("namespace App; [Network][Input(3)][Linear(1)] public partial class System;")]
    [InlineData("namespace App; [Network][Input(3)][Linear(1)] public partial class Random;")]
    [InlineData("[Network][Input(3)][Linear(1)] public partial class Net;")]
    [InlineData("namespace App; [Network][Input(3)][Linear(1)] public partial class Net; [Network][Input(3)][Linear(1)] public partial class NET;")]
    [InlineData("namespace App; [Network][Input(3)][Linear(1)] public partial class Net; [Network][Input(3)][Linear(1)] public partial class net; [Network][Input(2)][Linear(1)] public partial class nET;")]
    [InlineData("namespace App; [Network][Input(3)][Linear(1)] public partial class Net; [Input(3)][Linear(1)] public partial class NEt;")]
    public void Compiles_WithoutNetDslDiagnostics(string declaration)
    {
        TestRun run = TestCompilation.Run(Prefix + declaration);

        Assert.Empty(run.Exceptions);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.DoesNotContain(run.AnalyzerDiagnostics, d => d.Id != "NDSL0011"); // the orphan [Input] is the user's to fix
        Assert.NotEmpty(run.GeneratedSources);
        Assert.Equal(run.GeneratedSources.Length, run.GeneratedSources.Select(s => s.HintName.ToUpperInvariant()).Distinct().Count());
        TestCompilation.AssertCompilesWithWarningsAsErrors(run.Output, declaration + ":\n");
    }

    [Theory]
    [InlineData("[Network][Input(null)][ReLU] public partial class N;", "NDSL0019")]
    [InlineData("[Network][Input(3)][Reshape(null)] public partial class N;", "NDSL0024")]
    [InlineData("file partial class N;", "NDSL0008")]
    [InlineData("public partial class N(int seed);", "NDSL0008")]
    [InlineData("public partial record N(int Seed);", "NDSL0008")]
    [InlineData("public partial class Summary;", "NDSL0033")]
    [InlineData("public partial class N { public int RunStages; }", "NDSL0033")]
    [InlineData("GLOBAL public partial class System;", "NDSL0033")]
    [InlineData("GLOBAL namespace System; [Network][Input(3)][Linear(1)] public partial class Net;", "NDSL0033")]
    [InlineData("GLOBAL namespace System; [Network][Input(3)][Linear(1)] public partial class Random;", "NDSL0033")]
    public void ACaseThatOnceFailedSilently_IsAnNdslError(string declaration, string id)
    {
        bool global = declaration.StartsWith("GLOBAL ", System.StringComparison.Ordinal);
        declaration = global ? declaration.Substring("GLOBAL ".Length) : declaration;
        string source = declaration.StartsWith("[Network]", System.StringComparison.Ordinal)
            ? declaration
            : "[Network][Input(3)][Linear(1)] " + declaration;
        TestRun run = TestCompilation.Run(Prefix + (global ? string.Empty : "namespace App;\n") + source);

        Assert.Empty(run.Exceptions);
        Assert.Contains(run.AnalyzerDiagnostics, d => d.Id == id && d.Severity == DiagnosticSeverity.Error);
        Assert.DoesNotContain(run.Output.GetDiagnostics(), d => d.Severity == DiagnosticSeverity.Error && d.Location.SourceTree?.FilePath.Contains("NetDsl.Generator", System.StringComparison.Ordinal) == true);
    }

    /// <summary>Two declarations of one name with different kinds are two types to the compiler, which says so; NetDsl must not break the build.</summary>
    [Theory]
    [InlineData("[Network][Input(3)][Linear(1)] public partial class var; [Network][Input(3)][Linear(2)] public partial record var;")]
    [InlineData("namespace App; [Network][Input(3)][Linear(1)] public partial class NET; [Network][Input(4)][Flatten] public partial record NET; [Network][Input(3)][Linear(1)] public partial class Other;")]
    [InlineData("namespace App; public partial class Outer { [Network][Input(3)][Linear(1)] public partial class N; } public partial record Outer { [Network][Input(2)][Linear(1)] public partial class N; }")]
    public void ConflictingDeclarationsOfOneName_LeaveTheCompilersErrorAndTheOtherNetworks(string declaration)
    {
        TestRun run = TestCompilation.Run(Prefix + declaration);

        Assert.Empty(run.Exceptions);
        Assert.DoesNotContain(run.GeneratorDiagnostics, d => d.Id == "CS8785");
        Assert.Contains(run.Input.GetDiagnostics(), d => d.Severity == DiagnosticSeverity.Error);
        Assert.NotEmpty(run.GeneratedSources);
        if (declaration.Contains("class Other", System.StringComparison.Ordinal))
        {
            Assert.Contains(run.GeneratedSources, s => s.HintName == "App.Other.g.cs");
        }
    }
}
