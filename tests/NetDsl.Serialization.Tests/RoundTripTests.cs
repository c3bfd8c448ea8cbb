using System;
using System.IO;
using System.Linq;
using Xunit;

namespace NetDsl.Serialization.Tests;

// Save, load, compare bit for bit: through paths, streams and bytes, for every kind of network and every float value.
public class RoundTripTests
{
    [Fact]
    public void Through_every_entry_point()
    {
        var original = new SeedNet(11);
        byte[] file = original.SaveWeightsToArray();

        foreach ((string name, Func<INetwork, byte[], WeightLoadOptions?, LoadedWeights> load) in LoadAssert.Loaders)
        {
            var loaded = new SeedNet(12);
            Assert.NotEqual(Models.Bits(original), Models.Bits(loaded));

            LoadedWeights result = load(loaded, file, null);

            Assert.True(Models.Bits(original).SequenceEqual(Models.Bits(loaded)), name);
            Assert.True(result.ArchitectureMatches, name);
            Assert.Empty(result.Extras);
        }
    }

    [Fact]
    public void Save_to_a_path_and_a_stream_writes_the_same_bytes_as_to_an_array()
    {
        using var directory = new TempDirectory();
        var model = new NoBiasNN(3);
        string path = directory.File("model.safetensors");
        var stream = new MemoryStream();

        model.SaveWeights(path);
        model.SaveWeights(stream);

        Assert.Equal(model.SaveWeightsToArray(), File.ReadAllBytes(path));
        Assert.Equal(model.SaveWeightsToArray(), stream.ToArray());
        Assert.Equal(["model.safetensors"], directory.Entries());
    }

    [Fact]
    public void The_loaded_network_computes_the_same_outputs()
    {
        var original = new SeedNet(21);
        var loaded = new SeedNet(22);
        loaded.LoadWeights(original.SaveWeightsToArray());
        var input = new SeedNet.Input(0.5f, -1f, 2f);

        Assert.Equal(original.Forward(input)[0], loaded.Forward(input)[0]);
    }

    [Fact]
    public void Every_float_value_survives_bit_for_bit()
    {
        var model = new SeedNet(0);
        float[] special =
        [
            float.NaN, BitConverter.Int32BitsToSingle(0x7FC0_1234), BitConverter.Int32BitsToSingle(unchecked((int)0xFF80_0001)),
            -0f, float.PositiveInfinity, float.NegativeInfinity, float.Epsilon, -float.Epsilon, float.MaxValue, float.MinValue, 1e-40f,
        ];
        special.CopyTo(model.Parameters);

        var loaded = new SeedNet(1);
        loaded.LoadWeights(model.SaveWeightsToArray());

        Assert.Equal(Models.Bits(special), Models.Bits(loaded));
    }

    [Fact]
    public void Unnamed_and_bias_free_networks_round_trip()
    {
        var stack = new UnnamedStack(4);
        var stackCopy = new UnnamedStack(5);
        stackCopy.LoadWeights(stack.SaveWeightsToArray());
        Models.AssertSameParameters(stack, stackCopy);

        var noBias = new NoBiasNN(6);
        var noBiasCopy = new NoBiasNN(7);
        noBiasCopy.LoadWeights(noBias.SaveWeightsToArray());
        Models.AssertSameParameters(noBias, noBiasCopy);
        Assert.Equal(["hidden.weight", "out.bias", "out.weight"], SafeTensorsFile.Read(noBias.SaveWeightsToArray()).Tensors.Select(t => t.Name));
    }

    [Fact]
    public void A_large_network_round_trips_through_a_stream_that_returns_few_bytes_per_read()
    {
        var original = new LargeNN(8);
        byte[] file = original.SaveWeightsToArray();
        Assert.True(file.Length > 128 * 1024);

        var loaded = new LargeNN(9);
        loaded.LoadWeights(new ChunkedStream(file, chunk: 4093));

        Models.AssertSameParameters(original, loaded);
    }

