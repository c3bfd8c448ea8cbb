using System;
using Xunit;

namespace NetDsl.Generator.Tests;

/// <summary>
/// A lone ReLU before a max pool (after a batch normalization, typically) runs after the pool in the inference pass, on
/// its fewer outputs. <c>relu(max(window)) = max(relu(window))</c> exactly, so the outputs must be the same bits as the
/// same network with a dropout between the ReLU and the pool (a copy at inference, which keeps the ReLU where it is),
/// in planar and channels-last runs, with NaN, infinities and signed zeros in the inputs.
/// </summary>
public sealed class ReLUAfterPoolTests
{
    private static readonly string[] Stacks =
    {
        "[Input(3, 8, 8)][Conv2D(8, Kernel = 3, Padding = 1)][BatchNorm2D][ReLU][MaxPool2D(2)][Flatten][Linear(5)]",
        "[Input(1, 8, 8)][Conv2D(16, Kernel = 3, Padding = 1)][BatchNorm2D][ReLU][MaxPool2D(2)][Conv2D(32, Kernel = 3, Padding = 1), ReLU][MaxPool2D(2)][Flatten][Linear(4)]",
        "[Input(4, 28, 12)][Conv2D(8, Kernel = 3)][BatchNorm2D][ReLU][MaxPool2D(2, Stride = 1)][Conv2D(16, Kernel = 3)][BatchNorm2D][ReLU][MaxPool2D(3)]",
        "[Input(5, 40)][Conv1D(16, Kernel = 3, Padding = 1)][BatchNorm1D][ReLU][MaxPool1D(2)][Flatten][Linear(3)]",
        "[Input(4, 12, 12)][ReLU][MaxPool2D(2)][Flatten][Linear(3)]",
    };

    [Fact]
    public void TheMovedReLUGivesTheSameBitsAsTheReLUBeforeThePool() =>
        DropoutTwins.AssertSameBits(Stacks, after: "[ReLU]", before: "[MaxPool",
            (stack, moved, kept) =>
            {
                // A convolution's fused ReLU may run after its pool in both; the lone ReLU only in the first.
                const string Note = "// The ReLU runs after the max pool that follows";
                int Count(string text) => (text.Length - text.Replace(Note, string.Empty, StringComparison.Ordinal).Length) / Note.Length;
                Assert.True(Count(moved) > Count(kept), $"{stack}: the lone ReLU was not moved after the pool ({Count(moved)} notes against {Count(kept)}).");
            },
            written: "with the ReLU after the pool", separated: "before it", firstModelSeed: 3, inputSeed: 17, batches: new[] { 1, 3, 17 });
}
