using System;
using System.Buffers.Binary;
using System.IO;
using System.Linq;
using Xunit;

namespace NetDsl.Training.Tests;

public class IdxLoaderTests
{
    /// <summary>An IDX file built byte by byte: magic (0, 0, type, dimensions), big-endian sizes, then the payload.</summary>
    private static byte[] Idx(byte type, int[] shape, byte[] payload)
    {
        byte[] bytes = new byte[4 + 4 * shape.Length + payload.Length];
        bytes[2] = type;
        bytes[3] = (byte)shape.Length;
        for (int d = 0; d < shape.Length; d++)
        {
            BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * d), shape[d]);
        }

        payload.CopyTo(bytes, 4 + 4 * shape.Length);
        return bytes;
    }

    private static byte[] Images(int count) => Idx(0x08, [count, 2, 3], Enumerable.Range(0, count * 6).Select(i => (byte)(i * 10)).ToArray());

    private static byte[] Labels(params byte[] labels) => Idx(0x08, [labels.Length], labels);

    [Fact]
    public void Loads_an_MNIST_style_pair_as_a_classification_dataset()
    {
        using var folder = new TempDirectory();
        string images = folder.Write("images-idx3-ubyte", Images(3));
        string labels = folder.Write("labels-idx1-ubyte", Labels(7, 0, 9));
        Dataset data = IdxLoader.Load(images, labels);
        Assert.Equal(3, data.Count);
        Assert.Equal(6, data.FeatureCount);
        Assert.Equal(10, data.ClassCount);
        Assert.Equal([60f, 70f, 80f, 90f, 100f, 110f], data.GetFeatures(1).ToArray());
        Assert.Equal([7f, 0f, 9f], data.Targets.ToArray());
        Assert.Equal(0x00000803, BinaryPrimitives.ReadInt32BigEndian(Images(1)));
        Assert.Equal(IdxLoader.ImagesMagic, BinaryPrimitives.ReadInt32BigEndian(Images(1)));
    }

    [Fact]
    public void Reads_gzip_transparently()
    {
        using var folder = new TempDirectory();
        string images = folder.WriteGzip("images.gz", Images(2));
        string labels = folder.WriteGzip("labels.gz", Labels(1, 2));
        Dataset data = IdxLoader.Load(images, labels, classCount: 3);
        Assert.Equal(3, data.ClassCount);
        Assert.Equal(110f, data.GetFeatures(1)[^1]);
    }

    [Fact]
    public void Reads_every_element_type_big_endian()
    {
        byte[] shorts = new byte[4];
        BinaryPrimitives.WriteInt16BigEndian(shorts, -300);
        BinaryPrimitives.WriteInt16BigEndian(shorts.AsSpan(2), 1234);
        Assert.Equal([-300f, 1234f], IdxLoader.Read(new MemoryStream(Idx(0x0B, [2], shorts)), "shorts").Values.ToArray());

        byte[] floats = new byte[8];
        BinaryPrimitives.WriteSingleBigEndian(floats, 1.5f);
        BinaryPrimitives.WriteSingleBigEndian(floats.AsSpan(4), -2.25f);
        IdxArray array = IdxLoader.Read(new MemoryStream(Idx(0x0D, [1, 2], floats)), "floats");
        Assert.Equal(IdxDataType.Single, array.DataType);
        Assert.Equal([1, 2], array.Shape.ToArray());
        Assert.Equal([1.5f, -2.25f], array.Values.ToArray());

        byte[] doubles = new byte[8];
        BinaryPrimitives.WriteDoubleBigEndian(doubles, -0.125);
        Assert.Equal([-0.125f], IdxLoader.Read(new MemoryStream(Idx(0x0E, [1], doubles)), "doubles").Values.ToArray());
        Assert.Equal([-1f, 127f], IdxLoader.Read(new MemoryStream(Idx(0x09, [2], [0xFF, 0x7F])), "sbytes").Values.ToArray());
        byte[] ints = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(ints, 70000);
        Assert.Equal([70000f], IdxLoader.Read(new MemoryStream(Idx(0x0C, [1], ints)), "ints").Values.ToArray());
    }

    [Fact]
    public void A_wrong_magic_number_is_reported_at_offset_0()
    {
        using var folder = new TempDirectory();
        byte[] bytes = Images(1);
        bytes[0] = 0x12;
        string path = folder.Write("bad-magic", bytes);
        var error = Assert.Throws<DataFormatException>(() => IdxLoader.Read(path));
        Assert.Equal(0, error.ByteOffset);
        Assert.StartsWith(path + ", byte offset 0: Expected an IDX magic number starting with two zero bytes", error.Message);
        Assert.Contains("but found 0x12000803", error.Message);
    }

    [Fact]
    public void An_unknown_type_code_is_reported_at_offset_2()
    {
        byte[] bytes = Images(1);
        bytes[2] = 0x07;
        var error = Assert.Throws<DataFormatException>(() => IdxLoader.Read(new MemoryStream(bytes), "odd-type"));
        Assert.Equal("odd-type, byte offset 2: Expected an IDX type code (0x08, 0x09, 0x0B, 0x0C, 0x0D or 0x0E), but found 0x07.", error.Message);
    }

    [Fact]
    public void A_truncated_header_is_reported_where_it_ends()
    {
        byte[] bytes = Images(1).AsSpan(0, 10).ToArray();
        var error = Assert.Throws<DataFormatException>(() => IdxLoader.Read(new MemoryStream(bytes), "short-header"));
        Assert.Equal(10, error.ByteOffset);
        Assert.Contains("Expected 4 bytes of dimension 1 of 3 at byte offset 8, but the file is truncated: it ends after 2.", error.Message);
    }

    [Fact]
    public void Truncated_data_is_reported_with_the_expected_and_actual_length()
    {
        using var folder = new TempDirectory();
        byte[] bytes = Images(2);
        string path = folder.WriteGzip("truncated.gz", bytes.AsSpan(0, bytes.Length - 5).ToArray());
        var error = Assert.Throws<DataFormatException>(() => IdxLoader.Read(path));
        Assert.Equal(16 + 7, error.ByteOffset);
        Assert.Contains("Expected 12 bytes of data after the 16-byte header (2 x 2 x 3 values of 1 byte(s)), but the file is truncated: it ends after 7.", error.Message);
    }

    [Fact]
    public void Bytes_after_the_declared_data_are_an_error()
    {
        byte[] bytes = [.. Labels(1, 2), 9];
        var error = Assert.Throws<DataFormatException>(() => IdxLoader.Read(new MemoryStream(bytes), "long"));
        Assert.Equal(10, error.ByteOffset);
        Assert.Contains("Expected the file to end after 2 bytes of data", error.Message);
    }

    [Fact]
    public void Images_and_labels_must_match()
    {
        var count = Assert.Throws<DataFormatException>(() => IdxLoader.Load(new MemoryStream(Images(3)), "images", new MemoryStream(Labels(1, 2)), "labels"));
        Assert.Equal("labels: Expected one label per image of 'images' (3), but the file has 2 labels.", count.Message);
        var dimensions = Assert.Throws<DataFormatException>(() => IdxLoader.Load(new MemoryStream(Labels(1, 2)), "images", new MemoryStream(Labels(1, 2)), "labels"));
        Assert.Contains("Expected images of at least 2 dimensions", dimensions.Message);
        var range = Assert.Throws<DataFormatException>(() => IdxLoader.Load(new MemoryStream(Images(2)), "images", new MemoryStream(Labels(1, 5)), "labels", classCount: 3));
        Assert.Equal("labels, byte offset 9: Expected a label 0 to 2, but label 1 is 5.", range.Message);
    }

    [Fact]
    public void A_zero_dimension_header_is_rejected()
    {
        var error = Assert.Throws<DataFormatException>(() => IdxLoader.Read(new MemoryStream([0, 0, 8, 0]), "flat"));
        Assert.Contains("byte offset 3: Expected at least one dimension", error.Message);
    }
}
