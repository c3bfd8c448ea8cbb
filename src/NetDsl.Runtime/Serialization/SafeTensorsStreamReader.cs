using System;
using System.IO;
using NetDsl.Serialization;

namespace NetDsl;

/// <summary>
/// Reads a safetensors file from a stream, to its end: the header length, the header, then exactly the data the
/// header describes. It never trusts a length before checking it: buffers grow with the bytes that actually arrive
/// (or are sized from a seekable stream's length), so a damaged length cannot make it allocate gigabytes.
/// </summary>
internal static class SafeTensorsStreamReader
{
    // Buffers for streams of unknown length start at this size and double as bytes arrive.
    private const int InitialChunk = 1 << 16;

    // How many bytes after the data of a non-seekable stream are counted for the error message before giving up.
    private const long TrailingCountLimit = 1 << 20;

    /// <summary>Reads and validates the file; throws <see cref="SafeTensorsFormatException"/> for its problems.</summary>
    public static SafeTensorsHeader Read(Stream stream, out byte[] data)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanRead)
        {
            throw new ArgumentException("The stream cannot be read.", nameof(stream));
        }

        long? remaining = stream.CanSeek ? Math.Max(0, stream.Length - stream.Position) : null;

        Span<byte> prefix = stackalloc byte[SafeTensorsHeaderParser.LengthPrefixSize];
        int prefixRead = stream.ReadAtLeast(prefix, prefix.Length, throwOnEndOfStream: false);
        int headerLength = SafeTensorsHeaderParser.ReadHeaderLength(prefix[..prefixRead], remaining - SafeTensorsHeaderParser.LengthPrefixSize);

        byte[] headerBytes = ReadBlock(stream, headerLength, known: remaining.HasValue, out int headerRead);
        if (headerRead < headerLength)
        {
            throw new SafeTensorsFormatException(
                WeightFileError.Truncated,
                "The header is " + SafeTensorsText.Bytes(headerLength) + " long, but only " + SafeTensorsText.Bytes(headerRead)
                + " follow the 8-byte header length: the file is truncated.");
        }

        SafeTensorsHeader header = SafeTensorsHeaderParser.Parse(headerBytes);
        long? afterHeader = remaining - SafeTensorsHeaderParser.LengthPrefixSize - headerLength;
        if (afterHeader is long known)
        {
            SafeTensorsHeaderParser.CheckDataLength(header, known);
        }

        // The parser refuses tensors that end beyond int.MaxValue, so the data length fits an array.
        data = ReadBlock(stream, (int)header.DataLength, known: remaining.HasValue, out int dataRead);
        if (dataRead < header.DataLength)
        {
            SafeTensorsHeaderParser.CheckDataLength(header, dataRead);
        }

        if (!remaining.HasValue && stream.ReadByte() >= 0)
        {
            // One byte too many is enough to know; count the rest for the message, up to a limit (the stream may not end).
            long extra = 1;
            Span<byte> sink = stackalloc byte[4096];
            int read;
            while (extra <= TrailingCountLimit && (read = stream.Read(sink)) > 0)
            {
                extra += read;
            }

            if (extra > TrailingCountLimit)
            {
                throw new SafeTensorsFormatException(
                    WeightFileError.TrailingBytes,
                    "The stream has more than " + SafeTensorsText.Bytes(TrailingCountLimit) + " after the end of the last tensor's data (byte "
                    + SafeTensorsText.Number(header.DataLength) + " of the data buffer); safetensors requires the tensors to cover the data buffer exactly.");
            }

            SafeTensorsHeaderParser.CheckDataLength(header, header.DataLength + extra);
        }

        return header;
    }

    // Reads up to count bytes: the whole count at once when the stream's length vouches for it, otherwise in a buffer
    // that doubles as data arrives. Returns the buffer trimmed to what was read.
    private static byte[] ReadBlock(Stream stream, int count, bool known, out int read)
    {
        if (count == 0)
        {
            read = 0;
            return [];
        }

        byte[] buffer = new byte[known ? count : Math.Min(count, InitialChunk)];
        read = 0;
        while (read < count)
        {
            if (read == buffer.Length)
            {
                Array.Resize(ref buffer, (int)Math.Min((long)buffer.Length * 2, count));
            }

            int n = stream.Read(buffer, read, buffer.Length - read);
            if (n == 0)
            {
                Array.Resize(ref buffer, read);
                return buffer;
            }

            read += n;
        }

        return buffer;
    }
}
