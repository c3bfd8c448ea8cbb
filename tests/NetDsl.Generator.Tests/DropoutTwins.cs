using System;
using System.Linq;
using Xunit;

namespace NetDsl.Generator.Tests;

/// <summary>
/// Compiles each stack of layers twice, as written and with a <c>[Dropout(0.25)]</c> inserted between two of its layers
/// (a copy at inference, which keeps the stages on either side apart: nothing is fused into or moved across it), runs
/// both on the same parameters, running statistics and inputs, and asserts the same output bits. The twin with the
/// dropout is the path that is already checked against the double-precision reference elsewhere; this only proves
/// that the generator's rewriting of the written stack (a fusion, a reordering) does not change a bit.
/// </summary>
internal static class DropoutTwins
{
    /// <param name="stacks">The layer attributes of each network, from <c>[Input]</c> on (without <c>[Network]</c>).</param>
    /// <param name="after">The end of the layer after which the dropout goes, e.g. <c>]</c> or <c>[ReLU]</c>.</param>
    /// <param name="before">The start of the layer before which it goes, e.g. <c>[MaxPool</c>; every <paramref name="after"/><paramref name="before"/> is separated.</param>
    /// <param name="checkSources">Checks the generated sources: the stack, then the source of the network as written, then its twin's.</param>
    /// <param name="written">What the network as written does, for failure messages ("with the pool inside the convolution").</param>
    /// <param name="separated">What the twin does instead ("after it").</param>
    /// <param name="firstModelSeed">Network <c>i</c> is constructed with seed <c>firstModelSeed + i</c>.</param>
    /// <param name="inputSeed">The seed of the running statistics and the inputs.</param>
    /// <param name="batches">The batch sizes to run.</param>
    public static void AssertSameBits(string[] stacks, string after, string before, Action<string, string, string> checkSources,
        string written, string separated, int firstModelSeed, int inputSeed, int[] batches)
    {
        string Separate(string stack)
        {
            string twin = stack.Replace(after + before, after + "[Dropout(0.25)]" + before, StringComparison.Ordinal);
            Assert.True(twin != stack, $"{stack}: no '{after}{before}' to put a dropout in.");
            return twin;
        }

        string Declare(int i, string stack, bool apart) =>
            "[Network]" + (apart ? Separate(stack) : stack) + " public partial class " + (apart ? "Separated" : "Written") + i + ";";

        string source = "using NetDsl;\n" + string.Join("\n", stacks.Select((s, i) => Declare(i, s, apart: false) + "\n" + Declare(i, s, apart: true)));
        TestRun run = TestCompilation.Run(source);
        Assert.Empty(run.Exceptions);
        Assert.Empty(run.OutputDiagnostics.Where(d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error));
        for (int i = 0; i < stacks.Length; i++)
        {
            checkSources(stacks[i], run.SourceOf("Written" + i), run.SourceOf("Separated" + i));
        }

        TestCompilation.Load(run.Output, assembly =>
        {
            var random = new Random(inputSeed);
            for (int i = 0; i < stacks.Length; i++)
            {
                var network = (INetwork)Activator.CreateInstance(assembly.GetType("Written" + i)!, firstModelSeed + i)!;
                var twin = (INetwork)Activator.CreateInstance(assembly.GetType("Separated" + i)!, firstModelSeed + i)!;
                network.Parameters.CopyTo(twin.Parameters);

                // Running statistics (batch normalization's, if any) away from 0 and 1, so that about half of the normalized values are negative.
                for (int b = 0; b < network.Buffers.Length; b++)
                {
                    network.Buffers[b] = (float)(0.3 + random.NextDouble());
                }

                network.Buffers.CopyTo(twin.Buffers);
                int inputSize = network.Layers[0].InputShape.ToArray().Aggregate(1, (a, b) => a * b);
                int outputSize = network.Layers[^1].OutputShape.ToArray().Aggregate(1, (a, b) => a * b);
                foreach (int batch in batches)
                {
                    float[] x = Enumerable.Range(0, batch * inputSize).Select(_ => (float)(random.NextDouble() * 4 - 2)).ToArray();
                    float[] special = { float.NaN, float.PositiveInfinity, float.NegativeInfinity, -0f, 0f };
                    for (int s = 0; s < special.Length; s++)
                    {
                        x[random.Next(x.Length)] = special[s];
                    }

                    var expected = new float[batch * outputSize];
                    var actual = new float[batch * outputSize];
                    twin.ForwardBatch(x, expected);
                    network.ForwardBatch(x, actual);
                    for (int j = 0; j < expected.Length; j++)
                    {
                        Assert.True(BitConverter.SingleToInt32Bits(expected[j]) == BitConverter.SingleToInt32Bits(actual[j]) || (float.IsNaN(expected[j]) && float.IsNaN(actual[j])),
                            $"{stacks[i]}, batch {batch}: output {j} is {actual[j]} {written} and {expected[j]} {separated}.");
                    }
                }
            }

            return 0;
        });
    }
}