    [Fact]
    public void Streams_are_written_and_read_from_their_current_position()
    {
        var model = new SeedNet(13);
        var stream = new MemoryStream();
        stream.Write("prefix"u8);

        model.SaveWeights(stream);
        stream.Position = 6;
        var loaded = new SeedNet(14);
        loaded.LoadWeights(stream);

        Models.AssertSameParameters(model, loaded);
        Assert.Equal(stream.Length, stream.Position);
        Assert.Equal(model.SaveWeightsToArray(), stream.ToArray()[6..]);
    }

    [Fact]
    public void Load_creates_a_network_from_a_path_a_stream_or_bytes()
    {
        using var directory = new TempDirectory();
        string path = directory.File("seed.safetensors");
        Models.Counting().SaveWeights(path);
        int[] expected = Models.Bits(Models.Counting());

        Assert.Equal(expected, Models.Bits(WeightFile.Load<SeedNet>(path)));
        Assert.Equal(expected, Models.Bits(WeightFile.Load<SeedNet>(File.OpenRead(path))));
        Assert.Equal(expected, Models.Bits(WeightFile.Load<SeedNet>(File.ReadAllBytes(path))));
        Assert.Equal(WeightFileError.ShapeMismatch, Assert.Throws<WeightFileException>(() => WeightFile.Load<WiderNN>(path)).Error);
    }

    [Fact]
    public void A_file_written_by_PyTorch_loads_into_the_equivalent_network()
    {
        var model = new SeedNet(1);

        LoadedWeights loaded = model.LoadWeights(PyTorchFiles.SimpleNNCounting);

        Assert.Equal(Models.Bits(Models.Counting()), Models.Bits(model));
        Assert.Equal(4f, model.Fc1.Weight[1, 0]); // fc1.weight is [out, in]: row 1 is [4, 5, 6]
        Assert.Empty(loaded.Metadata);
        Assert.Null(loaded.Architecture);
        Assert.False(loaded.ArchitectureMatches);
    }

    [Fact]
    public void A_PyTorch_nn_Sequential_file_loads_into_an_unnamed_stack()
    {
        // nn.Sequential(nn.Linear(3, 2), nn.ReLU(), nn.Linear(2, 1)): keys 0.weight, 0.bias, 2.weight, 2.bias.
        byte[] file = SafeTensorsBytes.File(
            SafeTensorsBytes.Q("{'0.bias':{'dtype':'F32','shape':[2],'data_offsets':[0,8]},'0.weight':{'dtype':'F32','shape':[2,3],'data_offsets':[8,32]},"
                + "'2.bias':{'dtype':'F32','shape':[1],'data_offsets':[32,36]},'2.weight':{'dtype':'F32','shape':[1,2],'data_offsets':[36,44]}}"),
            SafeTensorsBytes.F32(7, 8, 1, 2, 3, 4, 5, 6, 11, 9, 10));
        var model = new UnnamedStack(0);

        model.LoadWeights(file);

        Assert.Equal(Enumerable.Range(1, 11).Select(i => (float)i), model.Parameters.ToArray());
    }

    [Fact]
    public void A_file_embedded_as_a_resource_loads_from_its_stream()
    {
        using Stream resource = typeof(RoundTripTests).Assembly.GetManifestResourceStream("NetDsl.Serialization.Tests.simple_nn_pytorch.safetensors")
            ?? throw new InvalidOperationException("The embedded weight file is missing.");
        var model = new SeedNet(1);

        model.LoadWeights(resource);

        Assert.Equal(Models.Bits(Models.Counting()), Models.Bits(model));
    }

    [Fact]
    public void The_embedded_resource_is_the_hand_built_PyTorch_file()
    {
        using Stream resource = typeof(RoundTripTests).Assembly.GetManifestResourceStream("NetDsl.Serialization.Tests.simple_nn_pytorch.safetensors")!;
        var bytes = new MemoryStream();
        resource.CopyTo(bytes);

        Assert.Equal(PyTorchFiles.SimpleNNCounting, bytes.ToArray());
    }

    [Fact]
    public void Loading_leaves_the_gradients_alone_as_load_state_dict_does()
    {
        var model = new SeedNet(1);
        model.Gradients.Fill(0.25f);

        model.LoadWeights(PyTorchFiles.SimpleNNCounting);

        Assert.All(model.Gradients.ToArray(), g => Assert.Equal(0.25f, g));
    }
}
