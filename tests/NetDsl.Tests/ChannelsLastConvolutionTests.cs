using System;
using System.Linq;
using NetDsl.Generated;
using NetDsl.Tests.Reference;
using Xunit;
using R = NetDsl.Tests.Reference.ReferenceLayers;

namespace NetDsl.Tests;

/// <summary>
/// The channels-last convolution (the general kernel: any stride, padding, dilation, map width and channel count) against
/// the double-precision oracle at every vector width, called directly so that every geometry reaches it whatever the
/// dispatch rule picks: maps from 1 to 11 wide, channel counts on both sides of every tile width (1 to 67), kernels 1 to 7,
/// strides 1 to 3, 'same' and explicit padding, dilation, batches that end groups and 6-row tiles part-way. The same case
/// at 512, 256, 128 bits and scalar must also give the same bits: every output is summed in one order at every width
/// and with either tile (64 channels and more take the 6x4 tiles at 512 bits).
/// </summary>
[Collection(VectorWidthCollection.Name)]
public sealed class ChannelsLastConvolutionTests
{
    private const int Cases = 30;
    private static readonly int[] Widths = [512, 256, 128, 0];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void EveryGeometryMatchesTheReferenceAndIsTheSameAtEveryWidth(int seed)
    {
        var random = new Random(seed * 7919);
        for (int done = 0; done < Cases;)
        {
            if (RunCase(random, seed))
            {
                done++;
            }
        }
    }

    [Fact]
    public void TheLayersOfATypicalSmallCnnMatchTheReference()
    {
        // N4 of the performance issue: 32 -> 64 channels on 14x14 and 64 -> 64 on 7x7, 'same' 3x3 kernels, odd batch.
        var random = new Random(5);
        Assert.True(RunCase(random, 0, c: 32, h: 14, w: 14, o: 64, kh: 3, kw: 3, sh: 1, sw: 1, ph: 1, pw: 1, dh: 1, dw: 1, bias: true, batch: 3));
        Assert.True(RunCase(random, 0, c: 64, h: 7, w: 7, o: 64, kh: 3, kw: 3, sh: 1, sw: 1, ph: 1, pw: 1, dh: 1, dw: 1, bias: true, batch: 5));
    }

    [Fact]
    public void DepthChunksThatSplitATapsChannelsChangeNothing()
    {
        // The forward tiles read a tap's input channels as a run of adjacent offsets; the depth runs in chunks of 96 KiB of
        // packed weights (384 steps for 64 output channels, 1536 for 16), which here end inside a tap's run of 67 or 100
        // channels, so a chunk starts partway through a run (the wide, narrow and tall tiles).
        var random = new Random(9);
        Assert.True(RunCase(random, 0, c: 67, h: 6, w: 5, o: 64, kh: 3, kw: 3, sh: 1, sw: 1, ph: 1, pw: 1, dh: 1, dw: 1, bias: true, batch: 2));
        Assert.True(RunCase(random, 0, c: 100, h: 5, w: 6, o: 40, kh: 3, kw: 3, sh: 1, sw: 1, ph: 1, pw: 0, dh: 1, dw: 1, bias: true, batch: 2));
        Assert.True(RunCase(random, 0, c: 100, h: 5, w: 5, o: 16, kh: 5, kw: 5, sh: 1, sw: 1, ph: 2, pw: 2, dh: 1, dw: 1, bias: false, batch: 2));
    }

