// Shared source: compiled into NetDsl.Runtime (net10.0) and linked into NetDsl.Generator (netstandard2.0).
// Keep it self-contained and free of .NET Core-only APIs.
using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace NetDsl.Serialization;

/// <summary>
/// Reads and validates a safetensors header, enforcing what the reference implementation (huggingface/safetensors)
/// enforces: an 8-byte little-endian header length of at most 100,000,000 bytes; a UTF-8 JSON object (JSON
/// whitespace, such as the spaces that pad the header to a multiple of 8 bytes, may surround it) mapping tensor names
/// to <c>{"dtype", "shape", "data_offsets": [begin, end]}</c> plus an optional <c>"__metadata__"</c> string-to-string
/// map; byte ranges whose sizes match shape × dtype and that, sorted, cover the data buffer from 0 to its end without
/// holes or overlaps. It is stricter than the reference in two ways: duplicate tensor names, metadata keys and fields
/// are refused, as the format's text requires (the reference's JSON library silently keeps the last one); and
/// NetDsl's limits apply (dimensions and the data buffer up to 2^31 - 1). Like the reference, it accepts JSON
/// whitespace on both sides of the object and ignores unknown fields inside a tensor's description.
/// Every problem throws <see cref="SafeTensorsFormatException"/>.
/// </summary>
internal static class SafeTensorsHeaderParser
{
    /// <summary>The size of the header length that starts the file.</summary>
    public const int LengthPrefixSize = 8;

    /// <summary>The largest header the reference implementation reads (its <c>MAX_HEADER_SIZE</c>).</summary>
    public const int MaxHeaderLength = 100_000_000;

    /// <summary>The header key of the free-form string-to-string metadata.</summary>
    public const string MetadataKey = "__metadata__";

    /// <summary>
    /// Reads the header length N from the first 8 bytes and checks it against the limit and, when known, against the
    /// number of bytes that follow the length.
    /// </summary>
    public static int ReadHeaderLength(ReadOnlySpan<byte> prefix, long? bytesAfterPrefix)
    {
        if (prefix.Length < LengthPrefixSize)
        {
            throw new SafeTensorsFormatException(
                WeightFileError.Truncated,
                "The file is " + SafeTensorsText.Bytes(prefix.Length) + " long, but a safetensors file starts with an 8-byte header length.");
        }

        ulong length = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (length > MaxHeaderLength)
        {
            throw new SafeTensorsFormatException(
                WeightFileError.HeaderTooLarge,
                "The first 8 bytes give a header length of " + SafeTensorsText.Bytes(length) + ", more than the "
                + SafeTensorsText.Bytes(MaxHeaderLength) + " safetensors allows: this is not a safetensors file, or it is damaged.");
        }

        if (bytesAfterPrefix is long available && (long)length > available)
        {
            throw new SafeTensorsFormatException(
                WeightFileError.Truncated,
                "The header is " + SafeTensorsText.Bytes(length) + " long, but only " + SafeTensorsText.Bytes(available)
                + " follow the 8-byte header length: the file is truncated.");
        }

        return (int)length;
    }

    /// <summary>Parses and validates a whole file held in memory: length, header, and the length of the data buffer.</summary>
    public static SafeTensorsHeader ParseFile(ReadOnlySpan<byte> file)
    {
        long afterPrefix = Math.Max(0, file.Length - LengthPrefixSize);
        int headerLength = ReadHeaderLength(file, afterPrefix);
        SafeTensorsHeader header = Parse(file.Slice(LengthPrefixSize, headerLength));
        CheckDataLength(header, afterPrefix - headerLength);
        return header;
    }

    /// <summary>Checks that exactly <see cref="SafeTensorsHeader.DataLength"/> bytes follow the header.</summary>
    public static void CheckDataLength(SafeTensorsHeader header, long bytesAfterHeader)
    {
        if (bytesAfterHeader < header.DataLength)
        {
            string? cut = null;
            foreach (SafeTensorsHeaderEntry entry in header.Entries)
            {
                if (entry.End > bytesAfterHeader)
                {
                    cut = entry.Name;
                    break;
                }
            }

            throw new SafeTensorsFormatException(
                WeightFileError.Truncated,
                "The header describes " + SafeTensorsText.Bytes(header.DataLength) + " of tensor data, but only "
                + SafeTensorsText.Bytes(bytesAfterHeader) + " follow the header: the file is truncated"
                + (cut is null ? "." : " inside tensor '" + cut + "'."),
                cut);
        }

        if (bytesAfterHeader > header.DataLength)
        {
            throw new SafeTensorsFormatException(
                WeightFileError.TrailingBytes,
                "The file has " + SafeTensorsText.Bytes(bytesAfterHeader - header.DataLength) + " after the end of the last tensor's data (byte "
                + SafeTensorsText.Number(header.DataLength) + " of the data buffer); safetensors requires the tensors to cover the data buffer exactly.");
        }
    }

