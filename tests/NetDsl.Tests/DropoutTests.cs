using System;
using System.Linq;
using Xunit;

namespace NetDsl.Tests;

/// <summary>
/// Dropout's modes, observed from the outside. Inference is the identity. Training zeroes about p of the elements
/// (a binomial bound on a large layer) and scales the rest by exactly 1/(1-p); the mask is repeatable for a seed, new at
/// every call, and the one the backward pass applies (gradient zero exactly where the output is zero).
/// The oracle comparisons of networks with dropout, given the masks read back, are in <see cref="LayerNumericsTests"/>.
/// </summary>
public sealed class DropoutTests
{
    private const float P = 0.3f; // WideDropoutNet's probability
    private const int Width = 1000;

    public static TheoryData<string> WideNames() => ["WideDropoutNet", "WideDropoutNetKernels", "WideDropoutNetUnrolled"];

    [Theory]
    [MemberData(nameof(WideNames))]
    public void InferenceIsTheIdentity(string name)
    {
        LayerCase c = LayerNetworks.Get(name);
        INetwork model = c.Create(4);
        float[] x = NonZero(new Random(1), 3 * Width);
        var y = new float[x.Length];
        model.ForwardBatch(x, y);
        Assert.Equal(x, y);
        var single = new float[Width];
        model.Forward(x.AsSpan(0, Width), single);
        Assert.Equal(x.AsSpan(0, Width).ToArray(), single);
        Assert.Equal(x.AsSpan(0, Width).ToArray(), c.ForwardTyped(model, x.AsSpan(0, Width).ToArray()));
    }

    [Theory]
    [MemberData(nameof(WideNames))]
    public void TrainingZeroesAboutPAndScalesTheRestByOneOverOneMinusP(string name)
    {
        LayerCase c = LayerNetworks.Get(name);
        INetwork model = c.Create(5);
        const int batch = 10;
        float[] x = NonZero(new Random(2), batch * Width);
        var y = new float[x.Length];
        model.ForwardTraining(x, y);

        // The number of zeros is binomial(N, p): within 5 standard deviations except with probability 6e-7.
        int n = x.Length;
        int zeros = y.Count(v => v == 0f);
        double sigma = Math.Sqrt(n * P * (1 - P));
        Assert.True(Math.Abs(zeros - (n * P)) <= 5 * sigma, $"{name}: {zeros} of {n} elements dropped; expected {n * P} ± {5 * sigma:F0}.");

        // Also in each half of the layer and in each sample (the mask is not one pattern repeated, nor stuck at one end).
        foreach ((int start, int count) in (ValueTuple<int, int>[])[(0, n / 2), (n / 2, n / 2)])
        {
            int part = y.AsSpan(start, count).ToArray().Count(v => v == 0f);
            Assert.True(Math.Abs(part - (count * P)) <= 5 * Math.Sqrt(count * P * (1 - P)), $"{name}: {part} of {count} dropped in [{start}, {start + count}).");
        }

        var patterns = Enumerable.Range(0, batch).Select(s => string.Concat(y.AsSpan(s * Width, Width).ToArray().Select(v => v == 0f ? '0' : '1'))).ToArray();
        Assert.Equal(batch, patterns.Distinct().Count());

        // Kept elements are x / (1 - p): the float scale 1/(1-p) and the product are each rounded once (2^-24 relative each).
        double scale = 1 / (1 - (double)P);
        for (int j = 0; j < n; j++)
        {
            if (y[j] != 0f)
            {
                double expected = x[j] * scale;
                Assert.True(Math.Abs(y[j] - expected) <= 1.2e-7 * Math.Abs(expected), $"{name}: element {j} is {y[j]:R}, expected {expected:R} (x = {x[j]:R}).");
            }
        }
    }

    [Theory]
    [MemberData(nameof(WideNames))]
    public void MasksRepeatForASeedAndChangeFromCallToCall(string name)
    {
        LayerCase c = LayerNetworks.Get(name);
        float[] x = NonZero(new Random(3), 2 * Width);
        float[][] Calls(INetwork model) => Enumerable.Range(0, 3).Select(_ =>
        {
            var y = new float[x.Length];
            model.ForwardTraining(x, y);
            return y;
        }).ToArray();

        float[][] first = Calls(c.Create(11));
        float[][] again = Calls(c.Create(11));
        float[][] other = Calls(c.Create(12));
        for (int k = 0; k < 3; k++)
        {
            Assert.Equal(first[k], again[k]);
            Assert.NotEqual(first[k], other[k]);
        }

        Assert.NotEqual(first[0], first[1]);
        Assert.NotEqual(first[1], first[2]);

        // The three emit paths draw the same masks from the same seed.
        foreach (EmitPath path in Enum.GetValues<EmitPath>())
        {
            Assert.Equal(first[0], Calls(LayerNetworks.Get("WideDropout", path).Create(11))[0]);
        }
    }