    [Theory]
    [InlineData(1, 1, 9, 8, 16)]     // one group of samples: the forward pass splits channel blocks, the input gradient runs on part 0
    [InlineData(5, 3, 7, 64, 64)]    // N4's third layer: groups of samples split
    [InlineData(70, 17, 4, 33, 9)]   // many groups, odd channel counts
    public void SplittingTheWorkIntoPartsChangesNoBits(int batch, int inChannels, int size, int outChannels, int seed)
    {
        var g = new WindowGeometry(inChannels, size, size, outChannels, size, size, 3, 3, 1, 1, 1, 1, 1, 1);
        var random = new Random(seed);
        float[] x = TestData.Uniform(random, batch * g.InputSize);
        float[] weight = TestData.Uniform(random, outChannels * inChannels * 9);
        float[] bias = TestData.Uniform(random, outChannels);
        float[] dy = TestData.Uniform(random, batch * g.OutputSize);
        (float[] y, float[] gw, float[] gb, float[] dx) Run(int parts)
        {
            var y = new float[dy.Length];
            var gw = new float[weight.Length];
            var gb = new float[outChannels];
            var dx = new float[x.Length];
            y.AsSpan().Fill(float.NaN);
            dx.AsSpan().Fill(float.NaN);
            for (int part = parts - 1; part >= 0; part--)
            {
                ChannelsLastConvolution.ForwardPart(x, weight, bias, y, batch, g, part, parts);
                ChannelsLastConvolution.BackwardPart(x, weight, dy, gw, gb, dx, batch, g, part, parts);
            }

            return (y, gw, gb, dx);
        }

        var whole = Run(1);
        foreach (int parts in new[] { 2, 3, 5 })
        {
            var split = Run(parts);
            Assert.True(whole.y.SequenceEqual(split.y), $"forward in {parts} parts");
            Assert.True(whole.gw.SequenceEqual(split.gw), $"weight gradient in {parts} parts");
            Assert.True(whole.gb.SequenceEqual(split.gb), $"bias gradient in {parts} parts");
            Assert.True(whole.dx.SequenceEqual(split.dx), $"input gradient in {parts} parts");
        }

        // The same through a real team of threads (the call is large enough to be split).
        using var team = new KernelTeam(2);
        var y2 = new float[dy.Length];
        var gw2 = new float[weight.Length];
        var gb2 = new float[outChannels];
        var dx2 = new float[x.Length];
        using (KernelTeam.Lend(team))
        {
            ChannelsLastConvolution.Forward(x, weight, bias, y2, batch, g);
            ChannelsLastConvolution.Backward(x, weight, dy, gw2, gb2, dx2, batch, g);
        }

        Assert.True(whole.y.SequenceEqual(y2) && whole.gw.SequenceEqual(gw2) && whole.gb.SequenceEqual(gb2) && whole.dx.SequenceEqual(dx2), "through a team of 2 threads");
    }

    [Fact]
    public void TheCachedPackingOfTheWeightsIsUsedOnlyForTheWeightsItWasMadeFrom()
    {
        var g = new WindowGeometry(16, 6, 6, 32, 6, 6, 3, 3, 1, 1, 1, 1, 1, 1);
        var random = new Random(11);
        float[] x = TestData.Uniform(random, 2 * g.InputSize);
        float[] weight = TestData.Uniform(random, 32 * 16 * 9);
        float[] bias = TestData.Uniform(random, 32);

        // Each expected output from a thread that has never packed anything.
        float[] Fresh()
        {
            var y = new float[2 * g.OutputSize];
            var thread = new System.Threading.Thread(() => ChannelsLastConvolution.Forward(x, weight, bias, y, 2, g));
            thread.Start();
            thread.Join();
            return y;
        }

        float[] Warm()
        {
            var y = new float[2 * g.OutputSize];
            ChannelsLastConvolution.Forward(x, weight, bias, y, 2, g);
            return y;
        }

        Assert.Equal(Fresh(), Warm());
        Assert.Equal(Fresh(), Warm()); // from the cache
        weight[100] += 0.25f;          // an optimizer step in place
        Assert.Equal(Fresh(), Warm());
        weight[0] = float.NaN;
        Assert.Equal(Fresh().Select(BitConverter.SingleToInt32Bits), Warm().Select(BitConverter.SingleToInt32Bits));
        weight = TestData.Uniform(random, weight.Length); // another array with the same shape
        Assert.Equal(Fresh(), Warm());
    }

    private static bool RunCase(Random random, int seed)
    {
        int[] channelChoices = [1, 3, 4, 8, 9, 16, 17, 33, 37, 64, 67];
        int c = channelChoices[random.Next(channelChoices.Length)], o = channelChoices[random.Next(channelChoices.Length)];
        int kh = 1 + 2 * random.Next(4), kw = 1 + random.Next(7);
        if (random.Next(3) == 0 || c * o > 1000)
        {
            kh = kw = 1 + random.Next(3);
        }

        return RunCase(random, seed, c, h: 1 + random.Next(11), w: 1 + random.Next(11), o, kh, kw,
            sh: 1 + random.Next(3), sw: 1 + random.Next(3),
            ph: random.Next(3) == 0 ? R.Same : random.Next(4), pw: random.Next(3) == 0 ? R.Same : random.Next(4),
            dh: 1 + random.Next(2), dw: 1 + random.Next(2), bias: random.Next(3) != 0, batch: 1 + random.Next(4));
    }