    /// <summary>Parses and validates the N header bytes (everything but the data buffer's length, which needs the file).</summary>
    public static SafeTensorsHeader Parse(ReadOnlySpan<byte> headerBytes)
    {
        var reader = new SafeTensorsJsonReader(DecodeUtf8(headerBytes));
        SafeTensorsJsonKind rootKind = reader.PeekKind();
        if (rootKind != SafeTensorsJsonKind.Object)
        {
            throw new SafeTensorsFormatException(
                WeightFileError.InvalidHeader,
                "The header must be a JSON object that maps tensor names to their descriptions, but it is " + KindName(rootKind) + ".");
        }

        var entries = new List<RawEntry>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        KeyValuePair<string, string>[]? metadata = null;
        bool sawMetadata = false;
        reader.BeginObject();
        bool first = true;
        while (reader.NextProperty(ref first, out string name))
        {
            if (string.Equals(name, MetadataKey, StringComparison.Ordinal))
            {
                if (sawMetadata)
                {
                    throw new SafeTensorsFormatException(WeightFileError.DuplicateName, "The header has two \"__metadata__\" entries.");
                }

                sawMetadata = true;
                metadata = ReadMetadata(reader);
                continue;
            }

            if (!names.Add(name))
            {
                throw new SafeTensorsFormatException(
                    WeightFileError.DuplicateName,
                    "The header describes tensor '" + name + "' twice; safetensors forbids duplicate names.",
                    name);
            }

            entries.Add(ReadEntry(reader, name));
        }

        reader.ExpectEnd();
        SafeTensorsHeaderEntry[] validated = ValidateLayout(entries, out long dataLength);
        return new SafeTensorsHeader(headerBytes.Length, validated, metadata, dataLength);
    }

    private static KeyValuePair<string, string>[]? ReadMetadata(SafeTensorsJsonReader reader)
    {
        SafeTensorsJsonKind kind = reader.PeekKind();
        if (kind == SafeTensorsJsonKind.Null)
        {
            // serde reads a null Option as "no metadata"; so does NetDsl.
            reader.ReadLiteral(kind);
            return null;
        }

        if (kind != SafeTensorsJsonKind.Object)
        {
            throw new SafeTensorsFormatException(
                WeightFileError.InvalidHeader,
                "The \"__metadata__\" entry must be an object whose values are strings, but it is " + KindName(kind) + ".");
        }

        var pairs = new List<KeyValuePair<string, string>>();
        var keys = new HashSet<string>(StringComparer.Ordinal);
        reader.BeginObject();
        bool first = true;
        while (reader.NextProperty(ref first, out string key))
        {
            if (!keys.Add(key))
            {
                throw new SafeTensorsFormatException(WeightFileError.DuplicateName, "The metadata has the key '" + key + "' twice.");
            }

            SafeTensorsJsonKind valueKind = reader.PeekKind();
            if (valueKind != SafeTensorsJsonKind.String)
            {
                throw new SafeTensorsFormatException(
                    WeightFileError.InvalidHeader,
                    "The metadata value of '" + key + "' must be a string, but it is " + KindName(valueKind) + "; safetensors metadata maps strings to strings.");
            }

            pairs.Add(new KeyValuePair<string, string>(key, reader.ReadString()));
        }

        return pairs.ToArray();
    }

