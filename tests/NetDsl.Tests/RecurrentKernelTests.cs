using System;
using System.Linq;
using NetDsl.Generated;
using Xunit;

namespace NetDsl.Tests;

/// <summary>
/// How <see cref="RecurrentKernels.Backward"/> may sum, checked bit for bit (its values are checked against the
/// double-precision reference and finite differences by the layer tests): the samples of a batch run backwards through
/// time in groups, every step one product for the whole group, and the weight gradients as one product over the group's
/// steps. None of that may change a bit: a batch gives the gradients of its samples run one at a time into the same
/// buffers, whatever the batch size (and so whatever chunks <c>DataParallel</c> cuts), and the same bits at every vector
/// width. The products are <see cref="LinearKernels"/>' broadcast GEMM, whose every output must be one chain of fused
/// multiply-adds in depth order for that to hold; the last test checks that chain at every tile shape.
/// </summary>
[Collection(VectorWidthCollection.Name)]
public sealed class RecurrentKernelTests
{
    public static TheoryData<string> Layers() => [.. Geometries.Keys];

    private static readonly System.Collections.Generic.Dictionary<string, RecurrentGeometry> Geometries = new()
    {
        // H = 32: two 512-bit vectors per state (the 8-row, 2-vector product tiles); H = 5, 17, 20: partial vectors and scalar units.
        ["LSTM(32), final state"] = new(RecurrentCell.Lstm, 7, 3, 32, 1, Bidirectional: false, ReturnSequences: false, Bias: true),
        ["LSTM(5) x2, bidirectional, sequences, no bias"] = new(RecurrentCell.Lstm, 5, 4, 5, 2, Bidirectional: true, ReturnSequences: true, Bias: false),
        ["GRU(20) x2, bidirectional, final state"] = new(RecurrentCell.Gru, 6, 3, 20, 2, Bidirectional: true, ReturnSequences: false, Bias: true),
        ["RNN tanh(17), sequences"] = new(RecurrentCell.RnnTanh, 4, 2, 17, 1, Bidirectional: false, ReturnSequences: true, Bias: true),
        ["RNN relu(9) x2, bidirectional, final state"] = new(RecurrentCell.RnnReLU, 5, 3, 9, 2, Bidirectional: true, ReturnSequences: false, Bias: true),
    };

    private const int Batch = 19; // groups of 8, 8 and 3 samples

    [Theory]
    [MemberData(nameof(Layers))]
    public void ABatchGivesTheBitsOfItsSamplesRunOneAtATime(string layer)
    {
        RecurrentGeometry g = Geometries[layer];
        var random = new Random(layer.Length);
        (float[] x, float[] parameters, float[] workspace, float[] dy) = Trained(g, random, Batch);
        float[] start = TestData.Uniform(random, g.ParameterCount);

        float[] together = (float[])start.Clone();
        var dxTogether = new float[Batch * g.SampleInputSize];
        RecurrentKernels.Backward(g, x, parameters, together, workspace, dy, dxTogether, Batch);

        float[] oneByOne = (float[])start.Clone();
        var dxOneByOne = new float[Batch * g.SampleInputSize];
        for (int b = 0; b < Batch; b++)
        {
            RecurrentKernels.Backward(
                g,
                x.AsSpan(b * g.SampleInputSize, g.SampleInputSize),
                parameters,
                oneByOne,
                workspace.AsSpan(b * g.WorkspaceSize, g.WorkspaceSize),
                dy.AsSpan(b * g.SampleOutputSize, g.SampleOutputSize),
                dxOneByOne.AsSpan(b * g.SampleInputSize, g.SampleInputSize),
                1);
        }

        AssertBits(oneByOne, together, layer + ": parameter gradients");
        AssertBits(dxOneByOne, dxTogether, layer + ": input gradients");

        // And split anyhow (as data-parallel chunks of 5 would be), into the same buffers in order.
        float[] chunked = (float[])start.Clone();
        var dxChunked = new float[Batch * g.SampleInputSize];
        for (int first = 0; first < Batch; first += 5)
        {
            int count = Math.Min(5, Batch - first);
            RecurrentKernels.Backward(
                g,
                x.AsSpan(first * g.SampleInputSize, count * g.SampleInputSize),
                parameters,
                chunked,
                workspace.AsSpan(first * g.WorkspaceSize, count * g.WorkspaceSize),
                dy.AsSpan(first * g.SampleOutputSize, count * g.SampleOutputSize),
                dxChunked.AsSpan(first * g.SampleInputSize, count * g.SampleInputSize),
                count);
        }

        AssertBits(together, chunked, layer + ": parameter gradients in chunks of 5");
        AssertBits(dxTogether, dxChunked, layer + ": input gradients in chunks of 5");
    }

