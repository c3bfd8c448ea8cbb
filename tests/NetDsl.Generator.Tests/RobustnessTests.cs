using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using NetDsl.Generator.Diagnostics;
using NetDsl.Generator.Emit;
using NetDsl.Generator.Model;
using NetDsl.Generator.Parsing;
using NetDsl.Generator.Shapes;
using Xunit;

namespace NetDsl.Generator.Tests;

/// <summary>
/// The generator and the analyzer never throw, however malformed the source: no AD0001 (analyzer exception), no
/// CS8785 (generator exception). The parser, shape inference and the emitter are also called directly, since the
/// entry points' try/catch would hide their bugs.
/// </summary>
public sealed class RobustnessTests
{
    private const string Using = "using NetDsl;\n\n";

    public static TheoryData<string, string> MalformedSources() => new()
    {
        { "Linear without arguments", Using + "[Network][Input(3)][Linear] public partial class N;" },
        { "Linear with a string", Using + "[Network][Input(3)][Linear(\"a\")] public partial class N;" },
        { "Linear with three sizes", Using + "[Network][Input(3)][Linear(1, 2, 3)] public partial class N;" },
        { "Linear with a wrongly named argument", Using + "[Network][Input(3)][Linear(size: 2)] public partial class N;" },
        { "Input with a double", Using + "[Network][Input(3.5)][Linear(1)] public partial class N;" },
        { "Input with null", Using + "[Network][Input(null)][Linear(1)] public partial class N;" },
        { "Input with a string array", Using + "[Network][Input(new[] { \"a\" })][Linear(1)] public partial class N;" },
        { "Input with an empty array", Using + "[Network][Input(new int[0])][Linear(1)] public partial class N;" },
        { "Input without dimensions", Using + "[Network][Input][Linear(1)] public partial class N;" },
        { "Unfinished named argument", Using + "[Network][Input(3)][Linear(2, Name = ] public partial class N;" },
        { "Unfinished attribute list", Using + "[Network][Input(3)][Linear(2 public partial class N;" },
        { "Unclosed attribute at end of file", Using + "[Network][Input(3)][Linear(" },
        { "UnrollLimit is a string", Using + "[Network(UnrollLimit = \"x\")][Input(3)][Linear(1)] public partial class N;" },
        { "UnrollLimit is negative", Using + "[Network(UnrollLimit = int.MinValue)][Input(3)][Linear(1)] public partial class N;" },
        { "Name is a number", Using + "[Network][Input(3)][Linear(1, Name = 3)] public partial class N;" },
        { "Name is null", Using + "[Network][Input(3)][Linear(1, Name = null)] public partial class N;" },
        { "Bias is a string", Using + "[Network][Input(3)][Linear(1, Bias = \"no\")] public partial class N;" },
        { "Unknown attribute names", Using + "[Network][Input(3)][Dense(2)][Dropout] public partial class N;" },
        { "Flatten with an argument", Using + "[Network][Input(2, 3)][Flatten(1)][Linear(1)] public partial class N;" },
        { "Missing using NetDsl", "[Network][Input(3)][Linear(1)] public partial class N;" },
        { "Fully qualified attributes", "[NetDsl.Network][NetDsl.Input(3)][NetDsl.LinearAttribute(1)] public partial class N;" },
        { "Class with no body", Using + "[Network][Input(3)][Linear(1)] public partial class N" },
        { "Class with no name", Using + "[Network][Input(3)][Linear(1)] public partial class { }" },
        { "Attributes with no class", Using + "[Network][Input(3)][Linear(1)]" },
        { "Huge input", Using + "[Network][Input(100000, 100000)][Linear(1)] public partial class N;" },
        { "Huge input, many dimensions", Using + "[Network][Input(65536, 65536, 65536, 65536)][Flatten][Linear(1)] public partial class N;" },
        { "Linear of int.MaxValue", Using + "[Network][Input(3)][Linear(int.MaxValue)] public partial class N;" },
        { "Linear of int.MaxValue by int.MaxValue", Using + "[Network][Input(int.MaxValue)][Linear(int.MaxValue, int.MaxValue)][Linear(int.MaxValue)] public partial class N;" },
        { "Three layers of int.MaxValue squared", Using + "[Network][Input(int.MaxValue)][Linear(int.MaxValue)][Linear(int.MaxValue)][Linear(int.MaxValue)] public partial class N;" },
        { "Negative sizes", Using + "[Network][Input(-3)][Linear(-1)][Linear(-2, 3)] public partial class N;" },
        { "Zero sizes", Using + "[Network][Input(0)][Linear(0, 0)] public partial class N;" },
        { "int.MinValue sizes", Using + "[Network][Input(int.MinValue, int.MinValue)][Linear(int.MinValue)] public partial class N;" },
        { "Non-partial class", Using + "[Network][Input(3)][Linear(1)] public class N { }" },
        { "Static class", Using + "[Network][Input(3)][Linear(1)] public static partial class N;" },
        { "Generic class", Using + "[Network][Input(3)][Linear(1)] public partial class N<T> where T : struct;" },
        { "Abstract class", Using + "[Network][Input(3)][Linear(1)] public abstract partial class N;" },
        { "Sealed class", Using + "[Network][Input(3)][Linear(1)] public sealed partial class N;" },
        { "Record", Using + "[Network][Input(3)][Linear(1)] public partial record N;" },
        { "Record with a primary constructor", Using + "[Network][Input(3)][Linear(1)] public partial record N(int Seed);" },
        { "Record struct", Using + "[Network][Input(3)][Linear(1)] public partial record struct N;" },
        { "Struct", Using + "[Network][Input(3)][Linear(1)] public partial struct N;" },
        { "Interface", Using + "[Network][Input(3)][Linear(1)] public partial interface N;" },
        { "Enum", Using + "[Network][Input(3)][Linear(1)] public enum N { A }" },
        { "Nested in a non-partial class", Using + "public class Outer { [Network][Input(3)][Linear(1)] public partial class N; }" },
        { "Nested in a non-partial struct", Using + "public struct Outer { [Network][Input(3)][Linear(1)] public partial class N; }" },
        { "Nested in partial generic types", Using + "public partial class Outer<T> { public partial struct Middle<U, V> { [Network][Input(3)][Linear(1)] public partial class N; } }" },
        { "Nested in a partial interface", Using + "public partial interface IOuter { [Network][Input(3)][Linear(1)] public partial class N; }" },
        { "Nested in a method", Using + "public class Outer { void M() { [Network][Input(3)][Linear(1)] partial class N; } }" },
        { "Same nested name in generic types of different arity", Using + "public partial class Outer<T> { [Network][Input(1)][Linear(1)] public partial class N; } public partial class Outer<T, U> { [Network][Input(1)][Linear(1)] public partial class N; }" },
        { "Same name in two namespaces", "using NetDsl; namespace A { [Network][Input(1)][Linear(1)] public partial class N; } namespace B { [Network][Input(1)][Linear(1)] public partial class N; }" },
        { "Duplicate names", Using + "[Network][Input(3)][Linear(2, Name = \"fc\")][Linear(1, Name = \"fc\")] public partial class N;" },
        { "Names differing only in case", Using + "[Network][Input(3)][Linear(2, Name = \"fc1\")][Linear(1, Name = \"Fc1\")] public partial class N;" },
        { "Explicit name like a default view name", Using + "[Network][Input(3)][Linear(2)][Linear(1, Name = \"layer0\")] public partial class N;" },
        { "C# keywords as names", Using + "[Network][Input(3)][Linear(2, Name = \"class\"), ReLU(Name = \"int\")][Linear(1, Name = \"return\")] public partial class N;" },
        { "Names of generated members", Using + "[Network][Input(3)][Linear(2, Name = \"parameters\")][Linear(1, Name = \"output\")] public partial class N;" },
        { "Names of private generated members", Using + "[Network][Input(3)][Linear(2, Name = \"maxWidth\")][Linear(1, Name = \"_parameters\")] public partial class N;" },
        { "Name of the class", Using + "[Network][Input(3)][Linear(1, Name = \"n\")] public partial class N;" },
        { "Empty names", Using + "[Network][Input(3)][Linear(2, Name = \"\")][ReLU(Name = \"\")] public partial class N;" },
        { "Whitespace and unicode names", Using + "[Network][Input(3)][Linear(2, Name = \" \")][Linear(1, Name = \"couche_é\")] public partial class N;" },
        { "Names starting with a digit", Using + "[Network][Input(3)][Linear(2, Name = \"1\")][Linear(1, Name = \"2fc\")] public partial class N;" },
        { "Underscore names", Using + "[Network][Input(3)][Linear(2, Name = \"_\")][Linear(1, Name = \"__\")] public partial class N;" },
        { "Layer attributes without [Network]", Using + "[Input(3)][Linear(1)] public partial class N;" },
        { "Layer attributes on a struct without [Network]", Using + "[Input(3)][Linear(1)] public partial struct N;" },
        { "Network twice", Using + "[Network][Network][Input(3)][Linear(1)] public partial class N;" },
        { "Network on two partial declarations", Using + "[Network][Input(3)][Linear(1)] public partial class N; [Network] public partial class N;" },
        { "Input on two partial declarations without [Network]", Using + "[Input(3)] public partial class N; [Input(3)][Linear(1)] public partial class N;" },
        { "A layer before [Input] on another declaration without [Network]", Using + "[Linear(1)] public partial class N; [Input(3)] public partial class N;" },
        { "Layers spread over two partial declarations", Using + "[Network][Input(3)][Linear(2)] public partial class N; [ReLU][Linear(1)] public partial class N;" },
        { "Network and layers on different declarations", Using + "[Network] public partial class N; [Input(3)][Linear(1)] public partial class N;" },
        { "Input after the layers", Using + "[Network][Linear(2)][ReLU][Input(3)] public partial class N;" },
        { "Only activations", Using + "[Network][Input(3)][ReLU][Tanh][Sigmoid] public partial class N;" },
        { "Only Flatten", Using + "[Network][Input(2, 3)][Flatten] public partial class N;" },
        { "Unknown layer kind", Using + "public sealed class MyAttribute : LayerAttribute; [Network][Input(3)][My][Linear(1)] public partial class N;" },
        { "Layer attribute class is itself a network", Using + "[Network][Input(3)][Linear(1)] public sealed partial class MyLayerAttribute : LayerAttribute; [Network][Input(3)][MyLayer] public partial class N;" },
        { "A source NetDsl.LinearAttribute without arguments", "namespace NetDsl { public sealed class LinearAttribute : LayerAttribute { } } namespace App { using NetDsl; [Network][Input(3)][Linear] public partial class N; }" },
        { "A source NetDsl.InputAttribute taking a string", "namespace NetDsl { public sealed class InputAttribute : System.Attribute { public InputAttribute(string shape) { } } } namespace App { using NetDsl; [Network][Input(\"3\")][Linear(1)] public partial class N; }" },
        { "Class named like a keyword", Using + "[Network][Input(3)][Linear(1)] public partial class @class;" },
        { "Class named like a generated member", Using + "[Network][Input(3)][Linear(1)] public partial class Input;" },
        { "Unicode class name", Using + "[Network][Input(3)][Linear(1)] public partial class Réseau;" },
        { "Garbage", "[[[ ]]] class ; partial [Network] ) ( namespace" },
        { "Empty file", string.Empty },
    };

