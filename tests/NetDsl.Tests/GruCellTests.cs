using System;
using System.Linq;
using System.Numerics.Tensors;
using NetDsl.Generated;
using Xunit;

namespace NetDsl.Tests;

/// <summary>
/// The fused GRU step (<see cref="GruCell"/>) bit for bit against the TensorPrimitives calls it replaced wherever those
/// run on whole vectors (hidden sizes that are multiples of 8), on extreme inputs, and against the double-precision
/// formulas at every hidden size and vector width (the state updated in place, as the streaming step does).
/// </summary>
[Collection(VectorWidthCollection.Name)]
public sealed class GruCellTests
{
    [Theory]
    [InlineData(8)]
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
                float[] z = ExtremeValues.Draw(random, 3 * hidden), rec = ExtremeValues.Draw(random, 3 * hidden), previous = ExtremeValues.Draw(random, hidden);
                float[] expected = z.ToArray(), expectedH = new float[hidden], scratch = new float[hidden];
                TensorPrimitives.Add(expected.AsSpan(0, 2 * hidden), rec.AsSpan(0, 2 * hidden), expected.AsSpan(0, 2 * hidden));
                TensorPrimitives.Sigmoid(expected.AsSpan(0, 2 * hidden), expected.AsSpan(0, 2 * hidden));
                TensorPrimitives.Multiply(expected.AsSpan(0, hidden), rec.AsSpan(2 * hidden, hidden), scratch);
                TensorPrimitives.Add(expected.AsSpan(2 * hidden, hidden), scratch, expected.AsSpan(2 * hidden, hidden));
                TensorPrimitives.Tanh(expected.AsSpan(2 * hidden, hidden), expected.AsSpan(2 * hidden, hidden));
                TensorPrimitives.Subtract(previous, expected.AsSpan(2 * hidden, hidden), scratch);
                TensorPrimitives.FusedMultiplyAdd(expected.AsSpan(hidden, hidden), scratch, expected.AsSpan(2 * hidden, hidden), expectedH);

                float[] gates = z.ToArray(), h = new float[hidden], projection = new float[hidden], temporary = new float[hidden];
                VectorBits.With(bits, () => GruCell.Step(gates, rec, previous, projection, h, temporary, hidden));
                string what = $"hidden {hidden}, {bits} bits, trial {trial}";
                ExtremeValues.AssertSameBits(expected, gates, what + ": gates");
                ExtremeValues.AssertSameBits(expectedH, h, what + ": h");
                ExtremeValues.AssertSameBits(rec.AsSpan(2 * hidden, hidden).ToArray(), projection, what + ": W_hn h + b_hn");
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
        var random = new Random(200 + hidden);
        foreach (int bits in new[] { 512, 256, 128, 0 })
        {
            float[] z = TestData.Uniform(random, 3 * hidden, -4f, 4f), rec = TestData.Uniform(random, 3 * hidden, -4f, 4f), previous = TestData.Uniform(random, hidden);
            float[] gates = z.ToArray(), h = previous.ToArray(), temporary = new float[hidden];
            VectorBits.With(bits, () => GruCell.Step(gates, rec, h, default, h, temporary, hidden));
            for (int j = 0; j < hidden; j++)
            {
                double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));
                double r = Sigmoid(z[j] + (double)rec[j]), u = Sigmoid(z[hidden + j] + (double)rec[hidden + j]);
                double n = Math.Tanh(z[(2 * hidden) + j] + (r * rec[(2 * hidden) + j]));
                double expected = ((1 - u) * n) + (u * previous[j]);
                Assert.True(Math.Abs(expected - h[j]) <= 1e-5, $"hidden {hidden}, {bits} bits, unit {j}: h {h[j]} against {expected}");
            }
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(7)]
    [InlineData(13)]
    [InlineData(20)]
    public void TheLastUnitsGiveTheBitsOfAZeroPaddedStepAndWriteNothingBeyondTheirSpans(int hidden)
    {
        // As LstmCellTests: the masked last units against a zero-padded step on whole vectors; h_t written over h_(t-1).
        int padded = (hidden + 7) / 8 * 8;
        var random = new Random(300 + hidden);
        foreach (int bits in new[] { 512, 256 })
        {
            for (int trial = 0; trial < 20; trial++)
            {
                float[] z = ExtremeValues.Draw(random, 3 * hidden), rec = ExtremeValues.Draw(random, 3 * hidden), previous = ExtremeValues.Draw(random, hidden);
                float[] paddedGates = ExtremeValues.PadBlocks(z, 3, hidden, padded), paddedRec = ExtremeValues.PadBlocks(rec, 3, hidden, padded);
                float[] paddedPrevious = ExtremeValues.PadBlocks(previous, 1, hidden, padded);
                float[] expectedH = new float[padded], paddedScratch = new float[padded];
                VectorBits.With(bits, () => GruCell.Step(paddedGates, paddedRec, paddedPrevious, default, expectedH, paddedScratch, padded));

                const int Beyond = 9;
                float[] gates = ExtremeValues.Sentinels(3 * hidden, Beyond), h = ExtremeValues.Sentinels(hidden, Beyond), scratch = new float[hidden];
                z.CopyTo(gates, 0);
                previous.CopyTo(h, 0);
                VectorBits.With(bits, () => GruCell.Step(gates.AsSpan(0, 3 * hidden), rec, h.AsSpan(0, hidden), default, h.AsSpan(0, hidden), scratch, hidden));
                string what = $"hidden {hidden}, {bits} bits, trial {trial}";
                for (int gate = 0; gate < 3; gate++)
                {
                    ExtremeValues.AssertSameBits(paddedGates.AsSpan(gate * padded, hidden), gates.AsSpan(gate * hidden, hidden), $"{what}, gate {gate}");
                }

                ExtremeValues.AssertSameBits(expectedH.AsSpan(0, hidden), h.AsSpan(0, hidden), $"{what}, h");
                ExtremeValues.AssertUntouchedPast(gates, 3 * hidden, $"{what}, gates");
                ExtremeValues.AssertUntouchedPast(h, hidden, $"{what}, h");
            }
        }
    }
}