    private static RawEntry ReadEntry(SafeTensorsJsonReader reader, string name)
    {
        SafeTensorsJsonKind kind = reader.PeekKind();
        if (kind != SafeTensorsJsonKind.Object)
        {
            throw new SafeTensorsFormatException(
                WeightFileError.InvalidHeader,
                "Tensor '" + name + "' must be described by an object with \"dtype\", \"shape\" and \"data_offsets\", but it is " + KindName(kind) + ".",
                name);
        }

        string? dtypeName = null;
        ulong[]? shape = null;
        ulong[]? offsets = null;
        var fields = new List<string>();
        reader.BeginObject();
        bool first = true;
        while (reader.NextProperty(ref first, out string field))
        {
            if (fields.Contains(field))
            {
                throw new SafeTensorsFormatException(
                    WeightFileError.DuplicateName, "Tensor '" + name + "' has the field \"" + field + "\" twice.", name);
            }

            fields.Add(field);
            switch (field)
            {
                case "dtype":
                    SafeTensorsJsonKind dtypeKind = reader.PeekKind();
                    if (dtypeKind != SafeTensorsJsonKind.String)
                    {
                        throw new SafeTensorsFormatException(
                            WeightFileError.InvalidHeader,
                            "Tensor '" + name + "' has a \"dtype\" that is " + KindName(dtypeKind) + "; it must be a string such as \"F32\".",
                            name);
                    }

                    dtypeName = reader.ReadString();
                    break;
                case "shape":
                    shape = ReadIntegers(reader, name, field);
                    break;
                case "data_offsets":
                    offsets = ReadIntegers(reader, name, field);
                    break;
                default:
                    // The reference implementation ignores fields it does not know; so does NetDsl.
                    reader.SkipValue();
                    break;
            }
        }

        string? missing = dtypeName is null ? "dtype" : shape is null ? "shape" : offsets is null ? "data_offsets" : null;
        if (missing is not null)
        {
            throw new SafeTensorsFormatException(
                WeightFileError.InvalidHeader,
                "Tensor '" + name + "' has no \"" + missing + "\" field; every tensor needs \"dtype\", \"shape\" and \"data_offsets\".",
                name);
        }

        if (!SafeTensorsDtypes.TryParse(dtypeName!, out SafeTensorsDtype dtype))
        {
            throw new SafeTensorsFormatException(
                WeightFileError.UnknownDtype,
                "Tensor '" + name + "' has dtype \"" + dtypeName + "\", which is not a safetensors dtype (those are " + SafeTensorsDtypes.AllNames + ").",
                name);
        }

        if (offsets!.Length != 2)
        {
            throw new SafeTensorsFormatException(
                WeightFileError.InvalidHeader,
                "Tensor '" + name + "' has " + SafeTensorsText.Number(offsets.Length) + " numbers in \"data_offsets\"; it needs exactly two, [begin, end].",
                name);
        }

        return new RawEntry(name, dtype, shape!, offsets[0], offsets[1]);
    }

    private static ulong[] ReadIntegers(SafeTensorsJsonReader reader, string name, string field)
    {
        SafeTensorsJsonKind kind = reader.PeekKind();
        if (kind != SafeTensorsJsonKind.Array)
        {
            throw new SafeTensorsFormatException(
                WeightFileError.InvalidHeader,
                "Tensor '" + name + "' has a \"" + field + "\" that is " + KindName(kind) + "; it must be an array of non-negative integers.",
                name);
        }

        var values = new List<ulong>();
        reader.BeginArray();
        bool first = true;
        while (reader.NextElement(ref first))
        {
            SafeTensorsJsonKind elementKind = reader.PeekKind();
            if (elementKind != SafeTensorsJsonKind.Number)
            {
                throw new SafeTensorsFormatException(
                    WeightFileError.InvalidHeader,
                    "Tensor '" + name + "' has " + KindName(elementKind) + " in its \"" + field + "\"; it must hold non-negative integers.",
                    name);
            }

            string text = reader.ReadNumberText();
            if (!TryParseUInt64(text, out ulong value, out bool overflow))
            {
                throw new SafeTensorsFormatException(
                    WeightFileError.InvalidHeader,
                    "Tensor '" + name + "' has " + text + " in its \"" + field + "\"; it must hold non-negative integers"
                    + (overflow ? " below 2^64." : " (no sign, fraction or exponent)."),
                    name);
            }

            values.Add(value);
        }

        return values.ToArray();
    }

