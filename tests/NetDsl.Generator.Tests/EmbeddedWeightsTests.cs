using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using System.Text;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using NetDsl.Generator.Embedding;
using Xunit;

namespace NetDsl.Generator.Tests;

/// <summary>
/// Weights compiled in with <c>[Network(Weights = "...")]</c>: the generator reads the base64 copy that build/NetDsl.targets
/// hands it, checks every tensor against the layers with the runtime's own safetensors code, and emits
/// <c>CreatePretrained()</c>; the analyzer reports a missing, mismatching or very large file.
/// </summary>
public sealed class EmbeddedWeightsTests
{
    private const string Source = """
        using NetDsl;

        namespace App;

        [Network(Weights = "seed.safetensors")]
        [Input(3)]
        [Linear(3, 2, Name = "fc1"), ReLU]
        [Linear(2, 1, Name = "fc2")]
        public partial class Seed;
        """;

    private static readonly (string Name, int[] Shape, float[] Values)[] SeedTensors =
    [
        ("fc1.weight", [2, 3], [0.1f, 0.2f, 0.3f, -0.4f, 0.1f, -0.2f]),
        ("fc1.bias", [2], [0.1f, -0.1f]),
        ("fc2.weight", [1, 2], [0.5f, -0.3f]),
        ("fc2.bias", [1], [0.1f]),
    ];

