using System;
using System.Buffers.Binary;
using System.Linq;
using System.Text;
using System.Text.Json;
using Xunit;

namespace NetDsl.Serialization.Tests;

// A bidirectional two-layer LSTM with an embedding: its file holds PyTorch's state_dict keys and shapes.
[Network]
[Input(6)]
[Embedding(20, 4, PaddingIndex = 0, Name = "emb")]
[LSTM(3, Layers = 2, Bidirectional = true, Name = "lstm")]
[GRU(2, ReturnSequences = false, Name = "gru")]
[Linear(5, Name = "fc")]
public partial class RecurrentNN;

// The same without the reverse direction: its file lacks every '_reverse' tensor.
[Network]
[Input(6)]
[Embedding(20, 4, PaddingIndex = 0, Name = "emb")]
[LSTM(3, Layers = 2, Name = "lstm")]
[GRU(2, ReturnSequences = false, Name = "gru")]
[Linear(5, Name = "fc")]
public partial class ForwardOnlyRecurrentNN;

/// <summary>Recurrent layers and embeddings save and load under PyTorch's names, so a PyTorch state_dict loads unchanged.</summary>
public class RecurrentWeightsTests
{
    [Fact]
    public void The_file_holds_PyTorchs_state_dict_keys_and_shapes()
    {
        byte[] file = new RecurrentNN(1).SaveWeightsToArray();
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(file);
        using JsonDocument header = JsonDocument.Parse(Encoding.UTF8.GetString(file, 8, (int)headerLength));
        string[] shapes = header.RootElement.EnumerateObject()
            .Where(p => p.Name != "__metadata__")
            .Select(p => p.Name + " [" + string.Join(", ", p.Value.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32())) + "]")
            .Order(StringComparer.Ordinal)
            .ToArray();

        // nn.Embedding(20, 4), nn.LSTM(4, 3, num_layers=2, bidirectional=True), nn.GRU(6, 2), nn.Linear(2, 5).
        string[] expected =
        [
            "emb.weight [20, 4]",
            "fc.bias [5]", "fc.weight [5, 2]",
            "gru.bias_hh_l0 [6]", "gru.bias_ih_l0 [6]", "gru.weight_hh_l0 [6, 2]", "gru.weight_ih_l0 [6, 6]",
            "lstm.bias_hh_l0 [12]", "lstm.bias_hh_l0_reverse [12]", "lstm.bias_hh_l1 [12]", "lstm.bias_hh_l1_reverse [12]",
            "lstm.bias_ih_l0 [12]", "lstm.bias_ih_l0_reverse [12]", "lstm.bias_ih_l1 [12]", "lstm.bias_ih_l1_reverse [12]",
            "lstm.weight_hh_l0 [12, 3]", "lstm.weight_hh_l0_reverse [12, 3]", "lstm.weight_hh_l1 [12, 3]", "lstm.weight_hh_l1_reverse [12, 3]",
            "lstm.weight_ih_l0 [12, 4]", "lstm.weight_ih_l0_reverse [12, 4]", "lstm.weight_ih_l1 [12, 6]", "lstm.weight_ih_l1_reverse [12, 6]",
        ];
        Assert.Equal(expected.Order(StringComparer.Ordinal), shapes);
    }

    [Fact]
    public void A_saved_model_loads_bit_for_bit_and_computes_the_same_outputs()
    {
        var original = new RecurrentNN(3);
        var loaded = new RecurrentNN(4);
        Assert.NotEqual(Models.Bits(original), Models.Bits(loaded));

        LoadedWeights result = loaded.LoadWeights(original.SaveWeightsToArray());

        Models.AssertSameParameters(original, loaded);
        Assert.True(result.ArchitectureMatches);
        var input = new RecurrentNN.Input([1, 5, 19, 0, 7, 3]);
        RecurrentNN.Output expected = original.Forward(input);
        RecurrentNN.Output actual = loaded.Forward(input);
        Assert.Equal(Models.Bits(expected), Models.Bits(actual));
    }

    [Fact]
    public void A_file_without_the_reverse_direction_is_refused_and_changes_nothing()
    {
        byte[] forwardOnly = new ForwardOnlyRecurrentNN(5).SaveWeightsToArray();

        WeightFileException error = LoadAssert.Fails(() => new RecurrentNN(6), forwardOnly, WeightFileError.MissingTensor, "lstm.weight_ih_l0_reverse");

        Assert.StartsWith("The file has no tensor 'lstm.weight_ih_l0_reverse' (shape [12, 4]), which the network needs.", error.Message, StringComparison.Ordinal);
    }
}