    [Theory]
    [MemberData(nameof(MalformedSources))]
    public void GeneratorAndAnalyzer_NeverThrow(string description, string source)
    {
        TestRun run = TestCompilation.Run(source);

        Assert.True(run.Exceptions.IsEmpty, description + ": " + string.Join("\n", run.Exceptions));
        Assert.DoesNotContain(run.GeneratorDiagnostics, d => d.Id == "CS8785");
        Assert.DoesNotContain(run.AnalyzerDiagnostics, d => d.Id == "AD0001");
        Assert.All(run.AnalyzerDiagnostics, d => Assert.StartsWith("NDSL", d.Id, StringComparison.Ordinal));
    }

    /// <summary>
    /// Where the generator emits the fallback of a class it cannot generate, some error keeps the build failing (the
    /// fallback must never run), and the fallback itself compiles without any diagnostic (warnings as errors): it must
    /// never add an error to the ones that explain the declaration.
    /// </summary>
    [Theory]
    [MemberData(nameof(MalformedSources))]
    public void Fallbacks_AddNoDiagnosticOfTheirOwn(string description, string source)
    {
        TestRun run = TestCompilation.Run(source);

        foreach (GeneratedSourceResult fallback in run.GeneratedSources.Where(s => s.SourceText.ToString().Contains("was not generated because of", StringComparison.Ordinal)))
        {
            Assert.True(
                run.OutputDiagnostics.Concat(run.AnalyzerDiagnostics).Concat(run.GeneratorDiagnostics).Any(d => d.Severity == DiagnosticSeverity.Error),
                description + ": " + fallback.HintName + " is a fallback, but nothing fails the build");
            Diagnostic[] own = TestCompilation.ErrorsWithWarningsAsErrors(run.Output)
                .Where(d => d.Location.SourceTree?.FilePath == fallback.SyntaxTree.FilePath)
                .ToArray();
            Assert.True(own.Length == 0, description + ", " + fallback.HintName + ":\n" + string.Join("\n", own.Select(d => d.ToString())));
        }
    }

