using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace NetDsl.Serialization.Tests;

/// <summary>
/// Builds safetensors files by hand, straight from the specification: 8 bytes of little-endian header length N, N
/// bytes of UTF-8 JSON header (padded with spaces to a multiple of 8 when asked), then the data buffer.
/// Independent of the code under test on purpose.
/// </summary>
internal static class SafeTensorsBytes
{
    /// <summary>JSON written with single quotes, for readability: every <c>'</c> becomes <c>"</c>.</summary>
    public static string Q(string singleQuoted) => singleQuoted.Replace('\'', '"');

    /// <summary>A file with the header padded with spaces to a multiple of 8 bytes.</summary>
    public static byte[] File(string header, params byte[][] data)
    {
        byte[] json = Encoding.UTF8.GetBytes(header);
        int padding = (8 - (json.Length % 8)) % 8;
        return Raw(json.Concat(Enumerable.Repeat((byte)' ', padding)).ToArray(), data);
    }

    /// <summary>A file with the header exactly as given (no padding).</summary>
    public static byte[] Unpadded(string header, params byte[][] data) => Raw(Encoding.UTF8.GetBytes(header), data);

    /// <summary>A file with arbitrary header bytes.</summary>
    public static byte[] Raw(byte[] header, params byte[][] data) =>
        Concat([LengthPrefix((ulong)header.Length), header, .. data]);

    /// <summary>The 8-byte little-endian header length.</summary>
    public static byte[] LengthPrefix(ulong length)
    {
        byte[] bytes = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, length);
        return bytes;
    }

    public static byte[] F32(params float[] values)
    {
        byte[] bytes = new byte[4 * values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(4 * i), values[i]);
        }

        return bytes;
    }

    public static byte[] F64(params double[] values)
    {
        byte[] bytes = new byte[8 * values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(8 * i), values[i]);
        }

        return bytes;
    }

    /// <summary>16-bit values (F16 or BF16 bit patterns), little-endian.</summary>
    public static byte[] U16(params ushort[] values)
    {
        byte[] bytes = new byte[2 * values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(2 * i), values[i]);
        }

        return bytes;
    }

    public static byte[] I64(params long[] values)
    {
        byte[] bytes = new byte[8 * values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(8 * i), values[i]);
        }

        return bytes;
    }

    public static byte[] Concat(IEnumerable<byte[]> parts) => parts.SelectMany(p => p).ToArray();
}