    private static bool RunCase(Random random, int seed, int c, int h, int w, int o, int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw, bool bias, int batch)
    {
        if ((ph == R.Same || pw == R.Same) && (sh != 1 || sw != 1))
        {
            return false; // PyTorch allows 'same' at stride 1 only
        }

        ReferenceModel model;
        try
        {
            model = new ReferenceModel([c, h, w], R.Conv2D(o, kh, kw, "c", sh, sw, ph, pw, dh, dw, bias));
        }
        catch (ArgumentException)
        {
            return false; // the window does not fit
        }

        int[] shape = model.OutputShape;
        var g = new WindowGeometry(c, h, w, o, shape[1], shape[2], kh, kw, sh, sw,
            ReferenceConvolution.Pads(ph, kh, dh).Before, ReferenceConvolution.Pads(pw, kw, dw).Before, dh, dw);
        string what = $"seed {seed}: Conv2D {c}->{o} on [{h}, {w}] -> [{shape[1]}, {shape[2]}], kernel {kh}x{kw}, stride {sh}x{sw}, padding {ph}x{pw}, dilation {dh}x{dw}, bias {bias}, batch {batch}";

        float[] parameters = TestData.Uniform(random, model.ParameterCount);
        float[] x = TestData.Uniform(random, batch * model.InputSize);
        float[] dy = TestData.Uniform(random, batch * model.OutputSize);
        int weights = o * c * kh * kw;
        ReferenceTrace trace = model.Train(LayerTestSupport.D(parameters), [], LayerTestSupport.D(x), batch);
        ReferenceGradients expected = trace.Backward(LayerTestSupport.D(dy));

        float[]? firstOutputs = null, firstGradients = null, firstInputGradients = null;
        foreach (int bits in Widths)
        {
            var y = new float[dy.Length];
            var gradients = new float[parameters.Length];
            var dx = new float[x.Length];
            y.AsSpan().Fill(float.NaN);
            dx.AsSpan().Fill(float.NaN);
            VectorBits.With(bits, () =>
            {
                ChannelsLastConvolution.Forward(x, parameters.AsSpan(0, weights), bias ? parameters.AsSpan(weights, o) : default, y, batch, g);
                ChannelsLastConvolution.Backward(x, parameters.AsSpan(0, weights), dy, gradients.AsSpan(0, weights), bias ? gradients.AsSpan(weights, o) : default, dx, batch, g);
            });

            Tolerance.AssertOutputsClose(trace.Outputs, y, $"{what}, {bits}-bit vectors: forward");
            Tolerance.AssertClose(expected.Parameters, gradients, $"{what}, {bits}-bit vectors: parameter gradients");
            Tolerance.AssertClose(expected.Inputs, dx, $"{what}, {bits}-bit vectors: input gradients");
            if (firstOutputs is null)
            {
                (firstOutputs, firstGradients, firstInputGradients) = (y, gradients, dx);
            }
            else
            {
                Assert.True(firstOutputs.SequenceEqual(y), $"{what}: the forward pass at {bits} bits differs from {Widths[0]} bits");
                Assert.True(firstGradients!.SequenceEqual(gradients), $"{what}: the parameter gradients at {bits} bits differ from {Widths[0]} bits");
                Assert.True(firstInputGradients!.SequenceEqual(dx), $"{what}: the input gradients at {bits} bits differ from {Widths[0]} bits");
            }
        }

        // Parameter gradients add to what is there; without an input gradient only they are computed.
        var twice = firstGradients!.ToArray();
        ChannelsLastConvolution.Backward(x, parameters.AsSpan(0, weights), dy, twice.AsSpan(0, weights), bias ? twice.AsSpan(weights, o) : default, default, batch, g);
        Tolerance.AssertClose(expected.Parameters.Select(v => 2 * v).ToArray(), twice, $"{what}: parameter gradients added twice, no input gradient");
        return true;
    }
}
