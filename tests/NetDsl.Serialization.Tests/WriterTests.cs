using System;
using System.IO;
using Xunit;

namespace NetDsl.Serialization.Tests;

// The low-level writer and NamedTensor check their arguments; what they accept, the reader reads back.
public class WriterTests
{
    [Fact]
    public void Names_must_be_unique_non_empty_valid_Unicode_and_not_the_metadata_key()
    {
        var writer = new SafeTensorsWriter().Add("a", new float[] { 1 }, 1);

        Assert.Equal("A tensor named 'a' was already added; safetensors forbids duplicate names. (Parameter 'tensor')", Assert.Throws<ArgumentException>(() => writer.Add("a", new float[] { 1 }, 1)).Message);
        Assert.Throws<ArgumentException>(() => writer.Add("", new float[] { 1 }, 1));
        Assert.Throws<ArgumentNullException>(() => writer.Add(null!, new float[] { 1 }, 1));
        Assert.Contains("'__metadata__' is the header's metadata key", Assert.Throws<ArgumentException>(() => writer.Add("__metadata__", new float[] { 1 }, 1)).Message);
        Assert.Contains("unpaired surrogate", Assert.Throws<ArgumentException>(() => writer.Add("bad\uD800", new float[] { 1 }, 1)).Message);
        Assert.Contains("unpaired surrogate", Assert.Throws<ArgumentException>(() => writer.SetMetadata("k", "\uDC00")).Message);
        Assert.Equal(1, writer.Count);
    }

    [Fact]
    public void Values_must_fill_the_shape()
    {
        Assert.Equal(
            "Tensor 'w' has shape [2, 3], which holds 6 values, but 5 values were given. (Parameter 'values')",
            Assert.Throws<ArgumentException>(() => new NamedTensor("w", new float[5], 2, 3)).Message);
        Assert.Contains("must not be negative", Assert.Throws<ArgumentException>(() => new NamedTensor("w", new float[0], -1)).Message);
        Assert.Contains("more than 2147483647 elements", Assert.Throws<ArgumentException>(() => new NamedTensor("w", new float[1], 65536, 65536)).Message);
        Assert.Equal(0, new NamedTensor("w", new float[0], 0, 65536, 65536).Length);
    }

    [Fact]
    public void Scalars_and_empty_tensors_round_trip()
    {
        byte[] written = new SafeTensorsWriter()
            .Add("scalar", new float[] { 3.5f })
            .Add("empty", ReadOnlyMemory<float>.Empty, 3, 0)
            .ToArray();

        SafeTensorsFile file = SafeTensorsFile.Read(written);

        Assert.Equal("[]", file.GetTensor("scalar").ShapeText);
        Assert.Equal([3.5f], file.GetFloat32("scalar"));
        Assert.Equal("[3, 0]", file.GetTensor("empty").ShapeText);
        Assert.Equal(file.GetTensor("empty").DataBegin, file.GetTensor("empty").DataEnd);
    }

    [Fact]
    public void WriteTo_writes_what_ToArray_returns_and_refuses_unwritable_streams()
    {
        var writer = new SafeTensorsWriter().Add("w", new float[] { 1, 2, 3 }, 3).SetMetadata("m", "v");
        var stream = new MemoryStream();

        writer.WriteTo(stream);

        Assert.Equal(writer.ToArray(), stream.ToArray());
        Assert.Throws<ArgumentException>(() => writer.WriteTo(new MemoryStream([], writable: false)));
        Assert.Throws<ArgumentNullException>(() => writer.WriteTo(null!));
    }

    [Fact]
    public void Values_are_read_when_the_file_is_written()
    {
        float[] values = [1, 2];
        var writer = new SafeTensorsWriter().Add("w", values, 2);
        values[0] = 42;

        Assert.Equal([42f, 2f], SafeTensorsFile.Read(writer.ToArray()).GetFloat32("w"));
    }

    [Fact]
    public void A_network_save_is_a_snapshot_of_its_parameters()
    {
        // The file holds the parameters as they were when the save began, in one consistent state.
        var model = Models.Counting();
        byte[] file = model.SaveWeightsToArray();
        model.Parameters.Clear();

        Assert.Equal(Models.Bits(Models.Counting()), Models.Bits(WeightFile.Load<SeedNet>(file)));
    }
}
