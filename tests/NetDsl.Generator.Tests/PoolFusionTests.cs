using System;
using System.Linq;
using Xunit;

namespace NetDsl.Generator.Tests;

/// <summary>
/// A max pool right after a channels-last convolution runs inside the convolution's kernel in the inference pass
/// (<c>ConvolutionKernels.ForwardPooled</c>, <c>InferenceLayouts.PoolFusedIntoConvolution</c>). The outputs must be the
/// same bits as the same network with a dropout between the convolution and the pool (a copy at inference, which keeps
/// the two calls apart), at batch sizes that fill one and several groups of samples, with NaN, infinities and signed
/// zeros in the inputs; with numeric checks on, the two calls run apart and give the same bits again.
/// </summary>
public sealed class PoolFusionTests
{
    // Each stack has at least one convolution the fusion applies to; the comment says which.
    private static readonly string[] Stacks =
    {
        // N4's pattern: a first layer of 32 channels (channels-last run from the input), then a channels-last convolution, ReLU after each pool.
        "[Input(1, 12, 12)][Conv2D(32, Kernel = 3, Padding = 1), ReLU][MaxPool2D(2)][Conv2D(64, Kernel = 3, Padding = 1), ReLU][MaxPool2D(2)][Flatten][Linear(4)]",
        // No activation; an odd map and channel count; the last pool writes planar before Flatten.
        "[Input(16, 9, 11)][Conv2D(37, Kernel = 3)][MaxPool2D(2)][Flatten][Linear(3)]",
        // A padded 3x3 pool at stride 2 (the general window path), a stride-2 convolution.
        "[Input(16, 13, 13)][Conv2D(32, Kernel = 3, Stride = 2, Padding = 1), ReLU][MaxPool2D(3, Stride = 2, Padding = 1)][Conv2D(16, Kernel = 1), ReLU][MaxPool2D(2)][Flatten][Linear(5)]",
        // One dimension.
        "[Input(16, 40)][Conv1D(32, Kernel = 3, Padding = 1), ReLU][MaxPool1D(2)][Flatten][Linear(3)]",
    };

    [Fact]
    public void APoolInsideTheConvolutionGivesTheSameBitsAsThePoolAfterIt() =>
        DropoutTwins.AssertSameBits(Stacks, after: "]", before: "[MaxPool",
            (stack, fused, apart) =>
            {
                Assert.Contains("ConvolutionKernels.ForwardPooled(", fused, StringComparison.Ordinal);
                Assert.DoesNotContain("ForwardPooled", apart, StringComparison.Ordinal);
            },
            written: "with the pool inside the convolution", separated: "after it", firstModelSeed: 5, inputSeed: 23, batches: new[] { 1, 3, 19 });

    [Fact]
    public void AConvolutionWithAnActivationThatMustRunBeforeThePoolKeepsThePoolApart()
    {
        TestRun run = TestCompilation.Run("using NetDsl;\n[Network][Input(16, 8, 8)][Conv2D(32, Kernel = 3), Tanh][MaxPool2D(2)][Flatten][Linear(3)] public partial class TanhNet;");
        Assert.Empty(run.OutputDiagnostics.Where(d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error));
        string source = run.GeneratedSources.Single(s => s.HintName.Contains("TanhNet.", StringComparison.Ordinal)).SourceText.ToString();
        Assert.DoesNotContain("ForwardPooled", source, StringComparison.Ordinal);
    }
}