    // Checks every entry's size against its dtype and shape, then that the ranges, sorted as the reference
    // implementation sorts them, tile the data buffer from 0 without holes or overlaps.
    private static SafeTensorsHeaderEntry[] ValidateLayout(List<RawEntry> raw, out long dataLength)
    {
        var entries = new SafeTensorsHeaderEntry[raw.Count];
        for (int i = 0; i < raw.Count; i++)
        {
            entries[i] = Validate(raw[i]);
        }

        var order = new int[entries.Length];
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        Array.Sort(order, (a, b) =>
        {
            int byBegin = entries[a].Begin.CompareTo(entries[b].Begin);
            if (byBegin != 0)
            {
                return byBegin;
            }

            int byEnd = entries[a].End.CompareTo(entries[b].End);
            return byEnd != 0 ? byEnd : a.CompareTo(b);
        });

        var sorted = new SafeTensorsHeaderEntry[entries.Length];
        long cursor = 0;
        SafeTensorsHeaderEntry? previous = null;
        for (int i = 0; i < order.Length; i++)
        {
            SafeTensorsHeaderEntry entry = entries[order[i]];
            if (entry.Begin > cursor)
            {
                string message = previous is null
                    ? "The first " + SafeTensorsText.Bytes(entry.Begin) + " of the data buffer belong to no tensor: the first tensor, '" + entry.Name
                      + "', starts at byte " + SafeTensorsText.Number(entry.Begin) + " (data_offsets " + SafeTensorsText.Offsets(entry.Begin, entry.End) + ")."
                    : "Bytes " + SafeTensorsText.Number(cursor) + " to " + SafeTensorsText.Number(entry.Begin) + " of the data buffer belong to no tensor: '"
                      + previous.Name + "' ends at byte " + SafeTensorsText.Number(cursor) + " and '" + entry.Name + "' starts at byte "
                      + SafeTensorsText.Number(entry.Begin) + ".";
                throw new SafeTensorsFormatException(WeightFileError.InvalidOffsets, message + " safetensors forbids holes in the data.", entry.Name);
            }

            if (entry.Begin < cursor)
            {
                throw new SafeTensorsFormatException(
                    WeightFileError.InvalidOffsets,
                    "Tensor '" + entry.Name + "' (data_offsets " + SafeTensorsText.Offsets(entry.Begin, entry.End) + ") overlaps tensor '" + previous!.Name
                    + "' (data_offsets " + SafeTensorsText.Offsets(previous.Begin, previous.End) + ").",
                    entry.Name);
            }

            cursor = entry.End;
            previous = entry;
            sorted[i] = entry;
        }

        dataLength = cursor;
        return sorted;
    }

    private static SafeTensorsHeaderEntry Validate(RawEntry raw)
    {
        string name = raw.Name;
        string dtypeName = SafeTensorsDtypes.Name(raw.Dtype);
        string shapeText = "[" + string.Join(", ", Array.ConvertAll(raw.Shape, d => d.ToString(CultureInfo.InvariantCulture))) + "]";
        if (raw.End < raw.Begin)
        {
            throw new SafeTensorsFormatException(
                WeightFileError.InvalidOffsets,
                "Tensor '" + name + "' has data_offsets [" + SafeTensorsText.Number(raw.Begin) + ", " + SafeTensorsText.Number(raw.End) + "]: its end comes before its beginning.",
                name);
        }

        ulong elements = 1;
        ulong bits;
        try
        {
            foreach (ulong dimension in raw.Shape)
            {
                elements = checked(elements * dimension);
            }

            bits = checked(elements * (ulong)SafeTensorsDtypes.BitSize(raw.Dtype));
        }
        catch (OverflowException)
        {
            throw new SafeTensorsFormatException(
                WeightFileError.SizeMismatch,
                "Tensor '" + name + "' has shape " + shapeText + ", whose size in bytes overflows a 64-bit integer.",
                name);
        }

        if (bits % 8 != 0)
        {
            throw new SafeTensorsFormatException(
                WeightFileError.SizeMismatch,
                "Tensor '" + name + "' has dtype " + dtypeName + " and shape " + shapeText + ", which take " + SafeTensorsText.Number(bits)
                + " bits: not a whole number of bytes.",
                name);
        }

        ulong bytes = bits / 8;
        if (raw.End - raw.Begin != bytes)
        {
            throw new SafeTensorsFormatException(
                WeightFileError.SizeMismatch,
                "Tensor '" + name + "' has dtype " + dtypeName + " and shape " + shapeText + ", which take " + SafeTensorsText.Bytes(bytes)
                + ", but its data_offsets [" + SafeTensorsText.Number(raw.Begin) + ", " + SafeTensorsText.Number(raw.End) + "] hold "
                + SafeTensorsText.Bytes(raw.End - raw.Begin) + ".",
                name);
        }

        var shape = new int[raw.Shape.Length];
        for (int i = 0; i < shape.Length; i++)
        {
            if (raw.Shape[i] > int.MaxValue)
            {
                throw new SafeTensorsFormatException(
                    WeightFileError.TooLarge,
                    "Tensor '" + name + "' has shape " + shapeText + "; NetDsl reads dimensions up to " + SafeTensorsText.Number(int.MaxValue) + ".",
                    name);
            }

            shape[i] = (int)raw.Shape[i];
        }

        if (raw.End > int.MaxValue)
        {
            throw new SafeTensorsFormatException(
                WeightFileError.TooLarge,
                "Tensor '" + name + "' ends at byte " + SafeTensorsText.Number(raw.End) + " of the data buffer; NetDsl reads files whose data fits in "
                + SafeTensorsText.Bytes(int.MaxValue) + ".",
                name);
        }

        return new SafeTensorsHeaderEntry(name, raw.Dtype, shape, (long)raw.Begin, (long)raw.End, (long)elements);
    }

