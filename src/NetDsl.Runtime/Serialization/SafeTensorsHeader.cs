// Shared source: compiled into NetDsl.Runtime (net10.0) and linked into NetDsl.Generator (netstandard2.0).
// Keep it self-contained and free of .NET Core-only APIs.
using System;
using System.Collections.Generic;

namespace NetDsl.Serialization;

/// <summary>
/// A parsed and validated safetensors header: its tensors in data order (their byte ranges cover the data buffer
/// exactly, without holes or overlaps), its optional <c>__metadata__</c> and the sizes of the file's parts.
/// <see cref="SafeTensorsHeaderParser"/> creates it.
/// </summary>
internal sealed class SafeTensorsHeader
{
    private readonly SafeTensorsHeaderEntry[] _entries;
    private readonly Dictionary<string, SafeTensorsHeaderEntry> _byName;
    private readonly KeyValuePair<string, string>[] _metadata;

    public SafeTensorsHeader(int headerLength, SafeTensorsHeaderEntry[] entriesInDataOrder, KeyValuePair<string, string>[]? metadata, long dataLength)
    {
        HeaderLength = headerLength;
        _entries = entriesInDataOrder;
        _metadata = metadata ?? Array.Empty<KeyValuePair<string, string>>();
        HasMetadata = metadata is not null;
        DataLength = dataLength;
        _byName = new Dictionary<string, SafeTensorsHeaderEntry>(entriesInDataOrder.Length, StringComparer.Ordinal);
        foreach (SafeTensorsHeaderEntry entry in entriesInDataOrder)
        {
            _byName.Add(entry.Name, entry);
        }
    }

    /// <summary>The header's length in bytes (the number N stored in the first 8 bytes of the file), padding included.</summary>
    public int HeaderLength { get; }

    /// <summary>Where the data buffer starts in the file: after the 8-byte length and the header.</summary>
    public long DataStart => SafeTensorsHeaderParser.LengthPrefixSize + (long)HeaderLength;

    /// <summary>The length of the data buffer in bytes: the end of the last tensor's data.</summary>
    public long DataLength { get; }

    /// <summary>The tensors, ordered by their position in the data buffer.</summary>
    public IReadOnlyList<SafeTensorsHeaderEntry> Entries => _entries;

    /// <summary>Whether the header has a <c>__metadata__</c> object (possibly empty).</summary>
    public bool HasMetadata { get; }

    /// <summary>The <c>__metadata__</c> entries in the order the header lists them; empty when there is none.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Metadata => _metadata;

    /// <summary>The tensor of that name, or <see langword="null"/>.</summary>
    public SafeTensorsHeaderEntry? Find(string name) =>
        _byName.TryGetValue(name, out SafeTensorsHeaderEntry? entry) ? entry : null;

    /// <summary>The metadata value of that key, or <see langword="null"/>.</summary>
    public string? FindMetadata(string key)
    {
        foreach (KeyValuePair<string, string> pair in _metadata)
        {
            if (string.Equals(pair.Key, key, StringComparison.Ordinal))
            {
                return pair.Value;
            }
        }

        return null;
    }
}
