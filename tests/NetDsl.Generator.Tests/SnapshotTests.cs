using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Xunit;

namespace NetDsl.Generator.Tests;

/// <summary>The generated source of representative networks, compared with checked-in golden files.</summary>
public sealed class SnapshotTests
{
    public const string SeedNetwork = """
        using NetDsl;

        namespace SeedNetwork;

        /// <summary>The seed document's network: Linear(3, 2) -> ReLU -> Linear(2, 1).</summary>
        [Network]
        [Input(3)]
        [Linear(3, 2, Name = "fc1"), ReLU]
        [Linear(2, 1, Name = "fc2")]
        public partial class SimpleNN;
        """;

    /// <summary>784 x 128 and 128 x 10 are both above the default unroll limit of 256: every stage calls the kernels.</summary>
    public const string Mlp = """
        using NetDsl;

        namespace Digits
        {
            /// <summary>A classifier for 28x28 digits.</summary>
            [Network]
            [Input(784)]
            [Linear(128, Name = "fc1"), ReLU]
            [Linear(10, Name = "fc2")]
            public partial class Mlp;
        }
        """;

    /// <summary>
    /// Work per stage: Linear 4x8 + Tanh = 32 (unrolled), Linear 8x8 without bias + Sigmoid = 64 (kernels), Flatten (no
    /// code), ReLU on 8 = 8 (unrolled), Linear 8x16 + ReLU = 128 (kernels); UnrollLimit = 40 splits them.
    /// </summary>
    public const string DeepMixed = """
        using NetDsl;

        namespace Zoo.Models;

        /// <summary>Holds networks.</summary>
        public static partial class Container
        {
            /// <summary>Kernels and unrolled stages mixed.</summary>
            [Network(UnrollLimit = 40)]
            [Input(4)]
            [Linear(8), Tanh]
            [Linear(8, Bias = false), Sigmoid]
            [Flatten]
            [ReLU]
            [Linear(16), ReLU]
            public partial class DeepMixed;
        }
        """;

    /// <summary>
    /// A small CNN with both code paths: conv1 (32 outputs x 4 taps = 128) and the pool unroll; conv2 (36 outputs x 8 taps =
    /// 288) calls the convolution kernels; batch normalization and dropout always call kernels; the global pool unrolls.
    /// </summary>
    public const string TinyCnn = """
        using NetDsl;

        namespace Vision;

        /// <summary>A tiny convolutional network.</summary>
        [Network]
        [Input(1, 5, 5)]
        [Conv2D(2, Kernel = 2, Name = "conv1"), ReLU]
        [MaxPool2D(2)]
        [Conv2D(4, Kernel = 2, Padding = 1, Name = "conv2")]
        [BatchNorm2D(Name = "bn"), ReLU]
        [GlobalAvgPool]
        [Dropout(0.1)]
        [Linear(3, Name = "head")]
        public partial class TinyCnn;
        """;

    [Fact]
    public void TinyCnn_MatchesSnapshot()
    {
        string source = AssertSnapshot("TinyCnn", TinyCnn, "Vision.TinyCnn.g.cs");

        Assert.Contains("// Stage 1, layer 'conv1': Conv2D(1, 2, 2x2) [1, 5, 5] -> [2, 4, 4], then ReLU ('1')", source, System.StringComparison.Ordinal);
        Assert.Contains("global::NetDsl.Generated.ConvolutionKernels.Forward(", source, System.StringComparison.Ordinal);
        Assert.Contains("global::NetDsl.Generated.NormalizationKernels.BatchNormMoments(a3, _batchStatistics[0], batch, 4, 9);", source, System.StringComparison.Ordinal);
        Assert.Contains("partial class TinyCnn : global::NetDsl.INetwork<TinyCnn>, global::NetDsl.Generated.IParameterStorage, global::NetDsl.Generated.ISegmentedTraining", source, System.StringComparison.Ordinal);
        Assert.Contains("new(\"bn.running_mean\", 0, 4),", source, System.StringComparison.Ordinal);
    }

    /// <summary>
    /// An image network whose inference keeps the activations channels-last between its convolutions, pools, batch
    /// normalization and ReLUs (InferenceLayouts): the first convolution (one input channel, rows of 12) takes the row
    /// kernel and writes planar activations, the pool after it converts, and the last pool converts back before Flatten.
    /// </summary>
    public const string ChannelsLastCnn = """
        using NetDsl;

        namespace Vision;

        /// <summary>A small image network with channels-last inference activations.</summary>
        [Network]
        [Input(1, 12, 12)]
        [Conv2D(16, Kernel = 3, Padding = 1, Name = "conv1"), ReLU]
        [MaxPool2D(2)]
        [Conv2D(32, Kernel = 3, Padding = 1, Name = "conv2")]
        [BatchNorm2D(Name = "bn"), ReLU]
        [MaxPool2D(2)]
        [Flatten, Dropout(0.2)]
        [Linear(4, Name = "head")]
        public partial class ChannelsLastCnn;
        """;