    [Theory]
    [MemberData(nameof(Layers))]
    public void BackwardGivesTheSameBitsAtEveryVectorWidth(string layer)
    {
        RecurrentGeometry g = Geometries[layer];
        var random = new Random(layer.Length + 1);
        (float[] x, float[] parameters, float[] workspace, float[] dy) = Trained(g, random, Batch);
        var widestGradients = new float[g.ParameterCount];
        var widestDx = new float[Batch * g.SampleInputSize];
        RecurrentKernels.Backward(g, x, parameters, widestGradients, workspace, dy, widestDx, Batch);
        Assert.Contains(widestGradients, v => v != 0f);
        foreach (int bits in (int[])[256, 128, 0])
        {
            VectorBits.With(bits, () =>
            {
                var gradients = new float[g.ParameterCount];
                var dx = new float[Batch * g.SampleInputSize];
                RecurrentKernels.Backward(g, x, parameters, gradients, workspace, dy, dx, Batch);
                AssertBits(widestGradients, gradients, $"{layer}: parameter gradients at {bits}-bit vectors");
                AssertBits(widestDx, dx, $"{layer}: input gradients at {bits}-bit vectors");
            });
        }
    }

    [Fact]
    public void TheLstmWorkspaceKeepsTanhOfEveryCellStateAfterTheGates()
    {
        // Layout of a block: h [T, H], c [T, H], gates [T, 4H], tanh(c) [T, H]; the last one is what h = o * tanh(c) used.
        var g = new RecurrentGeometry(RecurrentCell.Lstm, 3, 2, 4, 1, Bidirectional: false, ReturnSequences: true, Bias: true);
        Assert.Equal(3 * ((3 * 4) + 16), g.WorkspaceSize);
        var random = new Random(5);
        (_, _, float[] workspace, _) = Trained(g, random, 1);
        for (int t = 0; t < 3; t++)
        {
            for (int j = 0; j < 4; j++)
            {
                float h = workspace[(t * 4) + j];
                float c = workspace[12 + (t * 4) + j];
                float o = workspace[24 + (t * 16) + 12 + j];
                float tanhC = workspace[72 + (t * 4) + j];
                Assert.Equal(Math.Tanh(c), tanhC, 1e-6);
                Assert.Equal(o * tanhC, h);
            }
        }
    }

