using System;
using NetDsl.Generated;
using Xunit;

namespace NetDsl.Tests;

/// <summary>
/// The channels-last convolution's padded images (<see cref="ChannelsLastLayout.PadInput"/> from planar samples,
/// <see cref="ChannelsLastLayout.PadChannelsLastInput"/> from channels-last ones), written over scratch that still holds
/// an earlier call's values: every float of the images is the input or zero, and nothing after them is touched.
/// </summary>
public sealed class ChannelsLastLayoutTests
{
    public static TheoryData<int, int, int, int, int, int, int> Geometries => new()
    {
        // channels, height, width, kernel, stride, padding, dilation
        { 32, 14, 14, 3, 1, 1, 1 },
        { 3, 7, 9, 3, 1, 2, 1 },
        { 5, 8, 8, 3, 2, 1, 1 },   // the last row and column are read by no window
        { 2, 9, 6, 3, 1, 0, 2 },
        { 1, 4, 5, 5, 1, 3, 1 },   // more padding than input on the sides
        { 7, 1, 1, 1, 1, 0, 1 },
    };

    [Theory]
    [MemberData(nameof(Geometries))]
    public void PaddedImagesHoldTheInputAndZerosWhateverTheScratchHeld(int channels, int height, int width, int kernel, int stride, int padding, int dilation)
    {
        int outHeight = (height + 2 * padding - dilation * (kernel - 1) - 1) / stride + 1;
        int outWidth = (width + 2 * padding - dilation * (kernel - 1) - 1) / stride + 1;
        var g = new WindowGeometry(channels, height, width, channels, outHeight, outWidth, kernel, kernel, stride, stride, padding, padding, dilation, dilation);
        const int count = 3;
        var cl = new ChannelsLastGeometry(g, count);
        var random = new Random(channels * 31 + height);
        float[] planar = TestData.Uniform(random, count * g.InputSize);
        float[] channelsLast = ChannelsLastActivationTests.ToChannelsLast(planar, count, channels, height * width);
        int length = count * cl.PaddedPlane * channels;
        foreach (bool fromPlanar in new[] { true, false })
        {
            float[] padded = new float[length + 7];
            padded.AsSpan().Fill(float.NaN); // an earlier call's values
            if (fromPlanar)
            {
                ChannelsLastLayout.PadInput(planar, count, padded, channels, g, cl);
            }
            else
            {
                ChannelsLastLayout.PadChannelsLastInput(channelsLast, count, padded, g, cl);
            }

            for (int n = 0; n < count; n++)
            {
                for (int ph = 0; ph < cl.PaddedHeight; ph++)
                {
                    for (int pw = 0; pw < cl.PaddedWidth; pw++)
                    {
                        int ih = ph - padding, iw = pw - padding;
                        bool inside = ih >= 0 && ih < height && iw >= 0 && iw < width;
                        for (int c = 0; c < channels; c++)
                        {
                            float expected = inside ? planar[((n * channels + c) * height + ih) * width + iw] : 0f;
                            Assert.Equal(expected, padded[((n * cl.PaddedHeight + ph) * cl.PaddedWidth + pw) * channels + c]);
                        }
                    }
                }
            }

            Assert.All(padded.AsSpan(length).ToArray(), value => Assert.True(float.IsNaN(value), "a float after the images was written"));
        }
    }
}
