using System;
using System.Runtime.CompilerServices;
using NetDsl.TestSupport;
using NetDsl.Generated;
using Xunit;

namespace NetDsl.Tests;

/// <summary>
/// Parameters and gradients start on a 64-byte boundary (the fully connected kernels' loads then never straddle cache
/// lines), in every instance, and the views index the aligned storage, not the padded array behind it.
/// </summary>
public sealed class AlignedStorageTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(100_000)]
    public void StorageBeginsOnA64ByteBoundary(int length)
    {
        for (int instance = 0; instance < 20; instance++)
        {
            var storage = new AlignedStorage(length);
            Assert.Equal(length, storage.Span.Length);
            Assert.InRange(storage.Offset, 0, 15);
            Assert.True(storage.Offset + length <= storage.Array.Length);
            if (length > 0)
            {
                Assert.Equal(0, AddressOf(storage.Span) % AlignedStorage.AlignmentBytes);
            }
        }
    }

    [Fact]
    public void NegativeLengthIsRefused()
    {
        ArgumentOutOfRangeException e = Assert.Throws<ArgumentOutOfRangeException>(() => new AlignedStorage(-1));
        Assert.Contains("-1", e.Message);
    }

    [Fact]
    public void EveryNetworksParametersAndGradientsAreAligned()
    {
        for (int instance = 0; instance < 20; instance++)
        {
            var model = new SeedNet(seed: instance);
            Assert.Equal(0, AddressOf(model.Parameters) % AlignedStorage.AlignmentBytes);
            Assert.Equal(0, AddressOf(model.Gradients) % AlignedStorage.AlignmentBytes);
        }
    }

    [Fact]
    public void LinearViewsIndexTheAlignedStorage()
    {
        var model = new SeedNet(seed: 3);
        for (int j = 0; j < model.Parameters.Length; j++)
        {
            model.Parameters[j] = j;
            model.Gradients[j] = -j;
        }

        LinearLayerView first = model.Fc1;
        Assert.Equal(0, first.Weight[0, 0]);
        Assert.Equal(1, first.Weight[0, 1]);
        Assert.Equal(-first.InFeatures, first.WeightGradient[1, 0]);
        Assert.Equal(first.InFeatures * first.OutFeatures, first.Bias[0]);
        first.Bias[0] = -5;
        Assert.Equal(-5, model.Parameters[first.InFeatures * first.OutFeatures]);
    }

    /// <summary>DataParallel's replicas read the network's parameters in place: a storage pointed at another reads (and writes) its floats.</summary>
    [Fact]
    public void AReplicasParameterStorageReadsTheNetworksInPlace()
    {
        var network = new SeedNet(seed: 4);
        var replica = new SeedNet(seed: 5);
        ((IParameterStorage)replica).ParameterStorage.ReadFrom(((IParameterStorage)network).ParameterStorage);
        Assert.Equal(AddressOf(network.Parameters), AddressOf(replica.Parameters));
        Assert.NotEqual(AddressOf(network.Gradients), AddressOf(replica.Gradients)); // gradients stay the replica's own
        network.Parameters[2] = 42f;
        Assert.Equal(42f, replica.Parameters[2]);
        Assert.Equal(0, AddressOf(replica.Parameters) % AlignedStorage.AlignmentBytes);

        var error = Assert.Throws<ArgumentException>(() => new AlignedStorage(3).ReadFrom(new AlignedStorage(4)));
        Assert.Contains("Expected a storage of 3 floats, but got 4.", error.Message);
    }

    private static unsafe long AddressOf(Span<float> span) => (long)Unsafe.AsPointer(ref span[0]);
}
