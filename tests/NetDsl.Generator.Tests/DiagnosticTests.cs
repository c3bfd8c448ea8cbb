using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using NetDsl.Generator.Diagnostics;
using Xunit;

namespace NetDsl.Generator.Tests;

/// <summary>
/// One test per diagnostic ID, run through <see cref="NetworkAnalyzer"/> as an IDE or a build runs it: the exact ID,
/// severity, message and span (the attribute that causes it, marked <c>[|...|]</c>). The generator itself reports
/// nothing and, for an error, generates nothing.
/// </summary>
public sealed class DiagnosticTests
{
    private const string Prefix = """
        using NetDsl;

        namespace App;


        """;

    [Fact]
    public void NDSL0001_MissingInput() => AssertDiagnostic(
        """
        [[|Network|]]
        [Linear(2, Name = "fc1")]
        public partial class NoInput;
        """,
        "NDSL0001",
        DiagnosticSeverity.Error,
        "Network 'NoInput' has no [Input]; declare the shape of one sample before the layers, for example [Input(3)]");

    [Fact]
    public void NDSL0002_DuplicateInput() => AssertDiagnostic(
        """
        [Network]
        [Input(3)]
        [[|Input(4)|]]
        [Linear(1)]
        public partial class TwoInputs;
        """,
        "NDSL0002",
        DiagnosticSeverity.Error,
        "Network 'TwoInputs' declares [Input] more than once; keep exactly one, before every layer");

    [Fact]
    public void NDSL0003_InputNotFirst() => AssertDiagnostic(
        """
        [Network]
        [Linear(2, Name = "fc1"), ReLU]
        [[|Input(3)|]]
        public partial class LateInput;
        """,
        "NDSL0003",
        DiagnosticSeverity.Error,
        "[Input] of network 'LateInput' must come before every layer, but it follows layer #1 (ReLU)");

    [Fact]
    public void NDSL0004_LinearInputMismatch() => AssertDiagnostic(
        """
        [Network]
        [Input(3)]
        [Linear(3, 2, Name = "fc1"), ReLU]
        [[|Linear(3, 1, Name = "fc2")|]]
        public partial class SimpleNN;
        """,
        "NDSL0004",
        DiagnosticSeverity.Error,
        "Layer 'fc2' (Linear) receives shape [2] but needs [3], its declared input size; write [Linear(2, 1)], or [Linear(1)] to infer the input size");

    [Fact]
    public void NDSL0005_NonPositiveSize_LinearOutFeatures() => AssertDiagnostic(
        """
        [Network]
        [Input(3)]
        [[|Linear(0, Name = "fc1")|]]
        public partial class ZeroWide;
        """,
        "NDSL0005",
        DiagnosticSeverity.Error,
        "Layer 'fc1' (Linear) has out features = 0, but sizes must be positive");

    [Fact]
    public void NDSL0005_NonPositiveSize_InputDimension() => AssertDiagnostic(
        """
        [Network]
        [[|Input(2, -1)|]]
        [Linear(1)]
        public partial class NegativeInput;
        """,
        "NDSL0005",
        DiagnosticSeverity.Error,
        "[Input] of network 'NegativeInput' has dimension 1 = -1, but sizes must be positive");

    [Fact]
    public void NDSL0006_NotPartial() => AssertDiagnostic(
        """
        [[|Network|]]
        [Input(3)]
        [Linear(1)]
        public class NotPartial
        {
        }
        """,
        "NDSL0006",
        DiagnosticSeverity.Error,
        "Network class 'NotPartial' must be declared 'partial' so that the generator can add its members");

    [Fact]
    public void NDSL0007_ContainingTypeNotPartial() => AssertDiagnostic(
        """
        public class Outer
        {
            [[|Network|]]
            [Input(3)]
            [Linear(1)]
            public partial class Inner;
        }
        """,
        "NDSL0007",
        DiagnosticSeverity.Error,
        "Network class 'Inner' is nested in 'Outer', which must be declared 'partial' too");

    [Theory]
    [InlineData("public static partial class Net;", "static")]
    [InlineData("public abstract partial class Net;", "abstract")]
    [InlineData("public partial class Net<T>;", "generic")]
    [InlineData("file partial class Net;", "file-local (the generated members would go to another type of the same name)")]
    [InlineData("public partial class Net(int seed);", "declared with a primary constructor (the generated constructors could not call it)")]
    [InlineData("public partial record Net(int Seed);", "declared with a primary constructor (the generated constructors could not call it)")]
    public void NDSL0008_UnsupportedClass(string declaration, string form) => AssertDiagnostic(
        """
        [[|Network|]]
        [Input(3)]
        [Linear(1)]

        """ + declaration,
        "NDSL0008",
        DiagnosticSeverity.Error,
        "Network class 'Net' cannot be " + form + "; declare a plain partial class: not generic, static, abstract or file-local, and without a primary constructor");