    [Fact]
    public void ChannelsLastCnn_MatchesSnapshot()
    {
        string source = AssertSnapshot("ChannelsLastCnn", ChannelsLastCnn, "Vision.ChannelsLastCnn.g.cs");

        Assert.Contains("// s2, s3, s4: channels-last activations ([H, W, C] per sample)", source, System.StringComparison.Ordinal);
        Assert.Contains("PoolingKernels.MaxForward(s1, s2, batch, in s_window2, global::NetDsl.Generated.ActivationLayout.Planar, global::NetDsl.Generated.ActivationLayout.ChannelsLast);", source, System.StringComparison.Ordinal);
        Assert.Contains("1E-05f, global::NetDsl.Generated.ActivationLayout.ChannelsLast);", source, System.StringComparison.Ordinal);
        Assert.Contains("PoolingKernels.MaxForward(s4, s6, batch, in s_window6, global::NetDsl.Generated.ActivationLayout.ChannelsLast, global::NetDsl.Generated.ActivationLayout.Planar);", source, System.StringComparison.Ordinal);

        // Training passes stay planar.
        Assert.DoesNotContain("ActivationLayout.ChannelsLast", source.Substring(source.IndexOf("ForwardTrainingSegment(int segment", System.StringComparison.Ordinal)), System.StringComparison.Ordinal);
    }

    [Fact]
    public void SeedNetwork_MatchesSnapshot() => AssertSnapshot("SimpleNN", SeedNetwork, "SeedNetwork.SimpleNN.g.cs");

    [Fact]
    public void Mlp_MatchesSnapshot()
    {
        string source = AssertSnapshot("Mlp", Mlp, "Digits.Mlp.g.cs");

        // Both stages are above the unroll limit: kernel calls, no unrolled single-sample path.
        Assert.Contains("global::NetDsl.Generated.LinearKernels.Forward(", source, System.StringComparison.Ordinal);
        Assert.DoesNotContain("ForwardSample", source, System.StringComparison.Ordinal);
        Assert.Contains("public const int ParameterCount = 101770;", source, System.StringComparison.Ordinal);
    }

    [Fact]
    public void DeepMixed_MatchesSnapshot()
    {
        string source = AssertSnapshot("DeepMixed", DeepMixed, "Zoo.Models.Container.DeepMixed.g.cs");

        Assert.Contains("partial class Container", source, System.StringComparison.Ordinal);
        Assert.Contains("// Stage 1, layer '0': Linear(4, 8) [4] -> [8], then Tanh ('1'). weight [8, 4] at p[0..32). bias [8] at p[32..40). Unrolled.", source, System.StringComparison.Ordinal);
        Assert.Contains("// Stage 2, layer '2': Linear(8, 8, bias: false) [8] -> [8], then Sigmoid ('3'). weight [8, 8] at p[40..104). Kernels.", source, System.StringComparison.Ordinal);
        // A lone ReLU within the unroll limit: batched code calls its kernel once for the whole batch, not 8 scalar calls per sample.
        Assert.Contains("// Stage 3, layer '5': ReLU [8] -> [8]. Kernels.\n                global::NetDsl.Generated.ActivationKernels.ReLU(s2, s3);", source, System.StringComparison.Ordinal);
        Assert.Contains("// Stage 4, layer '6': Linear(8, 16) [8] -> [16], then ReLU ('7'). weight [16, 8] at p[104..232). bias [16] at p[232..248). Kernels.", source, System.StringComparison.Ordinal);
    }

    /// <summary>A sensor-stream classifier: two stacked LSTM layers keeping the final state, then a head.</summary>
    public const string SensorLstm = """
        using NetDsl;

        namespace Sensors;

        /// <summary>Classifies 20 steps of 3 accelerometer axes.</summary>
        [Network]
        [Input(20, 3)]
        [LSTM(16, Layers = 2, ReturnSequences = false, Name = "lstm")]
        [Linear(4, Name = "head")]
        public partial class SensorLstm;
        """;

    [Fact]
    public void SensorLstm_MatchesSnapshot()
    {
        string source = AssertSnapshot("SensorLstm", SensorLstm, "Sensors.SensorLstm.g.cs");

        Assert.Contains("private static readonly global::NetDsl.Generated.RecurrentGeometry s_window1 = new(global::NetDsl.Generated.RecurrentCell.Lstm, 20, 3, 16, 2, Bidirectional: false, ReturnSequences: false, Bias: true);", source, System.StringComparison.Ordinal);
        Assert.Contains("new(\"lstm.weight_ih_l0\", 0, 64, 3),", source, System.StringComparison.Ordinal);
        Assert.Contains("new(\"lstm.bias_hh_l1\", ", source, System.StringComparison.Ordinal);
        Assert.Contains("global::NetDsl.Generated.RecurrentKernels.Backward(in s_window1, a0, ", source, System.StringComparison.Ordinal);
        Assert.Contains("public global::NetDsl.NamedTensorsView Lstm => ", source, System.StringComparison.Ordinal);
    }