    [Fact]
    public void ResetParametersRestartsTheMaskSequence()
    {
        var model = new WideDropoutNetKernels(seed: 21);
        float[] x = NonZero(new Random(4), Width);
        var first = new float[Width];
        model.ForwardTraining(x, first);
        model.ForwardTraining(x, new float[Width]);
        model.ResetParameters(21);
        var restarted = new float[Width];
        model.ForwardTraining(x, restarted);
        Assert.Equal(first, restarted);
    }

    [Theory]
    [MemberData(nameof(WideNames))]
    public void BackwardAppliesTheMaskOfTheForwardPass(string name)
    {
        LayerCase c = LayerNetworks.Get(name);
        INetwork model = c.Create(6);
        const int batch = 3;
        var random = new Random(5);
        float[] x = NonZero(random, batch * Width);
        float[] dy = NonZero(random, batch * Width);
        var y = new float[x.Length];
        model.ForwardTraining(x, y);

        // Inference in between draws no mask and leaves the recorded one alone.
        model.ForwardBatch(NonZero(random, 5 * Width), new float[5 * Width]);
        model.Forward(x.AsSpan(0, Width), new float[Width]);

        var dx = new float[x.Length];
        dx.AsSpan().Fill(float.NaN);
        model.Backward(dy, dx);
        float scale = 1f / (1f - P);
        for (int j = 0; j < x.Length; j++)
        {
            if (y[j] == 0f)
            {
                Assert.True(dx[j] == 0f, $"{name}: element {j} was dropped in the forward pass but has the gradient {dx[j]:R}.");
            }
            else
            {
                double expected = (double)dy[j] * scale;
                Assert.True(Math.Abs(dx[j] - expected) <= 1.2e-7 * Math.Abs(expected), $"{name}: element {j} was kept but has the gradient {dx[j]:R}, expected {expected:R}.");
            }
        }

        // The recording stays valid: the same mask again.
        var again = new float[x.Length];
        model.Backward(dy, again);
        Assert.Equal(dx, again);
    }

    [Theory]
    [MemberData(nameof(DropoutMlpNames))]
    public void MasksReadBackFromAHiddenDropoutDropAboutP(string name)
    {
        // DropoutNet: Dropout(0.2) on the input, Dropout(0.5) between the Linear layers. The masks as Backward reveals them
        // (LayerTestSupport.ReadDropoutMasks) drop about p of the elements; LayerNumericsTests feeds them to the oracle.
        LayerCase c = LayerNetworks.Get(name);
        INetwork model = c.Create(8);
        const int batch = 60;
        float[] x = NonZero(new Random(9), batch * c.InputSize);
        var y = new float[batch * c.OutputSize];
        model.ForwardTraining(x, y);
        bool[][] masks = LayerTestSupport.ReadDropoutMasks(c, model, batch, y);
        for (int k = 0; k < masks.Length; k++)
        {
            double p = c.Reference.Dropouts[k].P;
            int n = masks[k].Length;
            int dropped = masks[k].Count(keep => !keep);
            double sigma = Math.Sqrt(n * p * (1 - p));
            Assert.True(Math.Abs(dropped - (n * p)) <= 5 * sigma, $"{name}: dropout {k} dropped {dropped} of {n}; expected {n * p} ± {5 * sigma:F0}.");
        }
    }

    public static TheoryData<string> DropoutMlpNames() => ["DropoutNet", "DropoutNetKernels", "DropoutNetUnrolled"];

    // Inputs uniform in ±[0.1, 1]: never zero, so a zero output means a dropped element.
    private static float[] NonZero(Random random, int count) =>
        Enumerable.Range(0, count).Select(_ => (random.Next(2) == 0 ? -1 : 1) * (0.1f + (0.9f * random.NextSingle()))).ToArray();
}
