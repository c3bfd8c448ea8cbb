using System;
using NetDsl.Generated;
using Xunit;

namespace NetDsl.Tests;

/// <summary>The scan behind the numeric check mode finds the first NaN or infinity at every position and vector remainder.</summary>
public sealed class FiniteCheckTests
{
    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    public void FindsTheFirstNonFiniteValue_AtEveryPosition(float bad)
    {
        for (int length = 1; length <= 70; length++)
        {
            var values = new float[length];
            for (int i = 0; i < length; i++)
            {
                values[i] = i % 2 == 0 ? float.MaxValue : -float.Epsilon * i; // extremes that are still finite
            }

            Assert.Equal(-1, FiniteCheck.IndexOfNonFinite(values));
            for (int position = 0; position < length; position++)
            {
                float[] copy = (float[])values.Clone();
                copy[position] = bad;
                if (position + 3 < length)
                {
                    copy[position + 3] = float.NaN; // a later one is not reported
                }

                Assert.Equal(position, FiniteCheck.IndexOfNonFinite(copy));
            }
        }
    }

    [Fact]
    public void Samples_NamesTheNetworkThePlaceTheSampleAndTheElement()
    {
        var values = new float[3 * 5];
        values[2 * 5 + 4] = float.PositiveInfinity;

        var exception = Assert.Throws<NonFiniteValueException>(() => FiniteCheck.Samples(values, 5, "Net", "the output of layer 'fc1' (Linear, stage 1)"));

        Assert.Equal("Net: Infinity in the output of layer 'fc1' (Linear, stage 1), sample 2, element 4; the values before it were finite.", exception.Message);
        Assert.Equal(("Net", 2, 4, float.PositiveInfinity), (exception.Network, exception.Sample, exception.Element, exception.Value));
    }

    [Fact]
    public void Tensor_ReportsNoSample()
    {
        var values = new float[10];
        values[7] = float.NaN;

        var exception = Assert.Throws<NonFiniteValueException>(() => FiniteCheck.Tensor(values, "Net", "the gradient of fc1.weight"));

        Assert.Equal(-1, exception.Sample);
        Assert.Equal(7, exception.Element);
        Assert.Equal("Net: NaN in the gradient of fc1.weight, element 7; the values before it were finite.", exception.Message);
    }
}
