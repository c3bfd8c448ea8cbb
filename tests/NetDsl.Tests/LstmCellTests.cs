using System;
using System.Linq;
using System.Numerics.Tensors;
using NetDsl.Generated;
using Xunit;

namespace NetDsl.Tests;

/// <summary>
/// The fused LSTM step (<see cref="LstmCell"/>) against the double-precision formulas at every hidden size, and bit for
/// bit against the eight TensorPrimitives calls it replaced wherever those run on whole vectors (hidden sizes that are
/// multiples of 8): the inputs include huge, tiny, signed-zero and NaN pre-activations.
/// </summary>
[Collection(VectorWidthCollection.Name)]
public sealed class LstmCellTests
{
    [Theory]
    [InlineData(8)]
    [InlineData(16)]
    [InlineData(32)]
    [InlineData(48)]
    [InlineData(72)]
    public void TheFusedStepGivesTheBitsOfTheTensorPrimitivesSequence(int hidden)
    {
        var random = new Random(hidden);
        foreach (int bits in new[] { 512, 256 })
        {
            for (int trial = 0; trial < 50; trial++)
            {
                float[] z = ExtremeValues.Draw(random, 4 * hidden), rec = ExtremeValues.Draw(random, 4 * hidden), previousCell = ExtremeValues.Draw(random, hidden);
                float[] expectedGates = z.ToArray(), expectedCell = new float[hidden], expectedTanh = new float[hidden], expectedH = new float[hidden];
                TensorPrimitives.Add(expectedGates, rec, expectedGates);
                TensorPrimitives.Sigmoid(expectedGates.AsSpan(0, 2 * hidden), expectedGates.AsSpan(0, 2 * hidden));
                TensorPrimitives.Tanh(expectedGates.AsSpan(2 * hidden, hidden), expectedGates.AsSpan(2 * hidden, hidden));
                TensorPrimitives.Sigmoid(expectedGates.AsSpan(3 * hidden, hidden), expectedGates.AsSpan(3 * hidden, hidden));
                TensorPrimitives.Multiply(expectedGates.AsSpan(hidden, hidden), previousCell, expectedCell);
                TensorPrimitives.FusedMultiplyAdd(expectedGates.AsSpan(0, hidden), expectedGates.AsSpan(2 * hidden, hidden), expectedCell, expectedCell);
                TensorPrimitives.Tanh(expectedCell, expectedTanh);
                TensorPrimitives.Multiply(expectedGates.AsSpan(3 * hidden, hidden), expectedTanh, expectedH);

                float[] gates = z.ToArray(), cell = new float[hidden], tanhCell = new float[hidden], h = new float[hidden];
                VectorBits.With(bits, () => LstmCell.Step(gates, rec, previousCell, cell, tanhCell, h, hidden));
                string what = $"hidden {hidden}, {bits} bits, trial {trial}";
                ExtremeValues.AssertSameBits(expectedGates, gates, what + ": gates");
                ExtremeValues.AssertSameBits(expectedCell, cell, what + ": c");
                ExtremeValues.AssertSameBits(expectedTanh, tanhCell, what + ": tanh(c)");
                ExtremeValues.AssertSameBits(expectedH, h, what + ": h");
            }
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(13)]
    [InlineData(32)]
    [InlineData(37)]
    public void TheFusedStepMatchesTheDoublePrecisionFormulasAtEveryWidth(int hidden)
    {
        var random = new Random(100 + hidden);
        foreach (int bits in new[] { 512, 256, 128, 0 })
        {
            float[] z = TestData.Uniform(random, 4 * hidden, -4f, 4f), rec = TestData.Uniform(random, 4 * hidden, -4f, 4f), previousCell = TestData.Uniform(random, hidden, -2f, 2f);
            float[] gates = z.ToArray(), cell = previousCell.ToArray(), tanhCell = new float[hidden], h = new float[hidden];
            VectorBits.With(bits, () => LstmCell.Step(gates, rec, cell, cell, tanhCell, h, hidden)); // c in place, as the streaming step
            for (int j = 0; j < hidden; j++)
            {
                double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));
                double i = Sigmoid(z[j] + (double)rec[j]), f = Sigmoid(z[hidden + j] + (double)rec[hidden + j]);
                double g = Math.Tanh(z[(2 * hidden) + j] + (double)rec[(2 * hidden) + j]), o = Sigmoid(z[(3 * hidden) + j] + (double)rec[(3 * hidden) + j]);
                double c = (f * previousCell[j]) + (i * g);
                string what = $"hidden {hidden}, {bits} bits, unit {j}";
                Assert.True(Math.Abs(c - cell[j]) <= 1e-5 * (1 + Math.Abs(c)), $"{what}: c {cell[j]} against {c}");
                Assert.True(Math.Abs(Math.Tanh(c) - tanhCell[j]) <= 1e-5, $"{what}: tanh(c) {tanhCell[j]} against {Math.Tanh(c)}");
                Assert.True(Math.Abs((o * Math.Tanh(c)) - h[j]) <= 1e-5, $"{what}: h {h[j]} against {o * Math.Tanh(c)}");
                Assert.True(Math.Abs(g - gates[(2 * hidden) + j]) <= 1e-6 && Math.Abs(o - gates[(3 * hidden) + j]) <= 1e-6, $"{what}: gates");
            }
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(7)]
    [InlineData(13)]
    [InlineData(20)]
    public void TheLastUnitsGiveTheBitsOfAZeroPaddedStepAndWriteNothingBeyondTheirSpans(int hidden)
    {
        // The last (hidden mod 8) units load through masks; a step on zero-padded copies whose hidden size is a multiple of
        // 8 runs every unit on whole vectors, so each unit must come out with the same bits.
        int padded = (hidden + 7) / 8 * 8;
        var random = new Random(200 + hidden);
        foreach (int bits in new[] { 512, 256 })
        {
            for (int trial = 0; trial < 20; trial++)
            {
                float[] z = ExtremeValues.Draw(random, 4 * hidden), rec = ExtremeValues.Draw(random, 4 * hidden), previousCell = ExtremeValues.Draw(random, hidden);
                float[] paddedGates = ExtremeValues.PadBlocks(z, 4, hidden, padded), paddedRec = ExtremeValues.PadBlocks(rec, 4, hidden, padded);
                float[] paddedCell = ExtremeValues.PadBlocks(previousCell, 1, hidden, padded);
                float[] expectedCell = new float[padded], expectedTanh = new float[padded], expectedH = new float[padded];
                VectorBits.With(bits, () => LstmCell.Step(paddedGates, paddedRec, paddedCell, expectedCell, expectedTanh, expectedH, padded));

                // Every output lies in a larger array whose floats past the span are sentinels the step must leave alone.
                const int Beyond = 9;
                float[] gates = ExtremeValues.Sentinels(4 * hidden, Beyond), cell = ExtremeValues.Sentinels(hidden, Beyond), tanhCell = ExtremeValues.Sentinels(hidden, Beyond), h = ExtremeValues.Sentinels(hidden, Beyond);
                z.CopyTo(gates, 0);
                VectorBits.With(bits, () => LstmCell.Step(gates.AsSpan(0, 4 * hidden), rec, previousCell, cell.AsSpan(0, hidden), tanhCell.AsSpan(0, hidden), h.AsSpan(0, hidden), hidden));
                string what = $"hidden {hidden}, {bits} bits, trial {trial}";
                for (int gate = 0; gate < 4; gate++)
                {
                    ExtremeValues.AssertSameBits(paddedGates.AsSpan(gate * padded, hidden), gates.AsSpan(gate * hidden, hidden), $"{what}, gate {gate}");
                }

                ExtremeValues.AssertSameBits(expectedCell.AsSpan(0, hidden), cell.AsSpan(0, hidden), $"{what}, c");
                ExtremeValues.AssertSameBits(expectedTanh.AsSpan(0, hidden), tanhCell.AsSpan(0, hidden), $"{what}, tanh(c)");
                ExtremeValues.AssertSameBits(expectedH.AsSpan(0, hidden), h.AsSpan(0, hidden), $"{what}, h");
                ExtremeValues.AssertUntouchedPast(gates, 4 * hidden, $"{what}, gates");
                ExtremeValues.AssertUntouchedPast(cell, hidden, $"{what}, c");
                ExtremeValues.AssertUntouchedPast(tanhCell, hidden, $"{what}, tanh(c)");
                ExtremeValues.AssertUntouchedPast(h, hidden, $"{what}, h");
            }
        }
    }
}
