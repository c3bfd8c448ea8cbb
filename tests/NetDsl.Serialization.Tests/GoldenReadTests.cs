using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using Xunit;

namespace NetDsl.Serialization.Tests;

// Files written by hand from the safetensors specification, read with the low-level reader.
public class GoldenReadTests
{
    // N = 8: "{}" and six spaces of padding; no data.
    internal static readonly byte[] EmptyFile =
    [
        0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        (byte)'{', (byte)'}', 0x20, 0x20, 0x20, 0x20, 0x20, 0x20,
    ];

    // N = 56: a 54-byte header and two spaces; then 1.0f and -2.0f, little-endian.
    internal static readonly byte[] OneTensorFile =
    [
        0x38, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        .. Encoding.ASCII.GetBytes("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}"),
        0x20, 0x20,
        0x00, 0x00, 0x80, 0x3F,
        0x00, 0x00, 0x00, 0xC0,
    ];

    [Fact]
    public void Empty_file_has_no_tensors_and_no_metadata()
    {
        SafeTensorsFile file = SafeTensorsFile.Read(EmptyFile);

        Assert.Empty(file.Tensors);
        Assert.Empty(file.Metadata);
        Assert.Equal(8, file.HeaderLength);
    }

    [Fact]
    public void Unpadded_and_whitespace_padded_headers_read_alike()
    {
        // The reference implementation accepts JSON whitespace around the object, before it as well as after.
        Assert.Empty(SafeTensorsFile.Read(SafeTensorsBytes.Unpadded("{}")).Tensors);
        Assert.Empty(SafeTensorsFile.Read(SafeTensorsBytes.Unpadded("{}\r \t\n")).Tensors);
        Assert.Empty(SafeTensorsFile.Read(SafeTensorsBytes.Unpadded("\t\n{}\r ")).Tensors);
        Assert.Empty(SafeTensorsFile.Read(SafeTensorsBytes.Unpadded("{ }")).Tensors);
    }

    [Fact]
    public void One_tensor()
    {
        SafeTensorsFile file = SafeTensorsFile.Read(OneTensorFile);

        SafeTensorsEntry w = Assert.Single(file.Tensors);
        Assert.Equal("w", w.Name);
        Assert.Equal("F32", w.Dtype);
        Assert.Equal([2], w.Shape.ToArray());
        Assert.Equal("[2]", w.ShapeText);
        Assert.Equal(2, w.ElementCount);
        Assert.Equal(0, w.DataBegin);
        Assert.Equal(8, w.DataEnd);
        Assert.True(w.IsFloat32Convertible);
        Assert.Equal([1f, -2f], file.GetFloat32("w"));
        Assert.Equal([0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0xC0], file.GetRawData("w").ToArray());
        Assert.Empty(file.Metadata);
    }

    [Fact]
    public void Several_tensors_with_metadata_in_any_header_order()
    {
        // Listed out of data order, as some writers do; the reader orders the tensors by their data.
        byte[] bytes = SafeTensorsBytes.File(
            """{"b":{"dtype":"F32","shape":[2,2],"data_offsets":[8,24]},"__metadata__":{"format":"pt","note":"hand-made"},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}""",
            SafeTensorsBytes.F32(10, 20),
            SafeTensorsBytes.F32(1, 2, 3, 4));

        SafeTensorsFile file = SafeTensorsFile.Read(bytes);

        Assert.Equal(["a", "b"], file.Tensors.Select(t => t.Name));
        Assert.Equal([2, 2], file.GetTensor("b").Shape.ToArray());
        Assert.Equal([10f, 20f], file.GetFloat32("a"));
        Assert.Equal([1f, 2f, 3f, 4f], file.GetFloat32("b"));
        Assert.Equal(new Dictionary<string, string> { ["format"] = "pt", ["note"] = "hand-made" }, file.Metadata);
    }

    [Fact]
    public void Scalars_and_empty_tensors_are_valid()
    {
        // Shape [] is a scalar of one element; a zero dimension stores no bytes (data_offsets [x, x]).
        byte[] bytes = SafeTensorsBytes.File(
            """{"scalar":{"dtype":"F32","shape":[],"data_offsets":[0,4]},"empty":{"dtype":"F32","shape":[2,0],"data_offsets":[4,4]}}""",
            SafeTensorsBytes.F32(7));

        SafeTensorsFile file = SafeTensorsFile.Read(bytes);

        Assert.Equal([7f], file.GetFloat32("scalar"));
        Assert.Equal("[]", file.GetTensor("scalar").ShapeText);
        Assert.Empty(file.GetFloat32("empty"));
        Assert.Equal(0, file.GetTensor("empty").ElementCount);
    }

