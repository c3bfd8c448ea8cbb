using System;
using System.Linq;
using Xunit;

namespace NetDsl.Generator.Tests;

/// <summary>
/// A max pool right after a channels-last convolution runs inside the convolution's kernel in the inference pass
/// (<c>ConvolutionKernels.ForwardPooled</c>, <c>InferenceLayouts.PoolFusedIntoConvolution</c>). The outputs must be the
/// same bits as the same network with a dropout between the convolution and the pool (a copy at inference, which keeps
/// the two calls apart), at batch sizes that fill one and several groups of samples, with NaN, infinities and signed
/// zeros in the inputs (with numeric checks on, the two calls run apart: <c>NumericChecksTests</c> in NetDsl.Tests).
/// A ReLU in its own attribute list (<c>[Conv2D(32)]</c>, <c>[ReLU]</c>, <c>[MaxPool2D(2)]</c> on three lines) is the
/// same stack as one on the convolution's line: the planner fuses an activation into the layer before it whatever list
/// it is in, so that form is fused too. What must not fuse keeps the pool's own call.
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
        // N4's pattern with each ReLU in its own attribute list.
        "[Input(1, 12, 12)][Conv2D(32, Kernel = 3, Padding = 1)][ReLU][MaxPool2D(2)][Conv2D(64, Kernel = 3, Padding = 1)][ReLU][MaxPool2D(2)][Flatten][Linear(4)]",
        // One dimension, the ReLU in its own attribute list.
        "[Input(16, 40)][Conv1D(32, Kernel = 3, Padding = 1)][ReLU][MaxPool1D(2)][Flatten][Linear(3)]",
    };

    // Each convolution takes the channels-last kernel (16 channels in, 32 out) and a pool follows it; what stands between
    // them, or the pool's kind, must keep their calls apart.
    public static TheoryData<string> KeptApart() => new()
    {
        // An activation that must run before the pool: fused into the convolution (Tanh, Sigmoid) or a stage of its own (LeakyReLU).
        "[Input(16, 8, 8)][Conv2D(32, Kernel = 3), Tanh][MaxPool2D(2)][Flatten][Linear(3)]",
        "[Input(16, 8, 8)][Conv2D(32, Kernel = 3)][Sigmoid][MaxPool2D(2)][Flatten][Linear(3)]",
        "[Input(16, 8, 8)][Conv2D(32, Kernel = 3)][LeakyReLU][MaxPool2D(2)][Flatten][Linear(3)]",
        // A ReLU followed by a pool that is not a max pool.
        "[Input(16, 8, 8)][Conv2D(32, Kernel = 3)][ReLU][AvgPool2D(2)][Flatten][Linear(3)]",
        "[Input(16, 8, 8)][Conv2D(32, Kernel = 3)][ReLU][GlobalAvgPool][Linear(3)]",
        "[Input(16, 40)][Conv1D(32, Kernel = 3)][ReLU][AvgPool1D(2)][Flatten][Linear(3)]",
        // Batch normalization between the convolution and the pool (the lone ReLU still runs after the pool).
        "[Input(16, 8, 8)][Conv2D(32, Kernel = 3)][BatchNorm2D][ReLU][MaxPool2D(2)][Flatten][Linear(3)]",
        "[Input(16, 8, 8)][Conv2D(32, Kernel = 3)][BatchNorm2D][MaxPool2D(2)][Flatten][Linear(3)]",
        // A dropout between the ReLU and the pool (DropoutTwins' separated form).
        "[Input(16, 8, 8)][Conv2D(32, Kernel = 3)][ReLU][Dropout(0.25)][MaxPool2D(2)][Flatten][Linear(3)]",
    };

    [Fact]
    public void APoolInsideTheConvolutionGivesTheSameBitsAsThePoolAfterIt() =>
        DropoutTwins.AssertSameBits(Stacks, after: "]", before: "[MaxPool",
            (stack, fused, apart) =>
            {
                Assert.Contains("ConvolutionKernels.ForwardPooled(", fused, StringComparison.Ordinal);
                Assert.Equal(stack.Contains("ReLU", StringComparison.Ordinal), fused.Contains("relu: true);", StringComparison.Ordinal));
                Assert.DoesNotContain("ForwardPooled", apart, StringComparison.Ordinal);
            },
            written: "with the pool inside the convolution", separated: "after it", firstModelSeed: 5, inputSeed: 23, batches: new[] { 1, 3, 19 });

    [Fact]
    public void AReLUOnItsOwnLineFusesAsOnTheConvolutionsLine()
    {
        const string Layers = "[Input(16, 12, 12)]\n[Conv2D(32, Kernel = 3, Padding = 1)]\n[ReLU]\n[MaxPool2D(2)]\n[Flatten]\n[Linear(3)]";
        string sameLine = Layers.Replace("]\n[ReLU]", ", ReLU]", StringComparison.Ordinal);
        TestRun run = TestCompilation.Run("using NetDsl;\n[Network]\n" + Layers + "\npublic partial class OwnLine;\n[Network]\n" + sameLine + "\npublic partial class SameLine;");
        Assert.Empty(run.Exceptions);
        Assert.Empty(run.OutputDiagnostics.Where(d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error));
        string ownLine = run.SourceOf("OwnLine");

        // The same code but for the class name: the ReLU's attribute list does not matter.
        Assert.Equal(run.SourceOf("SameLine").Replace("SameLine", "OwnLine", StringComparison.Ordinal), ownLine);

        // The pool and the ReLU run in the convolution's kernel; with numeric checks on, the convolution, the pool and the
        // ReLU run apart and the convolution's and the pool's outputs are checked.
        string stages = RunStages(ownLine);
        Assert.Contains("else global::NetDsl.Generated.ConvolutionKernels.ForwardPooled(s0, p.Slice(0, 4608), p.Slice(4608, 32), s2, batch, in s_window1, in s_window2, global::NetDsl.Generated.ActivationLayout.Planar, global::NetDsl.Generated.ActivationLayout.Planar, relu: true);", stages, StringComparison.Ordinal);
        Assert.Contains("if (global::NetDsl.NumericChecks.Enabled) global::NetDsl.Generated.ConvolutionKernels.Forward(s0, ", stages, StringComparison.Ordinal);
        Assert.Contains("if (global::NetDsl.NumericChecks.Enabled) global::NetDsl.Generated.FiniteCheck.ChannelsLastSamples(s1, ", stages, StringComparison.Ordinal);
        Assert.Contains("if (global::NetDsl.NumericChecks.Enabled)\n        {\n            global::NetDsl.Generated.PoolingKernels.MaxForward(s1, s2, ", stages.Replace("\r\n", "\n", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("global::NetDsl.Generated.ActivationKernels.ReLU(s2, s2); // the ReLU before this pool", stages, StringComparison.Ordinal);
        Assert.Contains("if (global::NetDsl.NumericChecks.Enabled) global::NetDsl.Generated.FiniteCheck.Samples(s2, ", stages, StringComparison.Ordinal);

        // Fusion is for inference only: training keeps the convolution, its ReLU and the pool apart.
        Assert.DoesNotContain("ForwardPooled", ownLine.Replace(stages, string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(KeptApart))]
    public void WhatMustNotFuseKeepsThePoolApart(string stack)
    {
        TestRun run = TestCompilation.Run("using NetDsl;\n[Network]" + stack + " public partial class KeptApart;");
        Assert.Empty(run.Exceptions);
        Assert.Empty(run.OutputDiagnostics.Where(d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error));
        string source = run.SourceOf("KeptApart");
        Assert.Contains("global::NetDsl.Generated.ConvolutionKernels.Forward(", source, StringComparison.Ordinal);
        Assert.DoesNotContain("ForwardPooled", source, StringComparison.Ordinal);
    }

    // The inference pass's method, from its signature to its closing brace.
    private static string RunStages(string source)
    {
        int start = source.IndexOf("private void RunStages(", StringComparison.Ordinal);
        Assert.True(start >= 0, "no RunStages method");
        int end = source.IndexOf("\n    }\n", start, StringComparison.Ordinal);
        return source.Substring(start, end - start);
    }
}
