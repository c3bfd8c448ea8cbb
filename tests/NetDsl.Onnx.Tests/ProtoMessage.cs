using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace NetDsl.Onnx.Tests;

/// <summary>
/// A minimal protobuf decoder for the tests, written independently of the exporter's writer: splits a message into
/// its fields, so that tests can check what an exported model contains. Throws on malformed input.
/// </summary>
internal sealed class ProtoMessage
{
    private readonly List<(int Field, int WireType, ulong Value, byte[] Bytes)> _fields = [];

    private ProtoMessage()
    {
    }

    /// <summary>Decodes one message.</summary>
    public static ProtoMessage Parse(ReadOnlySpan<byte> data)
    {
        var message = new ProtoMessage();
        int position = 0;
        while (position < data.Length)
        {
            ulong tag = ReadVarint(data, ref position);
            int field = (int)(tag >> 3);
            int wireType = (int)(tag & 7);
            if (field == 0)
            {
                throw new FormatException("Field number 0.");
            }

            switch (wireType)
            {
                case 0:
                    message._fields.Add((field, wireType, ReadVarint(data, ref position), []));
                    break;
                case 1:
                    message._fields.Add((field, wireType, BinaryPrimitives.ReadUInt64LittleEndian(data.Slice(position, 8)), []));
                    position += 8;
                    break;
                case 2:
                    int length = checked((int)ReadVarint(data, ref position));
                    message._fields.Add((field, wireType, 0, data.Slice(position, length).ToArray()));
                    position += length;
                    break;
                case 5:
                    message._fields.Add((field, wireType, BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(position, 4)), []));
                    position += 4;
                    break;
                default:
                    throw new FormatException($"Unexpected wire type {wireType} for field {field}.");
            }
        }

        return message;
    }

    /// <summary>The numbers of the fields present, in order.</summary>
    public IEnumerable<int> FieldNumbers => _fields.Select(f => f.Field);

    /// <summary>The embedded messages of a repeated message field.</summary>
    public IEnumerable<ProtoMessage> Messages(int field) => LengthDelimited(field).Select(b => Parse(b));

    /// <summary>The single embedded message of a field.</summary>
    public ProtoMessage Message(int field) => Parse(LengthDelimited(field).Single());

    /// <summary>The strings of a repeated string field.</summary>
    public IEnumerable<string> Strings(int field) => LengthDelimited(field).Select(b => Encoding.UTF8.GetString(b));

    /// <summary>The single string of a field, or "" when absent (proto3's default).</summary>
    public string String(int field) => Strings(field).SingleOrDefault() ?? "";

    /// <summary>The bytes of a field.</summary>
    public byte[] Bytes(int field) => LengthDelimited(field).Single();

    /// <summary>The int64 value of a varint field, or 0 when absent.</summary>
    public long Int(int field) => _fields.Where(f => f.Field == field && f.WireType == 0).Select(f => (long)f.Value).SingleOrDefault();

    /// <summary>The float value of a fixed32 field.</summary>
    public float Float(int field) => BitConverter.UInt32BitsToSingle((uint)_fields.Single(f => f.Field == field && f.WireType == 5).Value);

    /// <summary>The values of a repeated int64 field, packed or not.</summary>
    public long[] Ints(int field)
    {
        var values = new List<long>();
        foreach ((int f, int wireType, ulong value, byte[] bytes) in _fields.Where(f => f.Field == field))
        {
            if (wireType == 0)
            {
                values.Add((long)value);
                continue;
            }

            int position = 0;
            while (position < bytes.Length)
            {
                values.Add((long)ReadVarint(bytes, ref position));
            }
        }

        return values.ToArray();
    }

    private IEnumerable<byte[]> LengthDelimited(int field) => _fields.Where(f => f.Field == field && f.WireType == 2).Select(f => f.Bytes);

    private static ulong ReadVarint(ReadOnlySpan<byte> data, ref int position)
    {
        ulong value = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            byte b = data[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }

        throw new FormatException("Varint longer than ten bytes.");
    }
}
