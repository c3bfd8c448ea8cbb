using System;
using System.Text;
using NetDsl.Onnx.Model;
using NetDsl.Onnx.Protobuf;
using Xunit;

namespace NetDsl.Onnx.Tests;

/// <summary>The ONNX messages against bytes worked out by hand from <c>onnx.proto3</c>'s field numbers.</summary>
public sealed class OnnxEncoderTests
{
    [Fact]
    public void ATinyFloatTensor()
    {
        OnnxTensor tensor = OnnxTensor.Floats("w", [2], [1f, -2f]);
        byte[] expected =
        [
            0x0A, 0x01, 0x02,                     // dims (1), packed: [2]
            0x10, 0x01,                           // data_type (2) = FLOAT
            0x42, 0x01, 0x77,                     // name (8) = "w"
            0x4A, 0x08,                           // raw_data (9), 8 bytes:
            0x00, 0x00, 0x80, 0x3F,               //   1.0f little-endian
            0x00, 0x00, 0x00, 0xC0,               //   -2.0f
        ];
        Assert.Equal(expected, OnnxEncoder.Tensor(tensor).ToArray());
    }

    [Fact]
    public void AnInt64ScalarAndAMatrix()
    {
        Assert.Equal(
            new byte[] { 0x10, 0x07, 0x42, 0x01, 0x73, 0x4A, 0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF },
            OnnxEncoder.Tensor(OnnxTensor.Int64s("s", [], [-1])).ToArray());
        byte[] matrix = OnnxEncoder.Tensor(OnnxTensor.Floats("m", [2, 3], new float[6])).ToArray();
        Assert.Equal(new byte[] { 0x0A, 0x02, 0x02, 0x03, 0x10, 0x01, 0x42, 0x01, 0x6D, 0x4A, 0x18 }, matrix[..11]);
        Assert.Equal(11 + 24, matrix.Length);
    }

    [Fact]
    public void TensorsCheckTheirElementCount() =>
        Assert.Throws<ArgumentException>(() => OnnxTensor.Floats("w", [2, 2], [1f, 2f, 3f]));

    [Fact]
    public void IntFloatAndIntListAttributesCarryTheirType()
    {
        Assert.Equal(
            Concat(new byte[] { 0x0A, 0x06 }, "transB", new byte[] { 0x18, 0x01, 0xA0, 0x01, 0x02 }),
            OnnxEncoder.Attribute(OnnxAttribute.Int("transB", 1)).ToArray());
        Assert.Equal(
            Concat(new byte[] { 0x0A, 0x05 }, "alpha", new byte[] { 0x15, 0x00, 0x00, 0x00, 0x3F, 0xA0, 0x01, 0x01 }),
            OnnxEncoder.Attribute(OnnxAttribute.Float("alpha", 0.5f)).ToArray());
        Assert.Equal(
            Concat(new byte[] { 0x0A, 0x04 }, "pads", new byte[] { 0x42, 0x02, 0x01, 0x00, 0xA0, 0x01, 0x07 }),
            OnnxEncoder.Attribute(OnnxAttribute.Ints("pads", 1, 0)).ToArray());
    }

    [Fact]
    public void AValueWithASymbolicBatchDimension()
    {
        var value = new OnnxValueInfo("x", OnnxFields.DataType.Float, [OnnxDimension.Symbolic("N"), OnnxDimension.Fixed(3)]);
        byte[] expected =
        [
            0x0A, 0x01, 0x78,                     // name (1) = "x"
            0x12, 0x0F,                           // type (2): TypeProto, 15 bytes
            0x0A, 0x0D,                           //   tensor_type (1): 13 bytes
            0x08, 0x01,                           //     elem_type (1) = FLOAT
            0x12, 0x09,                           //     shape (2): 9 bytes
            0x0A, 0x03, 0x12, 0x01, 0x4E,         //       dim (1) { dim_param (2) = "N" }
            0x0A, 0x02, 0x08, 0x03,               //       dim (1) { dim_value (1) = 3 }
        ];
        Assert.Equal(expected, OnnxEncoder.ValueInfo(value).ToArray());
    }

    [Fact]
    public void ANode()
    {
        var node = new OnnxNode("Relu", "/r/Relu", ["x"], ["y"], []);
        Assert.Equal(
            Concat(new byte[] { 0x0A, 0x01, 0x78, 0x12, 0x01, 0x79, 0x1A, 0x07 }, "/r/Relu", new byte[] { 0x22, 0x04 }, "Relu", new byte[] { 0x3A, 0x00 }),
            OnnxEncoder.Node(node).ToArray());
    }

    [Fact]
    public void AModelHeader()
    {
        var model = new OnnxModel(8, 17, "P", "1", new OnnxGraph("g"));
        model.Metadata.Add(new("k", "v"));
        byte[] expected =
        [
            0x08, 0x08,                           // ir_version (1) = 8
            0x12, 0x01, 0x50,                     // producer_name (2) = "P"
            0x1A, 0x01, 0x31,                     // producer_version (3) = "1"
            0x3A, 0x03, 0x12, 0x01, 0x67,         // graph (7) { name (2) = "g" }
            0x42, 0x04, 0x0A, 0x00, 0x10, 0x11,   // opset_import (8) { domain (1) = "", version (2) = 17 }
            0x72, 0x06, 0x0A, 0x01, 0x6B, 0x12, 0x01, 0x76, // metadata_props (14) { key = "k", value = "v" }
        ];
        Assert.Equal(expected, OnnxEncoder.Encode(model));
    }

    private static byte[] Concat(params object[] parts)
    {
        var bytes = new System.Collections.Generic.List<byte>();
        foreach (object part in parts)
        {
            bytes.AddRange(part is string text ? Encoding.UTF8.GetBytes(text) : (byte[])part);
        }

        return bytes.ToArray();
    }
}
