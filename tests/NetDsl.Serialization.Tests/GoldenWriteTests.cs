using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using Xunit;

namespace NetDsl.Serialization.Tests;

// What NetDsl writes, compared byte for byte with files built by hand the way the safetensors reference
// implementation (and so safetensors.torch.save_file) writes them: tensors sorted by name, compact JSON in the
// order dtype, shape, data_offsets, "__metadata__" first, spaces padding the header to a multiple of 8 bytes.
public class GoldenWriteTests
{
    [Fact]
    public void An_empty_writer_writes_the_empty_file()
    {
        Assert.Equal(GoldenReadTests.EmptyFile, new SafeTensorsWriter().ToArray());
    }

    [Fact]
    public void One_tensor()
    {
        byte[] written = new SafeTensorsWriter().Add("w", new float[] { 1, -2 }, 2).ToArray();

        Assert.Equal(GoldenReadTests.OneTensorFile, written);
    }

    [Fact]
    public void A_network_as_NetDsl_saves_it()
    {
        SeedNet model = Models.Counting(); // fc1.weight = 1..6, fc1.bias = 7, 8, fc2.weight = 9, 10, fc2.bias = 11
        string header = SafeTensorsBytes.Q(
            "{'__metadata__':{'format':'pt','netdsl.architecture':'Input[3] fc1=Linear(3,2) 1=ReLU fc2=Linear(2,1)','netdsl.format_version':'1'},"
            + "'fc1.bias':{'dtype':'F32','shape':[2],'data_offsets':[0,8]},'fc1.weight':{'dtype':'F32','shape':[2,3],'data_offsets':[8,32]},"
            + "'fc2.bias':{'dtype':'F32','shape':[1],'data_offsets':[32,36]},'fc2.weight':{'dtype':'F32','shape':[1,2],'data_offsets':[36,44]}}");
        Assert.Equal(385, header.Length); // so the header is padded with 7 spaces to N = 392
        byte[] expected =
        [
            .. SafeTensorsBytes.LengthPrefix(392),
            .. Encoding.ASCII.GetBytes(header + "       "),
            .. SafeTensorsBytes.F32(7, 8),
            .. SafeTensorsBytes.F32(1, 2, 3, 4, 5, 6),
            .. SafeTensorsBytes.F32(11),
            .. SafeTensorsBytes.F32(9, 10),
        ];

        Assert.Equal(expected, model.SaveWeightsToArray());
    }

    [Fact]
    public void The_same_tensors_without_metadata_are_what_PyTorch_writes()
    {
        // safetensors.torch.save_file(model.state_dict(), path) for nn.Sequential(OrderedDict(fc1=Linear(3, 2),
        // relu=ReLU(), fc2=Linear(2, 1))) writes no "__metadata__" and sorts the tensors by name.
        byte[] expected = PyTorchFiles.SimpleNNCounting;
        float[] p = Models.Counting().Parameters.ToArray();

        byte[] written = new SafeTensorsWriter()
            .Add("fc1.weight", p.AsMemory(0, 6), 2, 3)
            .Add("fc1.bias", p.AsMemory(6, 2), 2)
            .Add("fc2.weight", p.AsMemory(8, 2), 1, 2)
            .Add("fc2.bias", p.AsMemory(10, 1), 1)
            .ToArray();

        Assert.Equal(expected, written);
    }

    [Fact]
    public void Unnamed_layers_are_saved_under_their_positions()
    {
        var model = new UnnamedStack(3);

        SafeTensorsFile file = SafeTensorsFile.Read(model.SaveWeightsToArray());

        Assert.Equal(["0.weight", "0.bias", "2.weight", "2.bias"], model.ParameterTensors.Select(t => t.Name));
        Assert.Equal(["0.bias", "0.weight", "2.bias", "2.weight"], file.Tensors.Select(t => t.Name));
        Assert.Equal([2, 3], file.GetTensor("0.weight").Shape.ToArray());
        Assert.Equal([1, 2], file.GetTensor("2.weight").Shape.ToArray());
    }

