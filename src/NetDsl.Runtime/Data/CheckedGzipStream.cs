using System;
using System.Buffers.Binary;
using System.IO;
using System.IO.Compression;

namespace NetDsl;

/// <summary>
/// Decompresses gzip content and checks that it ends where gzip says it ends. <see cref="GZipStream"/> reports a
/// stream cut anywhere before the end of its last member as a clean end of data (measured: every cut of a
/// <c>.csv.gz</c> loaded as a shorter file), so this stream computes the CRC-32 and length of what it returns and, at
/// the end, compares them with the trailer the file ends with (the CRC-32 and the size modulo 2^32 of the last
/// member, RFC 1952). A mismatch means the file was cut (or has bytes after its end): a <see cref="DataFormatException"/>
/// naming the file. Corrupt deflate data, which <see cref="GZipStream"/> reports as an
/// <see cref="InvalidDataException"/>, becomes a <see cref="DataFormatException"/> too. Every loader that reads gzip
/// goes through <see cref="DataStreams"/> and so through this check.
/// </summary>
internal sealed class CheckedGzipStream : Stream
{
    /// <summary>The smallest gzip member: a 10-byte header, an empty final deflate block (2 bytes), an 8-byte trailer.</summary>
    private const int SmallestMember = 20;

    /// <summary>What every truncation error says, so that users and tests recognise it.</summary>
    internal const string EndsBeforeTrailer = "the gzip stream ends before its end marker / trailer";

    private readonly Stream _compressed;
    private readonly long _start;
    private readonly string _source;
    private readonly GZipStream _gzip;
    private uint _crc = Crc32.Initial;
    private long _length;
    private bool _checked;

    /// <summary>Wraps <paramref name="compressed"/> (seekable, positioned at the gzip magic), owning it.</summary>
    public CheckedGzipStream(Stream compressed, string source)
    {
        _compressed = compressed;
        _start = compressed.Position;
        _source = source;
        _gzip = new GZipStream(compressed, CompressionMode.Decompress, leaveOpen: true);
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => _length;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        int read;
        try
        {
            read = _gzip.Read(buffer);
        }
        catch (InvalidDataException e)
        {
            throw DataFormatException.InFile(_source, $"Expected valid gzip data, but the decompressor stopped after {_length} bytes of output: {e.Message}", e);
        }

        if (read > 0)
        {
            _crc = Crc32.Update(_crc, buffer[..read]);
            _length += read;
            return read;
        }

        if (!_checked)
        {
            CheckTrailer();
            _checked = true;
        }

        return 0;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _gzip.Dispose();
            _compressed.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>
    /// Throws unless the file's last 8 bytes are the trailer of the data returned: for a file of one member, the CRC
    /// and size of everything; for several members (<c>cat a.gz b.gz</c>), of the data of the member that starts at
    /// one of the later gzip magics (each candidate decompressed again, only when the first comparison fails).
    /// </summary>
    private void CheckTrailer()
    {
        long size = _compressed.Length - _start;
        if (size < SmallestMember)
        {
            throw Truncated($"it has {size} bytes, and the smallest complete gzip file has {SmallestMember}");
        }

        Span<byte> trailer = stackalloc byte[8];
        _compressed.Position = _compressed.Length - 8;
        _compressed.ReadExactly(trailer);
        uint expectedCrc = BinaryPrimitives.ReadUInt32LittleEndian(trailer);
        uint expectedSize = BinaryPrimitives.ReadUInt32LittleEndian(trailer[4..]);
        if (Crc32.Finish(_crc) == expectedCrc && (uint)_length == expectedSize)
        {
            return;
        }

        if (!LastMemberMatches(expectedCrc, expectedSize))
        {
            throw Truncated($"its last 8 bytes are not the CRC-32 and size of the {_length} bytes decompressed (CRC-32 0x{Crc32.Finish(_crc):X8}), so the file is cut short or has bytes after its end");
        }
    }

    private bool LastMemberMatches(uint expectedCrc, uint expectedSize)
    {
        long end = _compressed.Length;
        byte[] window = new byte[1 << 16];
        // Scan backwards for member headers: 1F 8B 08 and a flags byte with the reserved bits clear.
        for (long candidate = end - SmallestMember; candidate > _start;)
        {
            long blockStart = Math.Max(_start + 1, candidate - window.Length + 4);
            int blockLength = (int)(candidate - blockStart + 4);
            _compressed.Position = blockStart;
            _compressed.ReadExactly(window, 0, blockLength);
            for (int i = blockLength - 4; i >= 0; i--)
            {
                if (window[i] == 0x1F && window[i + 1] == 0x8B && window[i + 2] == 0x08 && (window[i + 3] & 0xE0) == 0
                    && MemberAt(blockStart + i, expectedCrc, expectedSize))
                {
                    return true;
                }
            }

            candidate = blockStart - 1;
        }

        return false;
    }

    private bool MemberAt(long position, uint expectedCrc, uint expectedSize)
    {
        long saved = _compressed.Position;
        try
        {
            _compressed.Position = position;
            using var gzip = new GZipStream(_compressed, CompressionMode.Decompress, leaveOpen: true);
            byte[] buffer = new byte[1 << 16];
            uint crc = Crc32.Initial;
            long length = 0;
            int read;
            while ((read = gzip.Read(buffer)) > 0)
            {
                crc = Crc32.Update(crc, buffer.AsSpan(0, read));
                length += read;
                if (length > _length)
                {
                    return false;
                }
            }

            return Crc32.Finish(crc) == expectedCrc && (uint)length == expectedSize;
        }
        catch (InvalidDataException)
        {
            return false;
        }
        finally
        {
            _compressed.Position = saved;
        }
    }

    private DataFormatException Truncated(string detail) =>
        DataFormatException.InFile(_source, $"Expected a complete gzip file, but {EndsBeforeTrailer}: {detail}.");
}

/// <summary>CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320), as gzip's trailer uses it; slicing by 8.</summary>
internal static class Crc32
{
    public const uint Initial = 0xFFFFFFFFu;

    private static readonly uint[] Table = BuildTable();

    public static uint Finish(uint crc) => ~crc;

    public static uint Update(uint crc, ReadOnlySpan<byte> data)
    {
        uint[] table = Table;
        int i = 0;
        for (; i + 8 <= data.Length; i += 8)
        {
            uint low = crc ^ BinaryPrimitives.ReadUInt32LittleEndian(data[i..]);
            uint high = BinaryPrimitives.ReadUInt32LittleEndian(data[(i + 4)..]);
            crc = table[(7 * 256) + (low & 0xFF)] ^ table[(6 * 256) + ((low >> 8) & 0xFF)]
                ^ table[(5 * 256) + ((low >> 16) & 0xFF)] ^ table[(4 * 256) + (low >> 24)]
                ^ table[(3 * 256) + (high & 0xFF)] ^ table[(2 * 256) + ((high >> 8) & 0xFF)]
                ^ table[256 + ((high >> 16) & 0xFF)] ^ table[high >> 24];
        }

        for (; i < data.Length; i++)
        {
            crc = table[(crc ^ data[i]) & 0xFF] ^ (crc >> 8);
        }

        return crc;
    }

    private static uint[] BuildTable()
    {
        uint[] table = new uint[8 * 256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }

            table[n] = c;
        }

        for (int slice = 1; slice < 8; slice++)
        {
            for (int n = 0; n < 256; n++)
            {
                uint previous = table[((slice - 1) * 256) + n];
                table[(slice * 256) + n] = table[previous & 0xFF] ^ (previous >> 8);
            }
        }

        return table;
    }
}
