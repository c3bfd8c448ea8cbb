using System;
using NetDsl.Onnx.Protobuf;
using Xunit;

namespace NetDsl.Onnx.Tests;

/// <summary>The protobuf writer against bytes worked out by hand from the wire-format specification.</summary>
public sealed class ProtoWriterTests
{
    [Theory]
    [InlineData(0UL, new byte[] { 0x00 })]
    [InlineData(1UL, new byte[] { 0x01 })]
    [InlineData(127UL, new byte[] { 0x7F })]
    [InlineData(128UL, new byte[] { 0x80, 0x01 })]
    [InlineData(150UL, new byte[] { 0x96, 0x01 })]
    [InlineData(300UL, new byte[] { 0xAC, 0x02 })]
    [InlineData(16383UL, new byte[] { 0xFF, 0x7F })]
    [InlineData(16384UL, new byte[] { 0x80, 0x80, 0x01 })]
    [InlineData(4294967295UL, new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0x0F })]
    [InlineData(9223372036854775807UL, new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F })]
    [InlineData(18446744073709551615UL, new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 })]
    public void VarintsAreLittleEndianBase128(ulong value, byte[] expected)
    {
        var writer = new ProtoWriter();
        writer.WriteVarint(value);
        Assert.Equal(expected, writer.ToArray());
        Assert.Equal(expected.Length, ProtoWriter.VarintSize(value));
    }

    [Theory]
    [InlineData(-1L, new byte[] { 0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 })]
    [InlineData(-2L, new byte[] { 0x08, 0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 })]
    [InlineData(long.MinValue, new byte[] { 0x08, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01 })]
    [InlineData(8L, new byte[] { 0x08, 0x08 })]
    public void NegativeInt64sAreSignExtendedToTenBytes(long value, byte[] expected)
    {
        var writer = new ProtoWriter();
        writer.WriteInt64(1, value);
        Assert.Equal(expected, writer.ToArray());
    }

    [Theory]
    [InlineData(1, 0, new byte[] { 0x08 })]
    [InlineData(2, 2, new byte[] { 0x12 })]
    [InlineData(2, 5, new byte[] { 0x15 })]
    [InlineData(15, 2, new byte[] { 0x7A })]
    [InlineData(16, 0, new byte[] { 0x80, 0x01 })]
    [InlineData(20, 0, new byte[] { 0xA0, 0x01 })]
    [InlineData(536870911, 1, new byte[] { 0xF9, 0xFF, 0xFF, 0xFF, 0x0F })]
    public void TagsCombineFieldAndWireType(int field, int wireType, byte[] expected)
    {
        var writer = new ProtoWriter();
        writer.WriteTag(field, (WireType)wireType);
        Assert.Equal(expected, writer.ToArray());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(536870912)]
    public void FieldNumbersOutOfRangeAreRefused(int field) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new ProtoWriter().WriteTag(field, WireType.Varint));

    [Fact]
    public void FloatsAreFixed32LittleEndian()
    {
        var writer = new ProtoWriter();
        writer.WriteFloat(2, 1f);
        writer.WriteFloat(2, -2.5f);
        writer.WriteFloat(2, 0.01f);
        Assert.Equal(new byte[] { 0x15, 0x00, 0x00, 0x80, 0x3F, 0x15, 0x00, 0x00, 0x20, 0xC0, 0x15, 0x0A, 0xD7, 0x23, 0x3C }, writer.ToArray());
    }

    [Fact]
    public void StringsAreLengthPrefixedUtf8()
    {
        var writer = new ProtoWriter();
        writer.WriteString(1, "ab");
        writer.WriteString(4, "");
        writer.WriteString(2, "é€");
        Assert.Equal(new byte[] { 0x0A, 0x02, 0x61, 0x62, 0x22, 0x00, 0x12, 0x05, 0xC3, 0xA9, 0xE2, 0x82, 0xAC }, writer.ToArray());
    }

    [Fact]
    public void LongPayloadsHaveMultiByteLengths()
    {
        var writer = new ProtoWriter(16);
        byte[] payload = new byte[200];
        payload.AsSpan().Fill(0x5A);
        writer.WriteBytes(9, payload);
        byte[] bytes = writer.ToArray();
        Assert.Equal(203, bytes.Length);
        Assert.Equal(new byte[] { 0x4A, 0xC8, 0x01 }, bytes[..3]);
        Assert.All(bytes[3..], b => Assert.Equal(0x5A, b));
    }

    [Fact]
    public void PackedInt64sAreOneLengthDelimitedRunOfVarints()
    {
        var writer = new ProtoWriter();
        writer.WritePackedInt64(8, [1, 300, -1]);
        Assert.Equal(
            new byte[] { 0x42, 0x0D, 0x01, 0xAC, 0x02, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 },
            writer.ToArray());
    }

    [Fact]
    public void AnEmptyPackedFieldIsLeftOut()
    {
        var writer = new ProtoWriter();
        writer.WritePackedInt64(1, []);
        Assert.Equal(0, writer.Length);
    }

    [Fact]
    public void EmbeddedMessagesAreLengthPrefixed()
    {
        var inner = new ProtoWriter();
        inner.WriteInt64(1, 150);
        var outer = new ProtoWriter();
        outer.WriteMessage(3, inner);
        Assert.Equal(new byte[] { 0x1A, 0x03, 0x08, 0x96, 0x01 }, outer.ToArray());
    }
}