    [Fact]
    public void Names_and_metadata_are_escaped_as_serde_json_escapes_them()
    {
        // Only '"', '\' and control characters are escaped: \b \t \n \f \r by name, others as lowercase \u00xx.
        // DEL and non-ASCII characters are written as they are, in UTF-8.
        byte[] written = new SafeTensorsWriter()
            .Add("q\"b\\s\b\t\n\f\r\u0001\u001f\u007fé", new float[] { 0 }, 1)
            .SetMetadata("k\u0000", "v/")
            .ToArray();

        string header = "{\"__metadata__\":{\"k\\u0000\":\"v/\"},\"q\\\"b\\\\s\\b\\t\\n\\f\\r\\u0001\\u001f\u007f\u00e9\":"
            + SafeTensorsBytes.Q("{'dtype':'F32','shape':[1],'data_offsets':[0,4]}}");
        Assert.Equal(SafeTensorsBytes.File(header, SafeTensorsBytes.F32(0)), written);
        SafeTensorsFile file = SafeTensorsFile.Read(written);
        Assert.Equal("q\"b\\s\b\t\n\f\r\u0001\u001f\u007fé", file.Tensors[0].Name);
        Assert.Equal("v/", file.Metadata["k\u0000"]);
    }

    [Fact]
    public void Tensors_are_sorted_by_their_UTF8_bytes_as_the_reference_sorts_them()
    {
        // U+E000 sorts after U+1F600 in UTF-16 (ordinal) order, before it in UTF-8 order, which Rust uses.
        byte[] written = new SafeTensorsWriter()
            .Add("\U0001F600", new float[] { 1 }, 1)
            .Add("\uE000", new float[] { 2 }, 1)
            .Add("B", new float[] { 3 }, 1)
            .Add("a", new float[] { 4 }, 1)
            .ToArray();

        SafeTensorsFile file = SafeTensorsFile.Read(written);
        Assert.Equal(["B", "a", "\uE000", "\U0001F600"], file.Tensors.Select(t => t.Name));
        Assert.Equal([3f], file.GetFloat32("B"));
        Assert.Equal([1f], file.GetFloat32("\U0001F600"));
    }

    [Fact]
    public void Tensor_order_matches_UTF8_byte_order_for_mixed_names()
    {
        string[] pieces = ["a", "Z", "0", ".", "\u00e9", "\u4e2d", "\uE000", "\uFFFD", "\U0001F600", "\U00010000", "\U0010FFFD"];
        var random = new Random(5);
        string[] names = Enumerable.Range(0, 300)
            .Select(_ => string.Concat(Enumerable.Range(0, random.Next(1, 5)).Select(_ => pieces[random.Next(pieces.Length)])))
            .Distinct()
            .ToArray();
        var writer = new SafeTensorsWriter();
        foreach (string name in names)
        {
            writer.Add(name, new float[] { 0 }, 1);
        }

        SafeTensorsFile file = SafeTensorsFile.Read(writer.ToArray());

        string[] expected = names.OrderBy(n => Encoding.UTF8.GetBytes(n), Comparer<byte[]>.Create((x, y) => x.AsSpan().SequenceCompareTo(y))).ToArray();
        Assert.Equal(expected, file.Tensors.Select(t => t.Name));
    }

    [Fact]
    public void Metadata_keys_are_written_in_sorted_order_and_later_values_replace_earlier_ones()
    {
        byte[] written = new SafeTensorsWriter().SetMetadata("b", "1").SetMetadata("a", "2").SetMetadata("b", "3").ToArray();

        Assert.Equal(SafeTensorsBytes.File("""{"__metadata__":{"a":"2","b":"3"}}"""), written);
    }

    [Fact]
    public void Headers_are_padded_to_a_multiple_of_8_bytes()
    {
        for (int length = 1; length <= 16; length++)
        {
            byte[] written = new SafeTensorsWriter().Add(new string('x', length), new float[] { 1 }, 1).ToArray();
            ulong headerLength = BitConverter.ToUInt64(written, 0);

            Assert.Equal(0UL, headerLength % 8);
            string header = Encoding.UTF8.GetString(written, 8, (int)headerLength);
            Assert.EndsWith("}", header.TrimEnd(' '));
            Assert.True(header.Length - header.TrimEnd(' ').Length < 8);
            Assert.Equal(8 + (int)headerLength + 4, written.Length);
        }
    }
}