    /// <summary>A streamed sensor tagger: two recurrent attributes of different kinds with per-step layers between them, every step tagged.</summary>
    public const string StackedSensorStream = """
        using NetDsl;

        namespace Sensors;

        /// <summary>Tags each of 20 steps of 3 accelerometer axes with one of 4 activities.</summary>
        [Network]
        [Input(20, 3)]
        [LSTM(16, ReturnSequences = true, Name = "lstm")]
        [Dropout(0.2)]
        [Linear(8, Name = "proj"), Tanh]
        [GRU(8, Layers = 2, ReturnSequences = true, Name = "gru")]
        [Linear(4, Name = "head")]
        public partial class StackedSensorStream;
        """;

    [Fact]
    public void StackedSensorStream_MatchesSnapshot()
    {
        string source = AssertSnapshot("StackedSensorStream", StackedSensorStream, "Sensors.StackedSensorStream.g.cs");

        Assert.Contains("public StepOutput Step(ref StreamState state, global::System.ReadOnlySpan<float> features)", source, System.StringComparison.Ordinal);
        Assert.Contains("global::NetDsl.Generated.RecurrentKernels.Step(in s_window1, s0, p.Slice(0, 1344), states.Slice(0, 32), s1);", source, System.StringComparison.Ordinal);
        Assert.Contains("global::NetDsl.Generated.RecurrentKernels.Step(in s_window4, s3, ", source, System.StringComparison.Ordinal);
    }

    /// <summary>A digits classifier with its int8 twin.</summary>
    public const string Int8Digits = """
        using NetDsl;

        namespace Digits;

        [Network(Int8 = true)]
        [Input(64)]
        [Linear(32, Name = "fc1"), ReLU]
        [Linear(10, Name = "fc2")]
        public partial class Int8Digits;
        """;

    [Fact]
    public void Int8Digits_MatchesSnapshot()
    {
        string source = AssertSnapshot("Int8Digits", Int8Digits, "Digits.Int8Digits.g.cs");

        Assert.Contains("public Quantized Quantize(global::System.ReadOnlySpan<float> calibrationInputs, global::NetDsl.Quantization.QuantizationOptions? options = null) => Quantized.Create(this, calibrationInputs, options);", source, System.StringComparison.Ordinal);
        Assert.Contains("public sealed class Quantized", source, System.StringComparison.Ordinal);
    }

    [Fact]
    public void Scrub_ReplacesOnlyTheGeneratorVersion()
    {
        string scrubbed = Snapshot.Scrub("[global::System.CodeDom.Compiler.GeneratedCode(\"NetDsl.Generator\", \"1.2.3.4\")]\nconst string V = \"1.2.3.4\";");

        Assert.Equal("[global::System.CodeDom.Compiler.GeneratedCode(\"NetDsl.Generator\", \"" + Snapshot.VersionPlaceholder + "\")]\nconst string V = \"1.2.3.4\";", scrubbed);
    }

    [Fact]
    public void Difference_PointsAtTheFirstDifferingLine()
    {
        string difference = Snapshot.Difference("a\nb\nc\nd", "a\nb\nX\nd");

        Assert.Contains("First difference at line 3", difference, System.StringComparison.Ordinal);
        Assert.Contains("  - 3   c", difference, System.StringComparison.Ordinal);
        Assert.Contains("  + 3   X", difference, System.StringComparison.Ordinal);
    }

    [Fact]
    public void Harness_ReportsMissingDocumentationInDiagnoseMode()
    {
        // The compile checks below rely on the harness reporting CS1591 for undocumented public members.
        TestRun run = TestCompilation.Run("public class Undocumented { }");

        Assert.Contains(TestCompilation.ErrorsWithWarningsAsErrors(run.Output), d => d.Id == "CS1591");
    }

    /// <summary>
    /// Runs the generator and the analyzer on <paramref name="source"/>, asserts that they report nothing, that the
    /// generator writes exactly one file named <paramref name="hintName"/>, that the result compiles without errors or
    /// warnings (warnings as errors, documentation checked), and compares the file with its snapshot.
    /// </summary>
    private static string AssertSnapshot(string name, string source, string hintName)
    {
        TestRun run = TestCompilation.Run(source);

        Assert.Empty(run.Exceptions);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.AnalyzerDiagnostics);
        GeneratedSourceResult generated = Assert.Single(run.GeneratedSources);
        Assert.Equal(hintName, generated.HintName);

        ImmutableArray<Diagnostic> diagnostics = TestCompilation.ErrorsWithWarningsAsErrors(run.Output);
        Assert.True(diagnostics.IsEmpty, "The generated code does not compile cleanly:\n" + string.Join("\n", diagnostics.Select(d => d.ToString())));

        string text = generated.SourceText.ToString();
        Assert.StartsWith("// <auto-generated/>\n", text, System.StringComparison.Ordinal);
        Snapshot.Match(name, text);
        return text;
    }
}