    [Theory]
    [MemberData(nameof(KernelTests.VectorWidths), MemberType = typeof(KernelTests))]
    public void EveryOutputOfTheBackwardProductsIsOneChainOfFusedMultiplyAddsInDepthOrder(int vectorBits)
    {
        // Rows 1..17 reach the 8- and 4-row tiles and single rows; columns up to 70 every number of whole and partial
        // vectors (1 to 4 at each width); depth 1 and 37.
        var random = new Random(vectorBits + 3);
        VectorBits.With(vectorBits, () =>
        {
            foreach (int depth in (int[])[1, 37])
            {
                for (int rows = 1; rows <= 17; rows++)
                {
                    foreach (int columns in (int[])[1, 3, 4, 8, 9, 16, 20, 31, 32, 33, 40, 48, 50, 64, 70])
                    {
                        string what = $"{rows} rows, {columns} columns, depth {depth}, {vectorBits}-bit vectors";

                        // dx = dz W: rows n, columns i, depth o; from zero.
                        float[] dz = TestData.Uniform(random, rows * depth);
                        float[] weight = TestData.Uniform(random, depth * columns);
                        var dx = new float[rows * columns];
                        LinearKernels.BackwardInput(dz, weight, dx, rows, columns, depth);
                        var expected = new float[rows * columns];
                        for (int n = 0; n < rows; n++)
                        {
                            for (int i = 0; i < columns; i++)
                            {
                                float sum = 0f;
                                for (int o = 0; o < depth; o++)
                                {
                                    sum = MathF.FusedMultiplyAdd(dz[(n * depth) + o], weight[(o * columns) + i], sum);
                                }

                                expected[(n * columns) + i] = sum;
                            }
                        }

                        AssertBits(expected, dx, "dx = dz W, " + what);

                        // dW += dz^T x: rows o, columns i, depth n, continuing from dW's value; db += each row of dz in turn.
                        float[] x = TestData.Uniform(random, depth * columns);
                        float[] dzRows = TestData.Uniform(random, depth * rows);
                        float[] weightGradient = TestData.Uniform(random, rows * columns);
                        float[] biasGradient = TestData.Uniform(random, rows);
                        float[] expectedWeight = (float[])weightGradient.Clone();
                        float[] expectedBias = (float[])biasGradient.Clone();
                        for (int o = 0; o < rows; o++)
                        {
                            for (int n = 0; n < depth; n++)
                            {
                                for (int i = 0; i < columns; i++)
                                {
                                    expectedWeight[(o * columns) + i] = MathF.FusedMultiplyAdd(dzRows[(n * rows) + o], x[(n * columns) + i], expectedWeight[(o * columns) + i]);
                                }

                                expectedBias[o] += dzRows[(n * rows) + o];
                            }
                        }

                        LinearKernels.AccumulateParameterGradients(x, dzRows, weightGradient, biasGradient, depth, columns, rows);
                        AssertBits(expectedWeight, weightGradient, "dW += dz^T x, " + what);
                        AssertBits(expectedBias, biasGradient, "db += dz, " + what);
                    }
                }
            }
        });
    }

    /// <summary>Random inputs and parameters, the training forward pass's workspace, and random output gradients.</summary>
    private static (float[] X, float[] Parameters, float[] Workspace, float[] Dy) Trained(RecurrentGeometry g, Random random, int batch)
    {
        float[] x = TestData.Uniform(random, batch * g.SampleInputSize);
        float[] parameters = TestData.Uniform(random, g.ParameterCount, -0.6f, 0.6f);
        var y = new float[batch * g.SampleOutputSize];
        var workspace = new float[batch * g.WorkspaceSize];
        RecurrentKernels.Forward(g, x, parameters, y, workspace, batch);
        float[] dy = TestData.Uniform(random, y.Length);
        return (x, parameters, workspace, dy);
    }

    private static void AssertBits(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        int at = Enumerable.Range(0, expected.Length).FirstOrDefault(i => BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]), -1);
        Assert.True(at < 0, at < 0 ? what : $"{what}: element {at} is {actual[at]:R}, expected {expected[at]:R}.");
    }

    [Theory]
    [InlineData(32, 128)]
    [InlineData(32, 96)]
    [InlineData(20, 64)]
    [InlineData(7, 40)]
    public void TheGroupedStepProductGivesEachSamplesBits(int hidden, int width)
    {
        // Training's forward pass runs one W_hh product per step for up to 8 samples (ComputeGroup); each of its outputs
        // must be the chain one sample's product sums, so that a batch gives its samples' bits and streaming those of Forward.
        var random = new Random(hidden + width);
        float[] transposed = TestData.Uniform(random, hidden * width);
        float[] bias = TestData.Uniform(random, width);
        foreach (int count in new[] { 1, 3, 4, 5, 8 })
        {
            foreach (int stride in new[] { 0, hidden + 3 })
            {
                float[] states = TestData.Uniform(random, ((count - 1) * stride) + hidden);
                var grouped = new float[count * width];
                RecurrentProduct.ComputeGroup(states, stride, count, hidden, transposed, bias, grouped, width);
                for (int n = 0; n < count; n++)
                {
                    var alone = new float[width];
                    RecurrentProduct.Compute(states.AsSpan(n * stride, hidden), transposed, bias, alone);
                    Assert.True(alone.SequenceEqual(grouped.AsSpan(n * width, width).ToArray()), $"hidden {hidden}, {width} outputs, {count} samples {stride} apart: sample {n}");
                }
            }
        }
    }
}
