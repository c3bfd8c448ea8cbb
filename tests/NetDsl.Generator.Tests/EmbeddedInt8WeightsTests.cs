using System;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using NetDsl.Quantization;
using Xunit;

namespace NetDsl.Generator.Tests;

/// <summary>
/// A quantized network's file compiled in with <c>[Network(Int8 = true, Int8Weights = "...")]</c>: checked at build time
/// (an int8 file of this architecture), and <c>Net.Quantized.CreatePretrained()</c> gives the network that was saved.
/// </summary>
public sealed class EmbeddedInt8WeightsTests
{
    private const string Declaration = """
        using NetDsl;

        namespace App;

        [Network(Int8 = true{0})]
        [Input(5)]
        [Linear(8, Name = "fc1"), ReLU]
        [Linear(3, Name = "fc2")]
        public partial class Tiny;
        """;

    private static string Source(string options) => Declaration.Replace("{0}", options, StringComparison.Ordinal);

    [Fact]
    public void MatchingFile_IsCompiledIn_AndCreatePretrainedGivesTheSavedNetwork()
    {
        float[] inputs = Enumerable.Range(0, 40 * 5).Select(i => MathF.Sin(i * 0.7f) * 2).ToArray();
        (byte[] file, float[] expected) = WithAssembly(Source(string.Empty), assembly =>
        {
            var model = (INetwork)Activator.CreateInstance(assembly.GetType("App.Tiny")!, 3)!;
            QuantizedNetwork quantized = QuantizedNetwork.Create(model, inputs);
            var outputs = new float[40 * 3];
            quantized.ForwardBatch(inputs, outputs);
            return (quantized.ToBytes(), outputs);
        });

        (ImmutableArray<Diagnostic> analyzer, GeneratorRunResult generator, Compilation output) = Run(Source(", Int8Weights = \"tiny.int8.safetensors\""), WeightsText("tiny.int8.safetensors", file));

        Assert.Empty(analyzer);
        Assert.Null(generator.Exception);
        string generated = Assert.Single(generator.GeneratedSources).SourceText.ToString();
        Assert.Contains("public static Quantized CreatePretrained() => FromBytes(PretrainedFile);", generated, StringComparison.Ordinal);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
        float[] actual = WithAssembly(output, assembly =>
        {
            object twin = assembly.GetType("App.Tiny+Quantized")!.GetMethod("CreatePretrained")!.Invoke(null, null)!;
            var network = (QuantizedNetwork)twin.GetType().GetProperty("Network")!.GetValue(twin)!;
            var outputs = new float[40 * 3];
            network.ForwardBatch(inputs, outputs);
            return outputs;
        });

        Assert.Equal(expected, actual);
    }

    [Fact]
    public void NDSL0029_Int8WeightsWithoutInt8()
    {
        string source = Source(", Int8Weights = \"tiny.int8.safetensors\"").Replace("Int8 = true, ", string.Empty, StringComparison.Ordinal);
        (ImmutableArray<Diagnostic> analyzer, _, _) = Run(source, WeightsText("tiny.int8.safetensors", [1, 2, 3]));

        Diagnostic diagnostic = Assert.Single(analyzer);
        Assert.Equal("NDSL0029", diagnostic.Id);
        Assert.Equal(
            "The weights file 'tiny.int8.safetensors' cannot be compiled into network 'Tiny': Int8Weights names an int8 network's file, so the network needs Int8 = true as well",
            diagnostic.GetMessage(CultureInfo.InvariantCulture));
    }

    [Fact]
    public void NDSL0029_AFloatWeightsFile()
    {
        byte[] floats = WithAssembly(Source(string.Empty), assembly => ((INetwork)Activator.CreateInstance(assembly.GetType("App.Tiny")!, 3)!).SaveWeightsToArray());
        (ImmutableArray<Diagnostic> analyzer, GeneratorRunResult generator, _) = Run(Source(", Int8Weights = \"tiny.safetensors\""), WeightsText("tiny.safetensors", floats));

        Diagnostic diagnostic = Assert.Single(analyzer);
        Assert.Equal("NDSL0029", diagnostic.Id);
        Assert.Contains("it is not a quantized network's file (its metadata has no netdsl.quantization = int8", diagnostic.GetMessage(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        string generated = Assert.Single(generator.GeneratedSources).SourceText.ToString();
        Assert.Contains("public static Quantized CreatePretrained() => throw NotGenerated();", generated, StringComparison.Ordinal);
    }

    [Fact]
    public void NDSL0029_AnotherArchitecture()
    {
        string other = Source(string.Empty).Replace("Linear(8,", "Linear(9,", StringComparison.Ordinal);
        byte[] file = WithAssembly(other, assembly =>
        {
            var model = (INetwork)Activator.CreateInstance(assembly.GetType("App.Tiny")!, 3)!;
            return QuantizedNetwork.Create(model, new float[5]).ToBytes();
        });

        (ImmutableArray<Diagnostic> analyzer, _, _) = Run(Source(", Int8Weights = \"tiny.int8.safetensors\""), WeightsText("tiny.int8.safetensors", file));

        Diagnostic diagnostic = Assert.Single(analyzer);
        Assert.Equal("NDSL0029", diagnostic.Id);
        Assert.Contains("it was saved for the architecture Input[5] fc1=Linear(5,9)", diagnostic.GetMessage(CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    [Fact]
    public void NDSL0028_MissingFile()
    {
        (ImmutableArray<Diagnostic> analyzer, _, _) = Run(Source(", Int8Weights = \"tiny.int8.safetensors\""));

        Diagnostic diagnostic = Assert.Single(analyzer);
        Assert.Equal("NDSL0028", diagnostic.Id);
        Assert.Contains("'tiny.int8.safetensors' of network 'Tiny' was not given to the build", diagnostic.GetMessage(CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    private static T WithAssembly<T>(string source, Func<Assembly, T> use)
    {
        (_, _, Compilation output) = Run(source);
        return WithAssembly(output, use);
    }

    private static T WithAssembly<T>(Compilation compilation, Func<Assembly, T> use) => TestCompilation.Load(compilation, use);

    private static (ImmutableArray<Diagnostic> Analyzer, GeneratorRunResult Generator, Compilation Output) Run(string source, params AdditionalText[] files)
    {
        GeneratorDriver driver = CSharpGeneratorDriver.Create(
                new[] { new NetworkGenerator().AsSourceGenerator() },
                additionalTexts: files,
                parseOptions: TestCompilation.ParseOptions)
            .RunGeneratorsAndUpdateCompilation(TestCompilation.Create(source), out Compilation output, out _);
        CompilationWithAnalyzers analyzers = output.WithAnalyzers(
            ImmutableArray.Create<DiagnosticAnalyzer>(new NetworkAnalyzer()),
            new AnalyzerOptions(files.ToImmutableArray()));
        return (analyzers.GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult(), driver.GetRunResult().Results[0], output);
    }

    private static AdditionalText WeightsText(string name, byte[] bytes) => WeightFileTexts.Of(name, bytes);
}
