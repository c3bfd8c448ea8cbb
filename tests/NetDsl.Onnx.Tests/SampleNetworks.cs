using System;
using System.Collections.Generic;
using System.Linq;
using Xunit;

namespace NetDsl.Onnx.Tests;

/// <summary>The differential tests' networks by name (those of <c>TestNetworks.cs</c> and the README's sample), each created with a fixed seed.</summary>
internal static class SampleNetworks
{
    private static readonly Dictionary<string, Func<int, INetwork>> s_factories = new(StringComparer.Ordinal)
    {
        [nameof(SeedNetwork.SimpleNN)] = seed => new SeedNetwork.SimpleNN(seed),
        [nameof(GeluNet)] = seed => new GeluNet(seed),
        [nameof(GeluNetKernels)] = seed => new GeluNetKernels(seed),
        [nameof(GeluTanhNet)] = seed => new GeluTanhNet(seed),
        [nameof(GeluTanhNetKernels)] = seed => new GeluTanhNetKernels(seed),
        [nameof(MlpNet)] = seed => new MlpNet(seed),
        [nameof(MlpNetKernels)] = seed => new MlpNetKernels(seed),
        [nameof(CnnNet)] = seed => new CnnNet(seed),
        [nameof(CnnNetKernels)] = seed => new CnnNetKernels(seed),
        [nameof(Conv1DNet)] = seed => new Conv1DNet(seed),
        [nameof(Conv1DNetKernels)] = seed => new Conv1DNetKernels(seed),
        [nameof(ResidualNet)] = seed => new ResidualNet(seed),
        [nameof(ResidualNetKernels)] = seed => new ResidualNetKernels(seed),
        [nameof(ImageNet)] = seed => new ImageNet(seed),
        [nameof(ImageNetKernels)] = seed => new ImageNetKernels(seed),
        [nameof(ActivationsNet)] = seed => new ActivationsNet(seed),
        [nameof(ActivationsNetKernels)] = seed => new ActivationsNetKernels(seed),
        [nameof(RecurrentNet)] = seed => new RecurrentNet(seed),
        [nameof(RecurrentVariantsNet)] = seed => new RecurrentVariantsNet(seed),
        [nameof(TokenNet)] = seed => new TokenNet(seed),
        [nameof(SequenceMaxNet)] = seed => new SequenceMaxNet(seed),
        [nameof(SequenceMeanNet)] = seed => new SequenceMeanNet(seed),
        [nameof(SequenceLastNet)] = seed => new SequenceLastNet(seed),
        [nameof(PositionNet)] = seed => new PositionNet(seed),
        [nameof(AttentionNet)] = seed => new AttentionNet(seed),
        [nameof(TransformerNet)] = seed => new TransformerNet(seed),
        [nameof(SequenceInputNet)] = seed => new SequenceInputNet(seed),
    };

    /// <summary>
    /// Random inputs for <paramref name="batch"/> samples: uniform in ±<see cref="InputBound"/>, or for a network that
    /// starts with an embedding, whole-number token indices of its vocabulary.
    /// </summary>
    public static float[] Inputs(string name, INetwork network, Random random, int batch)
    {
        int count = batch * InputSize(network);
        LayerInfo first = network.Layers[0];
        if (first.Kind == "Embedding")
        {
            int vocabulary = (int)first.Option("NumEmbeddings");
            return Enumerable.Range(0, count).Select(_ => (float)random.Next(vocabulary)).ToArray();
        }

        return DifferentialTests.Uniform(random, count, InputBound(name));
    }

    /// <summary>Every network's name.</summary>
    public static IEnumerable<string> Names => s_factories.Keys;

    /// <summary>The names as xunit theory data.</summary>
    public static TheoryData<string> All => new(s_factories.Keys);

    /// <summary>Creates the network <paramref name="name"/> with PyTorch's initialization from <paramref name="seed"/>.</summary>
    public static INetwork Create(string name, int seed = 1) => s_factories[name](seed);

    /// <summary>The inputs the differential tests draw are uniform in ±this bound: wide for single activations (their tails), moderate for whole networks.</summary>
    public static float InputBound(string name) => name.StartsWith("Gelu", StringComparison.Ordinal) ? 6f : 2f;

    /// <summary>The number of floats in one input sample.</summary>
    public static int InputSize(INetwork network) => Product(network.Layers[0].InputShape);

    /// <summary>The number of floats in one output sample.</summary>
    public static int OutputSize(INetwork network) => Product(network.Layers[network.Layers.Count - 1].OutputShape);

    /// <summary>The layer kinds the networks use.</summary>
    public static ISet<string> Kinds() => Names.SelectMany(n => Create(n).Layers.Select(l => l.Kind)).ToHashSet(StringComparer.Ordinal);

    private static int Product(ReadOnlySpan<int> shape)
    {
        int product = 1;
        foreach (int dimension in shape)
        {
            product *= dimension;
        }

        return product;
    }
}
