using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;
using NetDsl.Serialization;

namespace NetDsl;

/// <summary>
/// Writes float32 tensors and string metadata as a safetensors file, byte for byte as the reference implementation
/// (and so <c>safetensors.torch.save_file</c>) writes the same tensors: tensors ordered by name, compact JSON header
/// padded with spaces to a multiple of 8 bytes, little-endian data. Only the order of the metadata keys (sorted here,
/// arbitrary there) can differ. To save a network, use <see cref="WeightFile.SaveWeights(INetwork, string, IEnumerable{NamedTensor}?, IReadOnlyDictionary{string, string}?)"/>.
/// </summary>
public sealed class SafeTensorsWriter
{
    private readonly List<NamedTensor> _tensors = [];
    private readonly List<RawTensor> _raw = [];
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, string> _metadata = new(Utf8Order.Instance);

    /// <summary>The number of tensors added.</summary>
    public int Count => _tensors.Count + _raw.Count;

    /// <summary>Adds a float32 tensor. The values are not copied: they are read when the file is written.</summary>
    /// <exception cref="ArgumentException">The name is empty, reserved (<c>__metadata__</c>), not valid Unicode or already added, or the values do not match the shape.</exception>
    public SafeTensorsWriter Add(string name, ReadOnlyMemory<float> values, params ReadOnlySpan<int> shape) =>
        Add(new NamedTensor(name, values, shape.ToArray()));

    /// <summary>Adds a float32 tensor. Its values are not copied: they are read when the file is written.</summary>
    /// <exception cref="ArgumentException">The name is reserved (<c>__metadata__</c>), not valid Unicode or already added.</exception>
    public SafeTensorsWriter Add(NamedTensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (tensor.Name == SafeTensorsHeaderParser.MetadataKey)
        {
            throw new ArgumentException($"'{SafeTensorsHeaderParser.MetadataKey}' is the header's metadata key; it cannot name a tensor.", nameof(tensor));
        }

        CheckUnicode(tensor.Name, nameof(tensor));
        if (!_names.Add(tensor.Name))
        {
            throw new ArgumentException($"A tensor named '{tensor.Name}' was already added; safetensors forbids duplicate names.", nameof(tensor));
        }

        _tensors.Add(tensor);
        return this;
    }

    /// <summary>
    /// Adds a tensor of another dtype (<c>I8</c>, <c>U8</c>, <c>I32</c>...) from its little-endian bytes, which are not copied.
    /// Quantized networks write their integer tensors this way.
    /// </summary>
    /// <exception cref="ArgumentException">The name is reserved, not valid Unicode or already added, the dtype unknown, or the bytes do not fit the shape.</exception>
    internal SafeTensorsWriter AddRaw(string name, string dtype, ReadOnlyMemory<byte> littleEndianBytes, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!SafeTensorsDtypes.TryParse(dtype, out SafeTensorsDtype parsed))
        {
            throw new ArgumentException($"Expected a safetensors dtype ({SafeTensorsDtypes.AllNames}), got '{dtype}'.", nameof(dtype));
        }

        long elements = 1;
        foreach (int dimension in shape)
        {
            elements *= dimension >= 0 ? dimension : throw new ArgumentException($"Tensor '{name}' has a negative dimension in [{string.Join(", ", shape)}].", nameof(shape));
        }

        if (elements * SafeTensorsDtypes.BitSize(parsed) != 8L * littleEndianBytes.Length)
        {
            throw new ArgumentException($"Tensor '{name}' of {dtype} {shape.Length}-D shape [{string.Join(", ", shape)}] needs {elements * SafeTensorsDtypes.BitSize(parsed) / 8} bytes, got {littleEndianBytes.Length}.", nameof(littleEndianBytes));
        }

        if (name == SafeTensorsHeaderParser.MetadataKey)
        {
            throw new ArgumentException($"'{SafeTensorsHeaderParser.MetadataKey}' is the header's metadata key; it cannot name a tensor.", nameof(name));
        }