    [Fact]
    public void Other_dtypes_are_read_but_not_converted()
    {
        byte[] bytes = SafeTensorsBytes.File(
            """{"steps":{"dtype":"I64","shape":[],"data_offsets":[0,8]},"mask":{"dtype":"BOOL","shape":[3],"data_offsets":[8,11]}}""",
            SafeTensorsBytes.I64(42),
            [1, 0, 1]);

        SafeTensorsFile file = SafeTensorsFile.Read(bytes);

        Assert.Equal("I64", file.GetTensor("steps").Dtype);
        Assert.False(file.GetTensor("steps").IsFloat32Convertible);
        Assert.Equal(42, BitConverter.ToInt64(file.GetRawData("steps")));
        Assert.Equal([1, 0, 1], file.GetRawData("mask").ToArray());
        WeightFileException error = Assert.Throws<WeightFileException>(() => file.GetFloat32("steps"));
        Assert.Equal(WeightFileError.UnsupportedDtype, error.Error);
        Assert.Equal("steps", error.TensorName);
        Assert.Contains("dtype I64", error.Message);
    }

    [Fact]
    public void F16_BF16_and_F64_tensors_convert_to_float32()
    {
        byte[] bytes = SafeTensorsBytes.File(
            """{"half":{"dtype":"F16","shape":[4],"data_offsets":[0,8]},"brain":{"dtype":"BF16","shape":[3],"data_offsets":[8,14]},"double":{"dtype":"F64","shape":[3],"data_offsets":[14,38]}}""",
            SafeTensorsBytes.U16(0x3C00, 0xC000, 0x3555, 0x0001), // 1, -2, 0.333251953125, 2^-24
            SafeTensorsBytes.U16(0x3F80, 0xC049, 0x7F80),         // 1, -3.140625, +infinity
            SafeTensorsBytes.F64(0.1, -1e-50, 3.0));

        SafeTensorsFile file = SafeTensorsFile.Read(bytes);

        Assert.Equal([1f, -2f, 0.333251953125f, MathF.Pow(2, -24)], file.GetFloat32("half"));
        Assert.Equal([1f, -3.140625f, float.PositiveInfinity], file.GetFloat32("brain"));
        float[] narrowed = file.GetFloat32("double");
        Assert.Equal([0.1f, 3f], [narrowed[0], narrowed[2]]);
        Assert.Equal(BitConverter.SingleToInt32Bits(-0f), BitConverter.SingleToInt32Bits(narrowed[1])); // underflows to -0
    }

    [Fact]
    public void CopyFloat32_checks_the_destination()
    {
        SafeTensorsFile file = SafeTensorsFile.Read(OneTensorFile);
        float[] destination = new float[2];

        file.CopyFloat32("w", destination);

        Assert.Equal([1f, -2f], destination);
        ArgumentException error = Assert.Throws<ArgumentException>(() => file.CopyFloat32("w", new float[3]));
        Assert.Contains("Tensor 'w' has shape [2] (2 elements), but the destination holds 3 floats.", error.Message);
    }

    [Fact]
    public void Unknown_tensor_names_are_reported_with_the_names_present()
    {
        SafeTensorsFile file = SafeTensorsFile.Read(OneTensorFile);

        Assert.True(file.Contains("w"));
        Assert.False(file.Contains("x"));
        Assert.False(file.TryGetTensor("x", out _));
        Assert.True(file.TryGetTensor("w", out SafeTensorsEntry? w));
        Assert.Equal("w", w.Name);
        KeyNotFoundException error = Assert.Throws<KeyNotFoundException>(() => file.GetTensor("x"));
        Assert.Equal("The file has no tensor 'x'. Its tensors: 'w'.", error.Message);
    }

    [Fact]
    public void Reads_from_streams_and_paths()
    {
        using var directory = new TempDirectory();
        string path = directory.File("one.safetensors");
        System.IO.File.WriteAllBytes(path, OneTensorFile);

        Assert.Equal([1f, -2f], SafeTensorsFile.Read(path).GetFloat32("w"));
        Assert.Equal([1f, -2f], SafeTensorsFile.Read(new ChunkedStream(OneTensorFile, chunk: 3)).GetFloat32("w"));
        Assert.Equal([1f, -2f], SafeTensorsFile.Read(new System.IO.MemoryStream(OneTensorFile)).GetFloat32("w"));
    }
}