    [Theory]
    [InlineData("public partial class Input;", "Input", "is named like a member the generated code declares in it (C# forbids a member named like its class)", "rename the class")]
    [InlineData("public partial class Parameters;", "Parameters", "is named like a member the generated code declares in it (C# forbids a member named like its class)", "rename the class")]
    [InlineData("public partial class Net { public int Forward; }", "Net", "declares a member named 'Forward', which the generated code declares too", "rename or remove it")]
    [InlineData("public partial class Net { private float[] _parameters = []; }", "Net", "declares a member named '_parameters', which the generated code declares too", "rename or remove it")]
    [InlineData("public partial class Net { public class Output; }", "Net", "declares a member named 'Output', which the generated code declares too", "rename or remove it")]
    public void NDSL0033_GeneratedNameClash(string declaration, string name, string clash, string fix) => AssertDiagnostic(
        """
        [[|Network|]]
        [Input(3)]
        [Linear(1)]

        """ + declaration,
        "NDSL0033",
        DiagnosticSeverity.Error,
        "Network class '" + name + "' " + clash + "; " + fix);

    [Fact]
    public void NDSL0033_NotReported_ForMembersTheClassMayDeclare()
    {
        // Create is implemented explicitly (INetwork<TSelf>.Create) and ToString is inherited: the class may declare its own.
        ImmutableArray<Diagnostic> diagnostics = AnalyzeDeclarations(Prefix + """
            [Network][Input(3)][Linear(1)]
            public partial class Net
            {
                public static Net Create() => new(1);

                public override string ToString() => "net";
            }
            """);
        Assert.Empty(diagnostics);
    }

    [Fact]
    public void NDSL0009_DuplicateLayerName() => AssertDiagnostic(
        """
        [Network]
        [Input(3)]
        [Linear(2, Name = "fc"), ReLU]
        [[|Linear(1, Name = "fc")|]]
        public partial class SameName;
        """,
        "NDSL0009",
        DiagnosticSeverity.Error,
        "Layer #2 is named 'fc', but layer #0 already has that name; each layer needs a unique name, the key of its tensors in weight files");

    [Fact]
    public void NDSL0009_DuplicateLayerName_DifferingOnlyInCase() => AssertDiagnostic(
        """
        [Network]
        [Input(3)]
        [Linear(2, Name = "fc1"), ReLU]
        [[|Linear(1, Name = "Fc1")|]]
        public partial class SameView;
        """,
        "NDSL0009",
        DiagnosticSeverity.Error,
        "Layer #2 is named 'Fc1', but layer #0 already gives the view property 'Fc1'; each layer needs a unique name, the key of its tensors in weight files");

    [Fact]
    public void NDSL0010_InvalidLayerName_NotAnIdentifier() => AssertDiagnostic(
        """
        [Network]
        [Input(3)]
        [[|Linear(1, Name = "fc-1")|]]
        public partial class Dashed;
        """,
        "NDSL0010",
        DiagnosticSeverity.Error,
        "Layer #0 has the name 'fc-1', which is not an identifier (ASCII letters, digits and '_', not starting with a digit)");

    [Fact]
    public void NDSL0010_InvalidLayerName_ClashesWithAGeneratedMember() => AssertDiagnostic(
        """
        [Network]
        [Input(3)]
        [[|Linear(1, Name = "forward")|]]
        public partial class Clash;
        """,
        "NDSL0010",
        DiagnosticSeverity.Error,
        "Layer 'forward' has the name 'forward', which would name its view 'Forward', a member the class already has; choose another name");

    [Theory]
    [InlineData("maxWidth", "MaxWidth")]
    [InlineData("_parameters", "_parameters")]
    [InlineData("runStages", "RunStages")]
    public void NDSL0010_InvalidLayerName_ClashesWithAPrivateGeneratedMember(string name, string property) => AssertDiagnostic(
        """
        [Network]
        [Input(3)]
        [Linear(2), ReLU]
        [[|Linear(1, Name = "
        """ + name + """
        ")|]]
        public partial class Clash;
        """,
        "NDSL0010",
        DiagnosticSeverity.Error,
        "Layer '" + name + "' has the name '" + name + "', which would name its view '" + property + "', a member the class already has; choose another name");

    [Fact]
    public void NDSL0011_LayerWithoutNetwork() => AssertDiagnostic(
        """
        [[|Input(3)|]]
        [Linear(1)]
        public partial class Orphan;
        """,
        "NDSL0011",
        DiagnosticSeverity.Error,
        "Class 'Orphan' has the layer attribute [Input] but no [Network], so no network is generated for it; add [Network] to the class");

    [Fact]
    public void NDSL0012_LayersInSeveralDeclarations() => AssertDiagnostic(
        """
        [[|Network|]]
        [Input(3)]
        [Linear(2)]
        public partial class Split;

        [ReLU]
        public partial class Split;
        """,
        "NDSL0012",
        DiagnosticSeverity.Error,
        "Network 'Split' declares its stack on more than one partial declaration, so the order of its layers is undefined; declare [Input] and every layer on one declaration");

    [Fact]
    public void NDSL0013_NeedsOneDimensionalInput() => AssertDiagnostic(
        """
        [Network]
        [Input(2, 3)]
        [[|Linear(4, Name = "fc1")|]]
        public partial class Image;
        """,
        "NDSL0013",
        DiagnosticSeverity.Error,
        "Layer 'fc1' (Linear) receives shape [2, 3] but needs a one-dimensional shape [features]; add [Flatten] before it to get [6]");