    [Theory]
    [InlineData("[Network][Input(3)][Linear(1)] public partial record struct N;")]
    [InlineData("[Network][Input(3)][Linear(3, 1)][Linear(2)] public partial record struct N;")]
    public void RecordStruct_GetsNothingGenerated_TheCompilersErrorOnTheAttributeIsTheOnlyOne(string declaration)
    {
        TestRun run = TestCompilation.Run(Using + declaration);

        Assert.Empty(run.GeneratedSources);
        Assert.Equal(new[] { "CS0592" }, run.OutputDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.Id).Distinct());
    }

    [Theory]
    [MemberData(nameof(MalformedSources))]
    public void ParserInferenceAndEmitter_CalledDirectly_NeverThrow(string description, string source)
    {
        Compilation compilation = TestCompilation.Create(source);
        foreach (INamedTypeSymbol type in TestCompilation.SourceTypes(compilation))
        {
            NetworkParser.IndexOfOrphanStackAttribute(type);
            ParseResult parsed = NetworkParser.Parse(type, CancellationToken.None);
            if (parsed.Spec is { } spec)
            {
                var diagnostics = new List<DiagnosticInfo>();
                NetworkPlan? plan = ShapeInference.Infer(spec, diagnostics);
                if (plan is not null)
                {
                    Assert.False(diagnostics.Any(d => d.IsError), description + ": a plan was returned despite errors");
                    Assert.NotEmpty(NetworkEmitter.Emit(plan, "1.0.0.0"));
                }
                else
                {
                    Assert.True(diagnostics.Any(d => d.IsError), description + ": no plan but no error for " + type.Name);
                }
            }

            ImmutableArray<Diagnostic> analyzed = NetworkAnalyzer.Analyze(type, CancellationToken.None).ToImmutableArray();
            Assert.All(analyzed, d => Assert.StartsWith("NDSL", d.Id, StringComparison.Ordinal));
        }
    }

    /// <summary>
    /// Networks at the edges of what is valid: the analyzer accepts them, so the generated code must compile (warnings
    /// as errors) - otherwise the user gets compiler errors in a file they cannot edit, without a NetDsl diagnostic.
    /// </summary>
    public static TheoryData<string, string> ValidEdgeNetworks() => new()
    {
        { "Only Flatten", "[Network][Input(2, 3)][Flatten] public partial class N;" },
        { "Only activations", "[Network][Input(3)][ReLU] public partial class N;" },
        { "Only activations, kernels", "[Network(UnrollLimit = 0)][Input(3)][Sigmoid] public partial class N;" },
        { "Flatten then Linear without bias", "[Network][Input(2, 2)][Flatten][Linear(1, Bias = false)] public partial class N;" },
        { "Everything in kernels", "[Network(UnrollLimit = 0)][Input(3)][Linear(2), Tanh][Linear(1)] public partial class N;" },
        { "Record", "[Network][Input(3)][Linear(1)] public partial record N;" },
        { "Sealed class", "[Network][Input(3)][Linear(1)] public sealed partial class N;" },
        { "Nested in partial generic types", "public partial class Outer<T> { public partial struct Middle<U, V> { [Network][Input(3)][Linear(1)] public partial class N; } }" },
        { "Nested in a partial record", "public partial record Outer { [Network][Input(3)][Linear(1)] public partial class N; }" },
        { "Same nested name in generic types of different arity", "public partial class Outer<T> { [Network][Input(1)][Linear(1)] public partial class N; } public partial class Outer<T, U> { [Network][Input(1)][Linear(1)] public partial class N; }" },
        { "C# keywords as names", "[Network][Input(3)][Linear(2, Name = \"class\"), ReLU(Name = \"int\")][Linear(1, Name = \"return\")] public partial class N;" },
        { "Underscore names", "[Network][Input(3)][Linear(2, Name = \"_\")][Linear(1, Name = \"__\")] public partial class N;" },
        { "Name like the private tensor table", "[Network][Input(3)][Linear(1, Name = \"s_parameterTensors\")] public partial class N;" },
        { "Input and output of 17 floats", "[Network][Input(17)][Linear(17)] public partial class N;" },
    };

    [Theory]
    [MemberData(nameof(ValidEdgeNetworks))]
    public void ValidEdgeNetworks_GenerateCodeThatCompiles(string description, string declaration)
    {
        TestRun run = TestCompilation.Run("#pragma warning disable CS1591\nusing NetDsl;\n\nnamespace App;\n\n" + declaration);

        Assert.Empty(run.Exceptions);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.AnalyzerDiagnostics);
        Assert.NotEmpty(run.GeneratedSources);
        TestCompilation.AssertCompilesWithWarningsAsErrors(run.Output, description + ":\n");
    }
}
