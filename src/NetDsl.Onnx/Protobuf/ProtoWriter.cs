using System;
using System.Buffers.Binary;
using System.Text;

namespace NetDsl.Onnx.Protobuf;

/// <summary>
/// A minimal protobuf wire-format encoder: varints, fixed32 floats, length-delimited strings, bytes and embedded
/// messages, and packed repeated varints. Fields are written in the order of the calls; an embedded message is encoded
/// into its own writer first, so that its length is known when the parent writes it.
/// </summary>
/// <remarks>
/// Integers follow protobuf's <c>int32</c>/<c>int64</c> encoding: a negative value is sign-extended to 64 bits and
/// takes ten bytes. This writer is what lets NetDsl.Onnx avoid a protobuf library; it implements only what ONNX needs.
/// </remarks>
internal sealed class ProtoWriter
{
    private byte[] _buffer;
    private int _length;

    /// <summary>Creates an empty writer.</summary>
    public ProtoWriter(int capacity = 64) => _buffer = new byte[Math.Max(capacity, 16)];

    /// <summary>The number of bytes written so far.</summary>
    public int Length => _length;

    /// <summary>The bytes written so far.</summary>
    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _length);

    /// <summary>A copy of the bytes written so far.</summary>
    public byte[] ToArray() => WrittenSpan.ToArray();

    /// <summary>The number of bytes the varint encoding of <paramref name="value"/> takes (1 to 10).</summary>
    public static int VarintSize(ulong value)
    {
        int size = 1;
        while (value >= 0x80)
        {
            value >>= 7;
            size++;
        }

        return size;
    }

    /// <summary>Writes a field's tag: <c>(field &lt;&lt; 3) | wireType</c> as a varint.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The field number is not in protobuf's range 1 to 2^29 - 1.</exception>
    public void WriteTag(int field, WireType wireType)
    {
        if (field < 1 || field > 0x1FFF_FFFF)
        {
            throw new ArgumentOutOfRangeException(nameof(field), field, "Protobuf field numbers are between 1 and 2^29 - 1.");
        }

        WriteVarint(((ulong)(uint)field << 3) | (uint)wireType);
    }

    /// <summary>Writes <paramref name="value"/> as a base-128 varint, least significant group first.</summary>
    public void WriteVarint(ulong value)
    {
        Reserve(10);
        while (value >= 0x80)
        {
            _buffer[_length++] = (byte)(value | 0x80);
            value >>= 7;
        }

        _buffer[_length++] = (byte)value;
    }

    /// <summary>Writes an <c>int64</c> (or <c>int32</c>, or enum) field; negative values take ten bytes.</summary>
    public void WriteInt64(int field, long value)
    {
        WriteTag(field, WireType.Varint);
        WriteVarint((ulong)value);
    }

    /// <summary>Writes a <c>float</c> field: four little-endian bytes of the IEEE 754 single.</summary>
    public void WriteFloat(int field, float value)
    {
        WriteTag(field, WireType.Fixed32);
        Reserve(4);
        BinaryPrimitives.WriteSingleLittleEndian(_buffer.AsSpan(_length, 4), value);
        _length += 4;
    }

    /// <summary>Writes a <c>string</c> field as UTF-8.</summary>
    public void WriteString(int field, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        int byteCount = Encoding.UTF8.GetByteCount(value);
        WriteTag(field, WireType.LengthDelimited);
        WriteVarint((ulong)byteCount);
        Reserve(byteCount);
        _length += Encoding.UTF8.GetBytes(value, _buffer.AsSpan(_length, byteCount));
    }

    /// <summary>Writes a <c>bytes</c> field.</summary>
    public void WriteBytes(int field, ReadOnlySpan<byte> value)
    {
        WriteTag(field, WireType.LengthDelimited);
        WriteVarint((ulong)value.Length);
        Reserve(value.Length);
        value.CopyTo(_buffer.AsSpan(_length));
        _length += value.Length;
    }

    /// <summary>Writes an embedded message: the bytes another writer produced, length-delimited.</summary>
    public void WriteMessage(int field, ProtoWriter message)
    {
        ArgumentNullException.ThrowIfNull(message);
        WriteBytes(field, message.WrittenSpan);
    }

    /// <summary>Writes a packed repeated <c>int64</c> field: one length-delimited run of varints. Nothing for no values.</summary>
    public void WritePackedInt64(int field, ReadOnlySpan<long> values)
    {
        if (values.IsEmpty)
        {
            return;
        }

        int payload = 0;
        foreach (long value in values)
        {
            payload += VarintSize((ulong)value);
        }

        WriteTag(field, WireType.LengthDelimited);
        WriteVarint((ulong)payload);
        foreach (long value in values)
        {
            WriteVarint((ulong)value);
        }
    }

    private void Reserve(int count)
    {
        if (_buffer.Length - _length >= count)
        {
            return;
        }

        long wanted = Math.Max((long)_buffer.Length * 2, (long)_length + count);
        if (wanted > Array.MaxLength)
        {
            wanted = (long)_length + count <= Array.MaxLength
                ? Array.MaxLength
                : throw new InvalidOperationException("The encoded ONNX model would exceed the largest array .NET can allocate (protobuf messages are limited to 2 GiB).");
        }

        Array.Resize(ref _buffer, (int)wanted);
    }
}
