using System;
using System.IO;

namespace NetDsl;

/// <summary>
/// Opens data files, decompressing gzip transparently (recognized by its magic bytes 1F 8B, not by the file name) and
/// checking that the gzip content is complete (<see cref="CheckedGzipStream"/>): a truncated file is a
/// <see cref="DataFormatException"/>, not a shorter dataset.
/// </summary>
internal static class DataStreams
{
    /// <summary>Opens <paramref name="path"/> for reading, through a gzip decompressor when the file starts with the gzip magic.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static Stream OpenRead(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Expected a data file at '{path}', but there is none.", path);
        }

        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        return Decompress(file, path);
    }

    /// <summary>
    /// Returns <paramref name="stream"/>, or a checked gzip decompressor over it when its content starts with the gzip
    /// magic; <paramref name="source"/> names the content in the decompressor's errors.
    /// </summary>
    public static Stream Decompress(Stream stream, string source)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanSeek)
        {
            var buffered = new MemoryStream();
            stream.CopyTo(buffered);
            stream.Dispose();
            buffered.Position = 0;
            stream = buffered;
        }

        long start = stream.Position;
        int first = stream.ReadByte();
        int second = first < 0 ? -1 : stream.ReadByte();
        stream.Position = start;
        return first == 0x1F && second == 0x8B ? new CheckedGzipStream(stream, source) : stream;
    }
}