    [Fact]
    public void NDSL0014_NoLayers() => AssertDiagnostic(
        """
        [[|Network|]]
        [Input(3)]
        public partial class Empty;
        """,
        "NDSL0014",
        DiagnosticSeverity.Error,
        "Network 'Empty' has no layers after [Input]; add at least one layer, for example [Linear(1)]");

    [Fact]
    public void NDSL0015_ConsecutiveActivations_IsAWarningAndTheNetworkIsGenerated()
    {
        TestRun run = AssertDiagnostic(
            """
            /// <summary>Two activations in a row.</summary>
            [Network]
            [Input(3)]
            [Linear(2), ReLU]
            [[|Tanh|]]
            public partial class Doubled;
            """,
            "NDSL0015",
            DiagnosticSeverity.Warning,
            "Layer #2 (Tanh) directly follows the activation #1 (ReLU); two activations in a row are rarely intended");

        string source = run.SingleSource;
        Assert.Contains("// Stage 2, layer '2': Tanh [2] -> [2]. Unrolled.", source, System.StringComparison.Ordinal);
        Assert.Empty(run.OutputDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error));
    }

    [Fact]
    public void NDSL0016_UnknownLayer() => AssertDiagnostic(
        """
        public sealed class DropoutAttribute : LayerAttribute;

        [Network]
        [Input(3)]
        [Linear(2)]
        [[|Dropout|]]
        public partial class WithDropout;
        """,
        "NDSL0016",
        DiagnosticSeverity.Error,
        "[Dropout] derives from NetDsl.LayerAttribute but is not a layer kind NetDsl knows, so network 'WithDropout' cannot be generated");

    [Fact]
    public void NDSL0017_NetworkTooLarge_Input() => AssertDiagnostic(
        """
        [Network]
        [[|Input(100000, 100000)|]]
        [Linear(1)]
        public partial class HugeInput;
        """,
        "NDSL0017",
        DiagnosticSeverity.Error,
        "Network 'HugeInput' would have 10000000000 floats per input sample; at most 2147483647 fit in one array");

    [Fact]
    public void NDSL0017_NetworkTooLarge_Parameters() => AssertDiagnostic(
        """
        [[|Network|]]
        [Input(50000)]
        [Linear(50000)]
        public partial class HugeLayer;
        """,
        "NDSL0017",
        DiagnosticSeverity.Error,
        "Network 'HugeLayer' would have 2500050000 parameters; at most 2147483647 fit in one array");

    [Fact]
    public void NDSL0018_InvalidUnrollLimit() => AssertDiagnostic(
        """
        [[|Network(UnrollLimit = -1)|]]
        [Input(3)]
        [Linear(1)]
        public partial class NegativeLimit;
        """,
        "NDSL0018",
        DiagnosticSeverity.Error,
        "Network 'NegativeLimit' has UnrollLimit = -1, but it must be zero or positive");

    [Fact]
    public void NDSL0019_EmptyInputShape() => AssertDiagnostic(
        """
        [Network]
        [[|Input|]]
        [Linear(1)]
        public partial class NoDimensions;
        """,
        "NDSL0019",
        DiagnosticSeverity.Error,
        "[Input] of network 'NoDimensions' declares no dimensions; give the shape of one sample, for example [Input(3)] or [Input(1, 28, 28)]");

    [Fact]
    public void ValidNetwork_HasNoDiagnostics()
    {
        TestRun run = TestCompilation.Run(SnapshotTests.SeedNetwork);

        Assert.Empty(run.Exceptions);
        Assert.Empty(run.AnalyzerDiagnostics);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Single(run.GeneratedSources);
    }

    [Fact]
    public void Analyzer_SupportsExactlyTheCatalog()
    {
        ImmutableArray<DiagnosticDescriptor> supported = new NetworkAnalyzer().SupportedDiagnostics;

        Assert.Equal(DiagnosticDescriptors.All.Select(d => d.Id), supported.Select(d => d.Id));
        Assert.Equal(DiagnosticDescriptors.All.Length, DiagnosticDescriptors.All.Select(d => d.Id).Distinct().Count());
        Assert.All(supported, d => Assert.Equal("https://github.com/netdsl/netdsl/blob/main/docs/diagnostics.md#" + d.Id.ToLowerInvariant(), d.HelpLinkUri));
    }

    [Fact]
    public void NDSL0020_WindowLargerThanInput() => AssertDiagnostic(
        """
        [Network]
        [Input(1, 4, 8)]
        [[|Conv2D(8, KernelHeight = 5, KernelWidth = 3, Name = "conv1")|]]
        public partial class TooSmall;
        """,
        "NDSL0020",
        DiagnosticSeverity.Error,
        "Layer 'conv1' (Conv2D) receives shape [1, 4, 8], but its height window 5 is larger than the height 4");

    [Fact]
    public void NDSL0020_WindowLargerThanInput_ShowsDilationAndPadding() => AssertDiagnostic(
        """
        [Network]
        [Input(2, 2)]
        [[|Conv1D(4, Kernel = 3, Dilation = 2, Padding = 1, Name = "c")|]]
        public partial class Dilated;
        """,
        "NDSL0020",
        DiagnosticSeverity.Error,
        "Layer 'c' (Conv1D) receives shape [2, 2], but its length window 2*(3-1)+1 = 5 is larger than the padded length 2 + 2*1 = 4");

    [Fact]
    public void NDSL0021_OutputSizeNotWhole() => AssertDiagnostic(
        """
        [Network]
        [Input(1, 28)]
        [[|Conv1D(8, Kernel = 5, Stride = 2, Name = "conv1")|]]
        public partial class Uneven;
        """,
        "NDSL0021",
        DiagnosticSeverity.Warning,
        "Layer 'conv1' (Conv1D) length: (28 + 2*0 - 1*(5-1) - 1) / 2 + 1 = 12.5 is not whole; the output has 12 and the last 1 input length element(s) are never read, as in PyTorch");

    [Fact]
    public void NDSL0022_InvalidLayerArgument() => AssertDiagnostic(
        """
        [Network]
        [Input(8)]
        [[|Dropout(1.5)|]]
        public partial class BadDropout;
        """,
        "NDSL0022",
        DiagnosticSeverity.Error,
        "Layer #0 (Dropout) has p = 1.5, but the probability of dropping an element must be in [0, 1)");

    [Fact]
    public void NDSL0022_InvalidLayerArgument_SamePaddingNeedsStrideOne() => AssertDiagnostic(
        """
        [Network]
        [Input(1, 9)]
        [[|Conv1D(2, Kernel = 3, Stride = 2, Padding = ConvPadding.Same, Name = "c")|]]
        public partial class SameStride;
        """,
        "NDSL0022",
        DiagnosticSeverity.Error,
        "Layer 'c' (Conv1D) has padding = ConvPadding.Same, but 'same' padding needs stride 1, as in PyTorch");

    [Fact]
    public void NDSL0023_WrongInputRank() => AssertDiagnostic(
        """
        [Network]
        [Input(64)]
        [[|MaxPool2D(2, Name = "pool")|]]
        public partial class FlatPool;
        """,
        "NDSL0023",
        DiagnosticSeverity.Error,
        "Layer 'pool' (MaxPool2D) receives shape [64] but needs a 3-D shape [channels, height, width]");

    [Fact]
    public void NDSL0023_RecurrentLayerAfterFlatten() => AssertDiagnostic(
        """
        [Network]
        [Input(4, 6)]
        [Flatten]
        [[|LSTM(8, Name = "lstm")|]]
        public partial class FlatLstm;
        """,
        "NDSL0023",
        DiagnosticSeverity.Error,
        "Layer 'lstm' (LSTM) receives shape [24] but needs a sequence [steps, features]: T steps of F features each (declare [Input(T, F)], and put no Flatten or Linear before it); layer #0 (Flatten) before it turns the sequence [4, 6] into a vector: remove it");

    [Fact]
    public void NDSL0023_RecurrentLayerOnAnImage() => AssertDiagnostic(
        """
        [Network]
        [Input(1, 8, 8)]
        [[|GRU(8, Name = "gru")|]]
        public partial class ImageGru;
        """,
        "NDSL0023",
        DiagnosticSeverity.Error,
        "Layer 'gru' (GRU) receives shape [1, 8, 8] but needs a sequence [steps, features]: T steps of F features each (declare [Input(T, F)], and put no Flatten or Linear before it)");

    [Fact]
    public void NDSL0023_PoolingOverTimeAfterTheFinalState() => AssertDiagnostic(
        """
        [Network]
        [Input(10, 3)]
        [LSTM(8, ReturnSequences = false)]
        [[|MeanOverTime(Name = "pool")|]]
        public partial class PooledFinalState;
        """,
        "NDSL0023",
        DiagnosticSeverity.Error,
        "Layer 'pool' (MeanOverTime) receives shape [8] but needs a sequence of steps [steps, features]: the every-step output of a recurrent layer, an embedding or a per-step Linear; layer #0 (LSTM) has ReturnSequences = false and gives only its final state: set ReturnSequences = true on it, or remove this layer");

    [Fact]
    public void NDSL0022_SequenceInputOfThreeDimensions() => AssertDiagnostic(
        """
        [Network]
        [[|Input(2, 3, 4, Sequence = true)|]]
        [Flatten]
        [Linear(2)]
        public partial class CubeSequence;
        """,
        "NDSL0022",
        DiagnosticSeverity.Error,
        "Layer [Input(2, 3, 4)] (Input) has Sequence = true, but a sequence has two dimensions [steps, features], and this input has 3");

    [Fact]
    public void NDSL0023_PerStepLayerOnAnInputNotDeclaredASequence() => AssertDiagnostic(
        """
        [Network]
        [Input(10, 3)]
        [[|PositionalEncoding(Name = "pos")|]]
        [MeanOverTime]
        public partial class RawSteps;
        """,
        "NDSL0023",
        DiagnosticSeverity.Error,
        "Layer 'pos' (PositionalEncoding) receives shape [10, 3] but needs a sequence of steps [steps, features]: the every-step output of a recurrent layer, an embedding or a per-step Linear; to read the input [10, 3] as 10 steps of 3 features, declare [Input(10, 3, Sequence = true)]");

    [Fact]
    public void NDSL0023_FinalStatePointsAtTheRecurrentLayer()
    {
        TestRun run = AssertDiagnostic(
            """
            [Network]
            [Input(10, 3)]
            [GRU(8, ReturnSequences = false, Name = "gru"), ReLU]
            [[|LastStep(Name = "last")|]]
            public partial class LastOfAState;
            """,
            "NDSL0023",
            DiagnosticSeverity.Error,
            "Layer 'last' (LastStep) receives shape [8] but needs a sequence of steps [steps, features]: the every-step output of a recurrent layer, an embedding or a per-step Linear; layer 'gru' (GRU) has ReturnSequences = false and gives only its final state: set ReturnSequences = true on it, or remove this layer");

        Diagnostic diagnostic = Assert.Single(run.AnalyzerDiagnostics);
        Location related = Assert.Single(diagnostic.AdditionalLocations);
        Assert.Equal("GRU(8, ReturnSequences = false, Name = \"gru\")", related.SourceTree!.GetText().ToString(related.SourceSpan));
        Assert.Equal("ReturnSequences", diagnostic.Properties["SequenceFix"]);
    }

    [Fact]
    public void NDSL0034_RecurrentLayerInAnInt8Network() => AssertDiagnostic(
        """
        [Network(Int8 = true)]
        [Input(5, 3)]
        [[|LSTM(8, ReturnSequences = false, Name = "lstm")|]]
        [Linear(10)]
        public partial class Features;
        """,
        "NDSL0034",
        DiagnosticSeverity.Error,
        "Layer 'lstm' (LSTM) has no int8 form, but network 'Features' is declared with [Network(Int8 = true)]; the int8 forms are Linear on feature vectors, Conv1D and Conv2D (not last, with a BatchNorm1D/2D right after it folded in), max pools, the element-wise activations (ReLU in integers, the others in float), PReLU, LayerNorm, other BatchNorm1D/2D, average pools and GlobalAvgPool (in float), residual blocks, Flatten, Reshape, Dropout, Identity, and Softmax or LogSoftmax as the last layer (see docs/quantization.md)");

    [Fact]
    public void NDSL0034_SoftmaxBeforeTheLastLayer() => AssertDiagnostic(
        """
        [Network(Int8 = true)]
        [Input(6)]
        [Linear(4), [|Softmax|]]
        [Linear(2)]
        public partial class Inner;
        """,
        "NDSL0034",
        DiagnosticSeverity.Error,
        "Layer #1 (Softmax) has no int8 form before the last layer, but network 'Inner' is declared with [Network(Int8 = true)]; the int8 forms are Linear on feature vectors, Conv1D and Conv2D (not last, with a BatchNorm1D/2D right after it folded in), max pools, the element-wise activations (ReLU in integers, the others in float), PReLU, LayerNorm, other BatchNorm1D/2D, average pools and GlobalAvgPool (in float), residual blocks, Flatten, Reshape, Dropout, Identity, and Softmax or LogSoftmax as the last layer (see docs/quantization.md)");

    [Fact]
    public void NDSL0034_IsNotReportedForLayersComputedInFloat()
    {
        TestRun run = TestCompilation.Run(Prefix + """
            [Network(Int8 = true)]
            [Input(2, 6, 6)]
            [BatchNorm2D(Name = "bn")]
            [Conv2D(3, Kernel = 3)]
            [PReLU(3)]
            [Flatten]
            [LayerNorm]
            [Linear(5)]
            [BatchNorm1D, PReLU]
            [Linear(2)]
            public partial class Norm;
            """);
        Assert.Empty(run.AnalyzerDiagnostics);
    }

    [Fact]
    public void NDSL0034_IsNotReportedWithoutInt8()
    {
        TestRun run = TestCompilation.Run(Prefix + """
            [Network]
            [Input(1, 8, 8)]
            [Conv2D(4, Kernel = 3), ReLU]
            [Flatten]
            [Linear(10)]
            public partial class Cnn;
            """);
        Assert.Empty(run.AnalyzerDiagnostics);
    }

    [Fact]
    public void NDSL0023_LastStepOfAConvolution() => AssertDiagnostic(
        """
        [Network]
        [Input(2, 9)]
        [Conv1D(3, Kernel = 3)]
        [[|LastStep(Name = "last")|]]
        public partial class ConvolutionLastStep;
        """,
        "NDSL0023",
        DiagnosticSeverity.Error,
        "Layer 'last' (LastStep) receives shape [3, 7] but needs a sequence of steps [steps, features]: the every-step output of a recurrent layer, an embedding or a per-step Linear");

    [Fact]
    public void NDSL0023_PositionalEncodingOnFeatures() => AssertDiagnostic(
        """
        [Network]
        [Input(8)]
        [[|PositionalEncoding(Name = "pos")|]]
        public partial class PositionsOfNothing;
        """,
        "NDSL0023",
        DiagnosticSeverity.Error,
        "Layer 'pos' (PositionalEncoding) receives shape [8] but needs a sequence of steps [steps, features]: the every-step output of a recurrent layer, an embedding or a per-step Linear");

    [Fact]
    public void NDSL0022_ModelDimensionDoesNotDivideByTheHeads() => AssertDiagnostic(
        """
        [Network]
        [Input(10, 3)]
        [GRU(8)]
        [[|MultiheadAttention(3, Name = "attn")|]]
        public partial class ThreeHeads;
        """,
        "NDSL0022",
        DiagnosticSeverity.Error,
        "Layer 'attn' (MultiheadAttention) has heads = 3, but the model dimension 8 does not divide by the number of heads 3; the model dimension must divide by the number of heads (each head takes 8 / heads features)");

    [Fact]
    public void NDSL0023_Conv2DOnASequence() => AssertDiagnostic(
        """
        [Network]
        [Input(10, 3)]
        [RNN(4)]
        [[|Conv2D(2, Kernel = 3, Name = "conv")|]]
        public partial class SequenceConv;
        """,
        "NDSL0023",
        DiagnosticSeverity.Error,
        "Layer 'conv' (Conv2D) receives shape [10, 4] but needs a 3-D shape [channels, height, width]; add a [Reshape(...)] before it to give the sample that shape");

    [Fact]
    public void NDSL0004_HiddenSizeDoesNotFitTheNextLayer() => AssertDiagnostic(
        """
        [Network]
        [Input(10, 3)]
        [LSTM(8, ReturnSequences = false, Bidirectional = true)]
        [[|Linear(8, 2, Name = "head")|]]
        public partial class WrongHead;
        """,
        "NDSL0004",
        DiagnosticSeverity.Error,
        "Layer 'head' (Linear) receives shape [16] but needs [8], its declared input size; write [Linear(16, 2)], or [Linear(2)] to infer the input size");

    [Fact]
    public void NDSL0005_NonPositiveHiddenSize() => AssertDiagnostic(
        """
        [Network]
        [Input(10, 3)]
        [[|GRU(0, Name = "gru")|]]
        public partial class NoHidden;
        """,
        "NDSL0005",
        DiagnosticSeverity.Error,
        "Layer 'gru' (GRU) has hidden size = 0, but sizes must be positive");

    [Fact]
    public void NDSL0022_NoStackedLayers() => AssertDiagnostic(
        """
        [Network]
        [Input(10, 3)]
        [[|RNN(4, Layers = 0, Name = "rnn")|]]
        public partial class NoLayers;
        """,
        "NDSL0022",
        DiagnosticSeverity.Error,
        "Layer 'rnn' (RNN) has Layers = 0, but a recurrent layer needs at least 1 stacked layer");

    [Fact]
    public void NDSL0022_EmbeddingNotFirst() => AssertDiagnostic(
        """
        [Network]
        [Input(8)]
        [Linear(8)]
        [[|Embedding(100, 4, Name = "emb")|]]
        public partial class LateEmbedding;
        """,
        "NDSL0022",
        DiagnosticSeverity.Error,
        "Layer 'emb' (Embedding) has position = 1, but an embedding reads the token indices of the network's input, so it must be the first layer (position 0), right after [Input(T)]");

    [Fact]
    public void NDSL0022_EmbeddingPaddingIndexOutsideTheVocabulary() => AssertDiagnostic(
        """
        [Network]
        [Input(8)]
        [[|Embedding(100, 4, PaddingIndex = 100, Name = "emb")|]]
        public partial class BadPadding;
        """,
        "NDSL0022",
        DiagnosticSeverity.Error,
        "Layer 'emb' (Embedding) has PaddingIndex = 100, but it must be in [-100, 100), an index of the vocabulary (negative counts from the end, as in PyTorch)");

    [Fact]
    public void NDSL0023_EmbeddingOnASequenceOfFeatures() => AssertDiagnostic(
        """
        [Network]
        [Input(8, 2)]
        [[|Embedding(100, 4, Name = "emb")|]]
        public partial class FeatureEmbedding;
        """,
        "NDSL0023",
        DiagnosticSeverity.Error,
        "Layer 'emb' (Embedding) receives shape [8, 2] but needs token indices [steps]: declare [Input(T)] for T tokens per sample");

    [Fact]
    public void NDSL0024_ReshapeElementCount() => AssertDiagnostic(
        """
        [Network]
        [Input(1, 8, 8)]
        [[|Reshape(8, 9, Name = "r")|]]
        public partial class BadReshape;
        """,
        "NDSL0024",
        DiagnosticSeverity.Error,
        "Layer 'r' (Reshape) receives shape [1, 8, 8] of 64 elements, but [8, 9] has 72");

    [Fact]
    public void NDSL0025_ResidualShapeChanged() => AssertDiagnostic(
        """
        [Network]
        [Input(8)]
        [Residual]
        [Linear(4, Name = "fc")]
        [[|EndResidual|]]
        public partial class Shrinks;
        """,
        "NDSL0025",
        DiagnosticSeverity.Error,
        "The residual block opened at layer #0 receives shape [8] but its last layer produces [4]; a residual block must keep the shape so that its input can be added to its output");

    [Fact]
    public void NDSL0026_UnbalancedResidual() => AssertDiagnostic(
        """
        [Network]
        [Input(8)]
        [Linear(4)]
        [[|EndResidual|]]
        public partial class Unopened;
        """,
        "NDSL0026",
        DiagnosticSeverity.Error,
        "[EndResidual] at layer #1 closes no block; open one with [Residual] before the block's first layer");

    [Fact]
    public void NDSL0026_UnbalancedResidual_NeverClosed() => AssertDiagnostic(
        """
        [Network]
        [Input(8)]
        [[|Residual|]]
        [Linear(8)]
        public partial class Unclosed;
        """,
        "NDSL0026",
        DiagnosticSeverity.Error,
        "[Residual] at layer #0 is never closed; add [EndResidual] after the block's last layer");

    [Fact]
    public void NDSL0027_ChannelMismatch() => AssertDiagnostic(
        """
        [Network]
        [Input(3, 8, 8)]
        [[|Conv2D(1, 8, Kernel = 3, Name = "conv1")|]]
        public partial class WrongChannels;
        """,
        "NDSL0027",
        DiagnosticSeverity.Error,
        "Layer 'conv1' (Conv2D) receives shape [3, 8, 8] with 3 channels but needs 1, its declared input channels; write [Conv2D(3, 8, ...)], or [Conv2D(8, ...)] to infer them");

    [Fact]
    public void NDSL0032_InternalError_OnTheNetworkAttribute()
    {
        // A failure of NetDsl itself, injected (FallbackTests covers every stage).
        FaultInjection.Inject(PipelineStage.ShapeInference, "Broken");
        try
        {
            AssertDiagnostic(
                """
                [[|Network|]]
                [Input(3)]
                [Linear(1)]
                public partial class Broken;
                """,
                "NDSL0032",
                DiagnosticSeverity.Error,
                "NetDsl failed in its shape inference stage on network 'Broken' (System.InvalidOperationException: Fault injected into the shape inference stage for 'Broken'.), "
                + "so the network was not generated; this is a bug in NetDsl: please report it at https://github.com/netdsl/netdsl/issues with the declaration of 'Broken'");
        }
        finally
        {
            FaultInjection.Remove(PipelineStage.ShapeInference, "Broken");
        }
    }

    // The NDSL0031 tests run the analyzer on the declarations alone: binding the huge unrolled code the generator
    // writes for these networks (the very thing the warning is about) takes seconds to minutes.

    [Fact]
    public void NDSL0031_LargeUnrolledStage()
    {
        (string source, TextSpan span) = Markup.Parse(Prefix + """
            [Network(UnrollLimit = 100000)]
            [Input(100)]
            [[|Linear(50, Name = "fc")|], ReLU]
            [Linear(2)]
            public partial class Big;
            """);

        Diagnostic diagnostic = Assert.Single(AnalyzeDeclarations(source));
        Assert.Equal("NDSL0031", diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Warning, diagnostic.Severity);
        Assert.Same(DiagnosticDescriptors.LargeUnrolledStage, diagnostic.Descriptor);
        Assert.Equal(
            "Layer 'fc' (Linear) would be unrolled into 5000 straight-line operations (more than 4096), because UnrollLimit = 100000; methods that large are slow to compile and to JIT and run no faster than the vectorized kernels, so lower UnrollLimit below 5000 or remove it (stages of more than 16384 operations are never unrolled)",
            diagnostic.GetMessage(CultureInfo.InvariantCulture));
        Assert.Equal(span, diagnostic.Location.SourceSpan);
    }

    [Fact]
    public void NDSL0031_IsAWarning_TheNetworkIsStillGenerated()
    {
        string source = Prefix + """
            [Network(UnrollLimit = 100000)]
            [Input(65)]
            [Linear(64, Name = "fc"), ReLU]
            public partial class Big;
            """;
        Assert.Equal("NDSL0031", Assert.Single(AnalyzeDeclarations(source)).Id);

        // The generator alone (the harness would also bind the 4160 unrolled multiply-adds to run the analyzer on them).
        GeneratorRunResult result = Assert.Single(TestCompilation.CreateDriver().RunGenerators(TestCompilation.Create(source)).GetRunResult().Results);
        Assert.Null(result.Exception);
        Assert.Empty(result.Diagnostics);
        Assert.Contains("Unrolled.", Assert.Single(result.GeneratedSources).SourceText.ToString(), System.StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[Network(UnrollLimit = 4096)]", "[Input(64)]", "[Linear(64)]")]          // exactly at the threshold
    [InlineData("[Network]", "[Input(784)]", "[Linear(512)]")]                             // large, but on the kernels
    [InlineData("[Network(UnrollLimit = 1000000)]", "[Input(64, 64)]", "[Flatten]")]      // Flatten emits no code
    [InlineData("[Network(UnrollLimit = 1000000)]", "[Input(4096)]", "[ReLU]")]            // 4096 elements, at the threshold
    public void NDSL0031_NotReported_AtOrBelowTheThresholdOrOnKernels(string network, string input, string layer)
    {
        Assert.Empty(AnalyzeDeclarations(Prefix + network + "\n" + input + "\n" + layer + "\npublic partial class Net;\n"));
    }

    [Fact]
    public void AStageBeyondTheHardCap_CallsItsKernels_WhateverUnrollLimitSays()
    {
        string source = Prefix + """
            [Network(UnrollLimit = int.MaxValue)]
            [Input(300)]
            [Linear(300, Name = "fc")]
            public partial class Huge;
            """;

        // 90000 multiply-adds: above the 16384 cap, so not unrolled, so no NDSL0031 either.
        Assert.Empty(AnalyzeDeclarations(source));
        GeneratorRunResult result = Assert.Single(TestCompilation.CreateDriver().RunGenerators(TestCompilation.Create(source)).GetRunResult().Results);
        string generated = Assert.Single(result.GeneratedSources).SourceText.ToString();
        Assert.Contains("Linear(300, 300) [300] -> [300]. weight [300, 300] at p[0..90000). bias [300] at p[90000..90300). Kernels.", generated, System.StringComparison.Ordinal);
        Assert.DoesNotContain("Unrolled.", generated, System.StringComparison.Ordinal);
    }

    [Fact]
    public void NDSL0031_ReportedForEveryLargeUnrolledStage_ConvolutionsAndActivationsToo()
    {
        ImmutableArray<Diagnostic> diagnostics = AnalyzeDeclarations(Prefix + """
            [Network(UnrollLimit = 1000000)]
            [Input(1, 40, 40)]
            [Conv2D(4, Kernel = 3, Name = "conv"), ReLU]
            [Flatten]
            [Tanh]
            [Linear(2, Name = "fc")]
            public partial class Net;
            """);

        // conv: 4 x 38 x 38 outputs x 9 taps = 51984, above the hard cap of 16384, so on the kernels and not reported;
        // Tanh on 5776 elements; fc: 5776 x 2 = 11552.
        Assert.Equal(
            new[] { "#3 (Tanh) would be unrolled into 5776", "'fc' (Linear) would be unrolled into 11552" },
            diagnostics.OrderBy(d => d.Location.SourceSpan.Start)
                .Select(d => d.Id + ": " + d.GetMessage(CultureInfo.InvariantCulture))
                .Select(m => m.Substring("NDSL0031: Layer ".Length).Split(" straight-line")[0]));
    }

    /// <summary>The analyzer's diagnostics on <paramref name="source"/> without running the generator first.</summary>
    private static ImmutableArray<Diagnostic> AnalyzeDeclarations(string source)
    {
        var exceptions = new System.Collections.Generic.List<System.Exception>();
        ImmutableArray<Diagnostic> diagnostics = TestCompilation.RunAnalyzer(TestCompilation.Create(source), exceptions);
        Assert.Empty(exceptions);
        return diagnostics;
    }

    [Fact]
    public void EveryDiagnosticId_HasATestHere()
    {
        string[] tested = new[] { typeof(DiagnosticTests), typeof(EmbeddedWeightsTests) }
            .SelectMany(type => type.GetMethods(BindingFlags.Public | BindingFlags.Instance))
            .Where(m => m.GetCustomAttributes<FactAttribute>().Any())
            .Select(m => m.Name.Split('_')[0])
            .ToArray();

        Assert.All(DiagnosticDescriptors.All, descriptor => Assert.Contains(descriptor.Id, tested));
    }

    /// <summary>
    /// Asserts that the analyzer reports exactly one diagnostic on <paramref name="markup"/> (after <see cref="Prefix"/>),
    /// with this ID, severity and message, on the marked span, and that the generator reports nothing itself and
    /// generates only the fallback for an error (nothing where no fallback can be emitted).
    /// </summary>
    private static TestRun AssertDiagnostic(string markup, string id, DiagnosticSeverity severity, string message)
    {
        (string source, TextSpan span) = Markup.Parse(Prefix + markup);
        TestRun run = TestCompilation.Run(source);

        Assert.Empty(run.Exceptions);
        Diagnostic diagnostic = Assert.Single(run.AnalyzerDiagnostics);
        Assert.Equal(id, diagnostic.Id);
        Assert.Equal(severity, diagnostic.Severity);
        Assert.Same(DiagnosticDescriptors.All.Single(d => d.Id == id), diagnostic.Descriptor);
        Assert.Equal(message, diagnostic.GetMessage(CultureInfo.InvariantCulture));
        Assert.True(diagnostic.Location.IsInSource, "The diagnostic has no source location.");
        Assert.Equal(source.Substring(span.Start, span.Length), diagnostic.Location.SourceTree!.GetText().ToString(diagnostic.Location.SourceSpan));
        Assert.Equal(span, diagnostic.Location.SourceSpan);

        Assert.Empty(run.GeneratorDiagnostics);
        if (severity == DiagnosticSeverity.Error && FallbackTests.ErrorsWithoutFallback.Contains(id))
        {
            Assert.Empty(run.GeneratedSources);
        }
        else if (severity == DiagnosticSeverity.Error)
        {
            // The fallback surface (FallbackTests), not the network.
            Assert.Contains("was not generated because of " + id, run.SingleSource, System.StringComparison.Ordinal);
        }
        else
        {
            Assert.Single(run.GeneratedSources);
        }

        return run;
    }
}