    private static string DecodeUtf8(ReadOnlySpan<byte> bytes)
    {
        int invalid = FindInvalidUtf8(bytes);
        if (invalid >= 0)
        {
            var hex = new StringBuilder();
            for (int i = invalid; i < bytes.Length && i < invalid + 4; i++)
            {
                hex.Append(i == invalid ? "0x" : " 0x").Append(bytes[i].ToString("X2", CultureInfo.InvariantCulture));
            }

            throw new SafeTensorsFormatException(
                WeightFileError.InvalidUtf8,
                "The header is not valid UTF-8: the bytes at offset " + SafeTensorsText.Number(invalid) + " of the header (" + hex + ") do not form a UTF-8 character.");
        }

        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    // The index of the first byte of the first ill-formed sequence (Unicode table 3-7: no overlong forms, no
    // surrogates, nothing above U+10FFFF), or -1 when the bytes are well-formed UTF-8.
    private static int FindInvalidUtf8(ReadOnlySpan<byte> bytes)
    {
        int i = 0;
        while (i < bytes.Length)
        {
            byte lead = bytes[i];
            if (lead < 0x80)
            {
                i++;
                continue;
            }

            int continuation;
            byte low = 0x80;
            byte high = 0xBF;
            if (lead >= 0xC2 && lead <= 0xDF)
            {
                continuation = 1;
            }
            else if (lead >= 0xE0 && lead <= 0xEF)
            {
                continuation = 2;
                if (lead == 0xE0)
                {
                    low = 0xA0;
                }
                else if (lead == 0xED)
                {
                    high = 0x9F;
                }
            }
            else if (lead >= 0xF0 && lead <= 0xF4)
            {
                continuation = 3;
                if (lead == 0xF0)
                {
                    low = 0x90;
                }
                else if (lead == 0xF4)
                {
                    high = 0x8F;
                }
            }
            else
            {
                return i;
            }

            if (i + continuation >= bytes.Length)
            {
                return i;
            }

            byte second = bytes[i + 1];
            if (second < low || second > high)
            {
                return i;
            }

            for (int k = 2; k <= continuation; k++)
            {
                byte next = bytes[i + k];
                if (next < 0x80 || next > 0xBF)
                {
                    return i;
                }
            }

            i += continuation + 1;
        }

        return -1;
    }

    private static bool TryParseUInt64(string text, out ulong value, out bool overflow)
    {
        value = 0;
        overflow = false;
        foreach (char c in text)
        {
            if (c < '0' || c > '9')
            {
                return false;
            }

            ulong digit = (ulong)(c - '0');
            if (value > (ulong.MaxValue - digit) / 10)
            {
                overflow = true;
                return false;
            }

            value = (value * 10) + digit;
        }

        return true;
    }

    private static string KindName(SafeTensorsJsonKind kind) => kind switch
    {
        SafeTensorsJsonKind.Object => "an object",
        SafeTensorsJsonKind.Array => "an array",
        SafeTensorsJsonKind.String => "a string",
        SafeTensorsJsonKind.Number => "a number",
        SafeTensorsJsonKind.Null => "null",
        _ => "a boolean",
    };

    private readonly struct RawEntry
    {
        public RawEntry(string name, SafeTensorsDtype dtype, ulong[] shape, ulong begin, ulong end)
        {
            Name = name;
            Dtype = dtype;
            Shape = shape;
            Begin = begin;
            End = end;
        }

        public string Name { get; }

        public SafeTensorsDtype Dtype { get; }

        public ulong[] Shape { get; }

        public ulong Begin { get; }

        public ulong End { get; }
    }
}
