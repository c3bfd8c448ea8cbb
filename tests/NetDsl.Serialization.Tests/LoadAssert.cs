using System;
using System.Collections.Generic;
using System.IO;
using Xunit;

namespace NetDsl.Serialization.Tests;

/// <summary>
/// Loads a file through every entry point (bytes, a seekable stream, a non-seekable stream that returns a few bytes
/// per read, a path) and checks that each fails with the same error and message and leaves the network untouched.
/// </summary>
internal static class LoadAssert
{
    private static readonly (string Name, Func<INetwork, byte[], WeightLoadOptions?, LoadedWeights> Load)[] s_loaders =
    [
        ("bytes", (network, file, options) => network.LoadWeights(file, options)),
        ("seekable stream", (network, file, options) => network.LoadWeights(new MemoryStream(file), options)),
        ("chunked stream", (network, file, options) => network.LoadWeights(new ChunkedStream(file, chunk: 5), options)),
        ("path", LoadFromPath),
    ];

    /// <summary>The entry points, for tests that check successful loads through each.</summary>
    public static IEnumerable<(string Name, Func<INetwork, byte[], WeightLoadOptions?, LoadedWeights> Load)> Loaders => s_loaders;

    /// <summary>Asserts that loading <paramref name="file"/> into a <see cref="SeedNet"/> fails as described; returns the exception.</summary>
    public static WeightFileException Fails(byte[] file, WeightFileError error, string? tensorName, WeightLoadOptions? options = null) =>
        Fails(() => new SeedNet(1), file, error, tensorName, options);

    /// <summary>Asserts that loading <paramref name="file"/> into networks from <paramref name="create"/> fails as described.</summary>
    public static WeightFileException Fails(Func<INetwork> create, byte[] file, WeightFileError error, string? tensorName, WeightLoadOptions? options = null)
    {
        WeightFileException? first = null;
        foreach ((string name, Func<INetwork, byte[], WeightLoadOptions?, LoadedWeights> load) in s_loaders)
        {
            INetwork network = create();
            int[] before = Models.Bits(network);

            WeightFileException exception = Assert.Throws<WeightFileException>(() => load(network, file, options));

            Assert.True(error == exception.Error, $"{name}: expected {error}, got {exception.Error}: {exception.Message}");
            Assert.True(tensorName == exception.TensorName, $"{name}: expected tensor '{tensorName}', got '{exception.TensorName}': {exception.Message}");
            Assert.True(before.AsSpan().SequenceEqual(Models.Bits(network)), $"{name}: the failed load changed the network.");
            if (first is null)
            {
                first = exception;
            }
            else
            {
                Assert.Equal(first.Message, exception.Message);
            }
        }

        return first!;
    }

    private static LoadedWeights LoadFromPath(INetwork network, byte[] file, WeightLoadOptions? options)
    {
        using var directory = new TempDirectory();
        string path = directory.File("weights.safetensors");
        File.WriteAllBytes(path, file);
        return network.LoadWeights(path, options);
    }
}
