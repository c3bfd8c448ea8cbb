using System;
using System.Linq;
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
    public void TheMovedReLUGivesTheSameBitsAsTheReLUBeforeThePool()
    {
        string Declare(int i, string stack, bool keepOrder) =>
            "[Network]" + (keepOrder ? stack.Replace("[ReLU][MaxPool", "[ReLU][Dropout(0.25)][MaxPool", StringComparison.Ordinal) : stack)
            + " public partial class " + (keepOrder ? "Kept" : "Moved") + i + ";";

        string source = "using NetDsl;\n" + string.Join("\n", Stacks.Select((s, i) => Declare(i, s, keepOrder: false) + "\n" + Declare(i, s, keepOrder: true)));
        TestRun run = TestCompilation.Run(source);
        Assert.Empty(run.Exceptions);
        Assert.Empty(run.OutputDiagnostics.Where(d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error));
        for (int i = 0; i < Stacks.Length; i++)
        {
            string moved = run.GeneratedSources.Single(s => s.HintName.Contains("Moved" + i + ".", StringComparison.Ordinal)).SourceText.ToString();
            string kept = run.GeneratedSources.Single(s => s.HintName.Contains("Kept" + i + ".", StringComparison.Ordinal)).SourceText.ToString();
            // A convolution's fused ReLU may run after its pool in both; the lone ReLU only in the first.
            const string Note = "// The ReLU runs after the max pool that follows";
            int Count(string text) => (text.Length - text.Replace(Note, string.Empty, StringComparison.Ordinal).Length) / Note.Length;
            Assert.True(Count(moved) > Count(kept), $"{Stacks[i]}: the lone ReLU was not moved after the pool ({Count(moved)} notes against {Count(kept)}).");
        }

        TestCompilation.Load(run.Output, assembly =>
        {
            var random = new Random(17);
            for (int i = 0; i < Stacks.Length; i++)
            {
                var moved = (INetwork)Activator.CreateInstance(assembly.GetType("Moved" + i)!, 3 + i)!;
                var kept = (INetwork)Activator.CreateInstance(assembly.GetType("Kept" + i)!, 3 + i)!;
                moved.Parameters.CopyTo(kept.Parameters);

                // Running statistics away from 0 and 1, so that about half of the normalized values are negative.
                for (int b = 0; b < moved.Buffers.Length; b++)
                {
                    moved.Buffers[b] = (float)(0.3 + random.NextDouble());
                }

                moved.Buffers.CopyTo(kept.Buffers);
                int inputSize = moved.Layers[0].InputShape.ToArray().Aggregate(1, (a, b) => a * b);
                int outputSize = moved.Layers[^1].OutputShape.ToArray().Aggregate(1, (a, b) => a * b);
                foreach (int batch in new[] { 1, 3, 17 })
                {
                    float[] x = Enumerable.Range(0, batch * inputSize).Select(_ => (float)(random.NextDouble() * 4 - 2)).ToArray();
                    float[] special = { float.NaN, float.PositiveInfinity, float.NegativeInfinity, -0f, 0f };
                    for (int s = 0; s < special.Length; s++)
                    {
                        x[random.Next(x.Length)] = special[s];
                    }

                    var expected = new float[batch * outputSize];
                    var actual = new float[batch * outputSize];
                    kept.ForwardBatch(x, expected);
                    moved.ForwardBatch(x, actual);
                    for (int j = 0; j < expected.Length; j++)
                    {
                        Assert.True(BitConverter.SingleToInt32Bits(expected[j]) == BitConverter.SingleToInt32Bits(actual[j]) || (float.IsNaN(expected[j]) && float.IsNaN(actual[j])),
                            $"{Stacks[i]}, batch {batch}: output {j} is {actual[j]} with the ReLU after the pool and {expected[j]} before it.");
                    }
                }
            }

            return 0;
        });
    }
}
