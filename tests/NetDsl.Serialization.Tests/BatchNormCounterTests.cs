using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using Xunit;

namespace NetDsl.Serialization.Tests;

// PyTorch's BatchNorm state_dict holds `num_batches_tracked` (int64, shape []) beside the running statistics. NetDsl
// has no use for it (only PyTorch's momentum=None mode reads it), so it is read past for a batch-normalization layer of
// the network, and refused anywhere else, as any unknown tensor is.
public class BatchNormCounterTests
{
    private static readonly float[] Values = Enumerable.Range(1, 25).Select(i => i * 0.25f).ToArray();

    // The tensors of BatchNormNN in PyTorch's state_dict order, plus the given extra entries (name, dtype, shape, bytes).
    private static byte[] PyTorchFile(params (string Name, string Dtype, int[] Shape, byte[] Data)[] extra) => PyTorchFile(_ => true, extra);

    private static byte[] PyTorchFile(Func<string, bool> keep, params (string Name, string Dtype, int[] Shape, byte[] Data)[] extra)
    {
        var tensors = new List<(string Name, string Dtype, int[] Shape, byte[] Data)>
        {
            ("fc.weight", "F32", [3, 2], SafeTensorsBytes.F32(Values[..6])),
            ("fc.bias", "F32", [3], SafeTensorsBytes.F32(Values[6..9])),
            ("bn.weight", "F32", [3], SafeTensorsBytes.F32(Values[9..12])),
            ("bn.bias", "F32", [3], SafeTensorsBytes.F32(Values[12..15])),
            ("bn.running_mean", "F32", [3], SafeTensorsBytes.F32(Values[15..18])),
            ("bn.running_var", "F32", [3], SafeTensorsBytes.F32(Values[18..21])),
            ("out.weight", "F32", [1, 3], SafeTensorsBytes.F32(Values[21..24])),
            ("out.bias", "F32", [1], SafeTensorsBytes.F32(Values[24..25])),
        };
        tensors.RemoveAll(t => !keep(t.Name));
        tensors.AddRange(extra);
        var header = new StringBuilder("{");
        long offset = 0;
        foreach ((string name, string dtype, int[] shape, byte[] data) in tensors)
        {
            header.Append(header.Length > 1 ? "," : "").Append($"\"{name}\":{{\"dtype\":\"{dtype}\",\"shape\":[{string.Join(",", shape)}],\"data_offsets\":[{offset},{offset + data.Length}]}}");
            offset += data.Length;
        }

        return SafeTensorsBytes.File(header.Append('}').ToString(), tensors.Select(t => t.Data).ToArray());
    }

    private static byte[] Int64(long value) => BitConverter.GetBytes(value);

    [Fact]
    public void The_counter_of_a_batch_normalization_layer_is_read_past()
    {
        var model = new BatchNormNN(1);
        model.LoadWeights(PyTorchFile(("bn.num_batches_tracked", "I64", [], Int64(1234))));

        Assert.Equal(Values[..21].Concat(Values[21..]).Where((_, i) => i < 15 || i >= 21).ToArray(), model.Parameters.ToArray());
        Assert.Equal(Values[15..21], model.Buffers.ToArray());
    }

    [Fact]
    public void Running_statistics_are_saved_and_loaded_with_the_parameters()
    {
        var trained = new BatchNormNN(1);
        trained.Buffers.Fill(0.75f);
        trained.Buffers[0] = -2f;
        var loaded = new BatchNormNN(2);

        loaded.LoadWeights(trained.SaveWeightsToArray());

        Assert.Equal(trained.Parameters.ToArray(), loaded.Parameters.ToArray());
        Assert.Equal(trained.Buffers.ToArray(), loaded.Buffers.ToArray());
    }

    [Fact]
    public void A_file_without_the_running_statistics_is_refused_and_changes_nothing()
    {
        var model = new BatchNormNN(1);
        float[] parameters = model.Parameters.ToArray(), buffers = model.Buffers.ToArray();
        byte[] file = PyTorchFile(name => name != "bn.running_var");

        WeightFileException error = Assert.Throws<WeightFileException>(() => model.LoadWeights(file));

        Assert.Equal(WeightFileError.MissingTensor, error.Error);
        Assert.StartsWith("The file has no tensor 'bn.running_var' (shape [3]), which the network needs.", error.Message);
        Assert.Equal(parameters, model.Parameters.ToArray());
        Assert.Equal(buffers, model.Buffers.ToArray());
    }

    [Fact]
    public void A_counter_beside_no_batch_normalization_layer_is_an_unexpected_tensor()
    {
        byte[] file = PyTorchFile(("fc.num_batches_tracked", "I64", [], Int64(3)));

        WeightFileException error = LoadAssert.Fails(() => new BatchNormNN(1), file, WeightFileError.UnexpectedTensor, "fc.num_batches_tracked");

        Assert.StartsWith("The file has tensor 'fc.num_batches_tracked' (I64, shape []), which is not a parameter of the network.", error.Message);
    }

    [Fact]
    public void A_counter_that_is_not_an_integer_scalar_is_an_unexpected_tensor()
    {
        byte[] file = PyTorchFile(("bn.num_batches_tracked", "F32", [2], SafeTensorsBytes.F32(1, 2)));

        LoadAssert.Fails(() => new BatchNormNN(1), file, WeightFileError.UnexpectedTensor, "bn.num_batches_tracked");
    }
}