        CheckUnicode(name, nameof(name));
        if (!_names.Add(name))
        {
            throw new ArgumentException($"A tensor named '{name}' was already added; safetensors forbids duplicate names.", nameof(name));
        }

        _raw.Add(new RawTensor(name, dtype, littleEndianBytes, (int[])shape.Clone()));
        return this;
    }

    /// <summary>Sets a <c>__metadata__</c> entry (replacing an earlier value of the same key).</summary>
    /// <exception cref="ArgumentException">The key or value is not valid Unicode.</exception>
    public SafeTensorsWriter SetMetadata(string key, string value)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        CheckUnicode(key, nameof(key));
        CheckUnicode(value, nameof(value));
        _metadata[key] = value;
        return this;
    }

    /// <summary>The file's bytes.</summary>
    /// <exception cref="WeightFileException">The header or the data would exceed the format's or NetDsl's limits.</exception>
    public byte[] ToArray()
    {
        Layout layout = Plan();
        byte[] file = new byte[layout.FileLength];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)layout.Header.Length);
        layout.Header.CopyTo(file, SafeTensorsHeaderParser.LengthPrefixSize);
        int position = SafeTensorsHeaderParser.LengthPrefixSize + layout.Header.Length;
        foreach (PendingTensor tensor in layout.Order)
        {
            if (tensor.Float is { } floats)
            {
                WriteLittleEndian(floats.Values.Span, file.AsSpan(position, 4 * floats.Length));
            }
            else
            {
                tensor.Raw!.Bytes.Span.CopyTo(file.AsSpan(position));
            }

            position += (int)tensor.ByteLength;
        }

        return file;
    }

    /// <summary>Writes the file to <paramref name="stream"/> at its current position. A failure can leave part of it written; use <see cref="Save"/> for files.</summary>
    /// <exception cref="WeightFileException">The header or the data would exceed the format's or NetDsl's limits (nothing is written).</exception>
    /// <exception cref="IOException">The stream could not be written.</exception>
    public void WriteTo(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanWrite)
        {
            throw new ArgumentException("The stream cannot be written.", nameof(stream));
        }

        Layout layout = Plan();
        Span<byte> prefix = stackalloc byte[SafeTensorsHeaderParser.LengthPrefixSize];
        BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)layout.Header.Length);
        stream.Write(prefix);
        stream.Write(layout.Header);
        byte[]? chunk = BitConverter.IsLittleEndian ? null : new byte[1 << 16];
        foreach (PendingTensor pending in layout.Order)
        {
            if (pending.Raw is { } raw)
            {
                stream.Write(raw.Bytes.Span);
                continue;
            }

            ReadOnlySpan<float> values = pending.Float!.Values.Span;
            if (chunk is null)
            {
                stream.Write(MemoryMarshal.AsBytes(values));
                continue;
            }

            for (int start = 0; start < values.Length; start += chunk.Length / 4)
            {
                ReadOnlySpan<float> part = values.Slice(start, Math.Min(chunk.Length / 4, values.Length - start));
                WriteLittleEndian(part, chunk);
                stream.Write(chunk, 0, 4 * part.Length);
            }
        }

        stream.Flush();
    }

    /// <summary>
    /// Saves the file to <paramref name="path"/> atomically: it writes a temporary file in the same directory, flushes
    /// it to the disk and renames it over <paramref name="path"/>, so a failure or crash leaves either the old file or
    /// the new one, never a half-written file.
    /// </summary>
    /// <exception cref="WeightFileException">The header or the data would exceed the format's or NetDsl's limits.</exception>
    /// <exception cref="IOException">The file could not be written.</exception>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Plan();
        AtomicFile.Write(path, WriteTo);
    }

    private Layout Plan()
    {
        var order = new List<PendingTensor>(_tensors.Count + _raw.Count);
        foreach (NamedTensor tensor in _tensors)
        {
            order.Add(new PendingTensor(tensor.Name, "F32", tensor.Shape.ToArray(), 4L * tensor.Length, tensor, null));
        }

        foreach (RawTensor tensor in _raw)
        {
            order.Add(new PendingTensor(tensor.Name, tensor.Dtype, tensor.Shape, tensor.Bytes.Length, null, tensor));
        }

        order.Sort((a, b) => Utf8Order.Instance.Compare(a.Name, b.Name));
        var entries = new SafeTensorsHeaderWriter.Entry[order.Count];
        long offset = 0;
        for (int i = 0; i < order.Count; i++)
        {
            long end = offset + order[i].ByteLength;
            entries[i] = new SafeTensorsHeaderWriter.Entry(order[i].Name, order[i].Dtype, order[i].Shape, offset, end);
            offset = end;
        }

        if (offset > int.MaxValue)
        {
            throw new WeightFileException(
                WeightFileError.TooLarge,
                $"The tensors take {offset} bytes; NetDsl writes and reads files whose data fits in {int.MaxValue} bytes.");
        }

        List<KeyValuePair<string, string>>? metadata = _metadata.Count == 0 ? null : [.. _metadata];
        byte[] header = SafeTensorsHeaderWriter.Format(metadata, entries);
        if (header.Length > SafeTensorsHeaderParser.MaxHeaderLength)
        {
            throw new WeightFileException(
                WeightFileError.HeaderTooLarge,
                $"The header would take {header.Length} bytes, more than the {SafeTensorsHeaderParser.MaxHeaderLength} bytes safetensors allows.");
        }

        long fileLength = SafeTensorsHeaderParser.LengthPrefixSize + (long)header.Length + offset;
        if (fileLength > Array.MaxLength)
        {
            throw new WeightFileException(
                WeightFileError.TooLarge,
                $"The file would take {fileLength} bytes; NetDsl writes files of at most {Array.MaxLength} bytes.");
        }

        return new Layout(order, header, (int)fileLength);
    }

    private static void WriteLittleEndian(ReadOnlySpan<float> values, Span<byte> destination)
    {
        if (BitConverter.IsLittleEndian)
        {
            MemoryMarshal.AsBytes(values).CopyTo(destination);
            return;
        }

        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(destination.Slice(4 * i), values[i]);
        }
    }

    private static void CheckUnicode(string text, string parameterName)
    {
        try
        {
            SafeTensorsHeaderWriter.StrictUtf8.GetByteCount(text);
        }
        catch (EncoderFallbackException)
        {
            throw new ArgumentException($"'{text}' is not valid Unicode (it has an unpaired surrogate), so it cannot be written as UTF-8.", parameterName);
        }
    }

    private sealed record Layout(List<PendingTensor> Order, byte[] Header, int FileLength);

    /// <summary>A tensor given as little-endian bytes of some dtype.</summary>
    private sealed record RawTensor(string Name, string Dtype, ReadOnlyMemory<byte> Bytes, int[] Shape);

    /// <summary>A tensor to write: a float32 one or a raw one.</summary>
    private sealed record PendingTensor(string Name, string Dtype, int[] Shape, long ByteLength, NamedTensor? Float, RawTensor? Raw);

    // The reference implementation sorts names as Rust compares strings: by their UTF-8 bytes, that is by code points.
    // UTF-16 (ordinal) order differs only between surrogates (characters above U+FFFF) and U+E000..U+FFFF; moving
    // those two ranges past each other turns code-unit order into code-point order without allocating.
    private sealed class Utf8Order : IComparer<string>
    {
        public static readonly Utf8Order Instance = new();

        public int Compare(string? x, string? y)
        {
            x ??= "";
            y ??= "";
            int length = Math.Min(x.Length, y.Length);
            for (int i = 0; i < length; i++)
            {
                if (x[i] != y[i])
                {
                    return CodePointOrder(x[i]) - CodePointOrder(y[i]);
                }
            }

            return x.Length - y.Length;
        }

        private static int CodePointOrder(char c) => c >= 0xE000 ? c - 0x800 : c >= 0xD800 ? c + 0x2000 : c;
    }
}