    [Fact]
    public void MatchingFile_IsCompiledIn_AndCreatePretrainedReturnsItsValues()
    {
        (ImmutableArray<Diagnostic> analyzer, GeneratorRunResult generator, Compilation output) = Run(Source, WeightsText("seed.safetensors", SafeTensors(SeedTensors)));

        Assert.Empty(analyzer);
        Assert.Null(generator.Exception);
        string generated = Assert.Single(generator.GeneratedSources).SourceText.ToString();
        Assert.Contains("public static Seed CreatePretrained()", generated, StringComparison.Ordinal);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));

        using var stream = new MemoryStream();
        Assert.True(output.Emit(stream).Success);
        var context = new AssemblyLoadContext("embedded-weights", isCollectible: true);
        try
        {
            stream.Position = 0;
            Assembly assembly = context.LoadFromStream(stream);
            object network = assembly.GetType("App.Seed")!.GetMethod("CreatePretrained")!.Invoke(null, null)!;
            float[] parameters = ((INetwork)network).Parameters.ToArray();
            Assert.Equal(SeedTensors.SelectMany(t => t.Values).ToArray(), parameters);
        }
        finally
        {
            context.Unload();
        }
    }

    [Fact]
    public void ARecurrentModelsPyTorchTensors_AreCompiledIn()
    {
        const string source = """
            using NetDsl;

            namespace App;

            [Network(Weights = "gru.safetensors")]
            [Input(4, 2)]
            [GRU(3, ReturnSequences = false, Name = "gru")]
            [Linear(1, Name = "fc")]
            public partial class Sensor;
            """;

        // nn.GRU(2, 3) and nn.Linear(3, 1) as PyTorch names them; values 0.01, 0.02, ... in state_dict order.
        (string Name, int[] Shape)[] layout =
        [
            ("gru.weight_ih_l0", [9, 2]), ("gru.weight_hh_l0", [9, 3]), ("gru.bias_ih_l0", [9]), ("gru.bias_hh_l0", [9]),
            ("fc.weight", [1, 3]), ("fc.bias", [1]),
        ];
        int next = 0;
        (string Name, int[] Shape, float[] Values)[] tensors = layout
            .Select(t => (t.Name, t.Shape, Enumerable.Range(0, t.Shape.Aggregate(1, (a, b) => a * b)).Select(_ => ++next / 100f).ToArray()))
            .ToArray();

        (ImmutableArray<Diagnostic> analyzer, GeneratorRunResult generator, Compilation output) = Run(source, WeightsText("gru.safetensors", SafeTensors(tensors)));

        Assert.Empty(analyzer);
        Assert.Null(generator.Exception);
        using var stream = new MemoryStream();
        Assert.True(output.Emit(stream).Success);
        var context = new AssemblyLoadContext("embedded-recurrent-weights", isCollectible: true);
        try
        {
            stream.Position = 0;
            Assembly assembly = context.LoadFromStream(stream);
            var network = (INetwork)assembly.GetType("App.Sensor")!.GetMethod("CreatePretrained")!.Invoke(null, null)!;
            Assert.Equal(tensors.SelectMany(t => t.Values).ToArray(), network.Parameters.ToArray());
        }
        finally
        {
            context.Unload();
        }
    }

    [Fact]
    public void NDSL0028_MissingFile_OnTheNetworkAttribute()
    {
        (ImmutableArray<Diagnostic> analyzer, GeneratorRunResult generator, _) = Run(Source);

        Diagnostic diagnostic = Assert.Single(analyzer);
        Assert.Equal("NDSL0028", diagnostic.Id);
        Assert.Equal(
            "The weights file 'seed.safetensors' of network 'Seed' was not given to the build; add <NetDslWeights Include=\"seed.safetensors\" /> to the project (with build/NetDsl.targets imported, as the NetDsl package does)",
            diagnostic.GetMessage(CultureInfo.InvariantCulture));
        Assert.StartsWith("Network(Weights", diagnostic.Location.SourceTree!.GetText().ToString(diagnostic.Location.SourceSpan), StringComparison.Ordinal);
        // The fallback, which declares CreatePretrained (throwing) so that its callers add no errors of their own.
        string generated = Assert.Single(generator.GeneratedSources).SourceText.ToString();
        Assert.Contains("was not generated because of NDSL0028", generated, StringComparison.Ordinal);
        Assert.Contains("public static Seed CreatePretrained() => throw NotGenerated();", generated, StringComparison.Ordinal);
    }

    [Fact]
    public void NDSL0029_WrongShape_NamesTheTensorAndBothShapes()
    {
        (string Name, int[] Shape, float[] Values)[] tensors = [.. SeedTensors];
        tensors[2] = ("fc2.weight", [1, 3], [0.5f, -0.3f, 0.2f]);

        (ImmutableArray<Diagnostic> analyzer, _, _) = Run(Source, WeightsText("seed.safetensors", SafeTensors(tensors)));

        Diagnostic diagnostic = Assert.Single(analyzer);
        Assert.Equal("NDSL0029", diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Equal(
            "The weights file 'seed.safetensors' cannot be compiled into network 'Seed': Tensor 'fc2.weight' has shape [1, 3] in the file, but the network needs [1, 2].",
            diagnostic.GetMessage(CultureInfo.InvariantCulture));
    }

    [Fact]
    public void NDSL0029_MissingTensor()
    {
        (ImmutableArray<Diagnostic> analyzer, _, _) = Run(Source, WeightsText("seed.safetensors", SafeTensors(SeedTensors.Take(3).ToArray())));

        Diagnostic diagnostic = Assert.Single(analyzer);
        Assert.Equal("NDSL0029", diagnostic.Id);
        Assert.Contains("has no tensor 'fc2.bias'", diagnostic.GetMessage(CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    [Fact]
    public void NDSL0030_LargeFile_IsAWarning_AndStillCompilesIn()
    {
        // Extra tensors (normalization statistics, for example) may travel in the file; here one makes it large.
        (string Name, int[] Shape, float[] Values)[] tensors = [.. SeedTensors, ("padding", [1_100_000], new float[1_100_000])];

        (ImmutableArray<Diagnostic> analyzer, GeneratorRunResult generator, _) = Run(Source, WeightsText("seed.safetensors", SafeTensors(tensors)));

        Diagnostic diagnostic = Assert.Single(analyzer);
        Assert.Equal("NDSL0030", diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Warning, diagnostic.Severity);
        Assert.Contains("is 4.2 MiB", diagnostic.GetMessage(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        Assert.Contains("CreatePretrained", Assert.Single(generator.GeneratedSources).SourceText.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void ChangingTheWeightsFile_RerunsTheGenerator_AndAnUnrelatedEditDoesNot()
    {
        CSharpCompilation compilation = TestCompilation.Create(Source);
        AdditionalText first = WeightsText("seed.safetensors", SafeTensors(SeedTensors));
        GeneratorDriver driver = Driver(first).RunGenerators(compilation);

        GeneratorDriver unchanged = driver.RunGenerators(compilation.AddSyntaxTrees(TestCompilation.ParseTree("class Unrelated { }", "Unrelated.cs")));
        Assert.All(unchanged.GetRunResult().Results[0].TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs),
            output => Assert.True(output.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, output.Reason.ToString()));

        (string Name, int[] Shape, float[] Values)[] changed = [.. SeedTensors];
        changed[3] = ("fc2.bias", [1], [0.75f]);
        GeneratorDriver rerun = driver.ReplaceAdditionalText(first, WeightsText("seed.safetensors", SafeTensors(changed))).RunGenerators(compilation);
        Assert.Contains("0.75f", rerun.GetRunResult().Results[0].GeneratedSources.Single().SourceText.ToString(), StringComparison.Ordinal);
    }

    private static GeneratorDriver Driver(params AdditionalText[] files) =>
        CSharpGeneratorDriver.Create(
            new[] { new NetworkGenerator().AsSourceGenerator() },
            additionalTexts: files,
            parseOptions: TestCompilation.ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    private static (ImmutableArray<Diagnostic> Analyzer, GeneratorRunResult Generator, Compilation Output) Run(string source, params AdditionalText[] files)
    {
        GeneratorDriver driver = Driver(files).RunGeneratorsAndUpdateCompilation(TestCompilation.Create(source), out Compilation output, out _);
        CompilationWithAnalyzers analyzers = output.WithAnalyzers(
            ImmutableArray.Create<DiagnosticAnalyzer>(new NetworkAnalyzer()),
            new AnalyzerOptions(files.ToImmutableArray()));
        return (analyzers.GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult(), driver.GetRunResult().Results[0], output);
    }

    private static AdditionalText WeightsText(string name, byte[] bytes) => WeightFileTexts.Of(name, bytes);

    /// <summary>A safetensors file written from the specification: length, JSON header padded to 8 bytes, little-endian F32 data.</summary>
    private static byte[] SafeTensors((string Name, int[] Shape, float[] Values)[] tensors)
    {
        var header = new StringBuilder("{");
        long offset = 0;
        foreach ((string name, int[] shape, float[] values) in tensors)
        {
            header.Append(header.Length > 1 ? "," : string.Empty)
                .Append('"').Append(name).Append("\":{\"dtype\":\"F32\",\"shape\":[").Append(string.Join(",", shape))
                .Append("],\"data_offsets\":[").Append(offset).Append(',').Append(offset + (4L * values.Length)).Append("]}");
            offset += 4L * values.Length;
        }

        header.Append('}');
        while ((header.Length + 8) % 8 != 0)
        {
            header.Append(' ');
        }

        using var stream = new MemoryStream();
        stream.Write(BitConverter.GetBytes((ulong)header.Length));
        stream.Write(Encoding.UTF8.GetBytes(header.ToString()));
        foreach ((_, _, float[] values) in tensors)
        {
            foreach (float value in values)
            {
                stream.Write(BitConverter.GetBytes(value));
            }
        }

        return stream.ToArray();
    }
}
