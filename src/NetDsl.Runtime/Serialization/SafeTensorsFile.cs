using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Diagnostics.CodeAnalysis;
using System.IO;
using NetDsl.Serialization;

namespace NetDsl;

/// <summary>
/// A safetensors file read into memory and validated: its tensors (name, dtype, shape, bytes) and its
/// <c>__metadata__</c>. Any safetensors file reads, whatever its dtypes; <see cref="GetFloat32(string)"/> converts
/// F32, F16, BF16 and F64 tensors to float32. To load a network's parameters, use
/// <see cref="WeightFile.LoadWeights(INetwork, string, WeightLoadOptions?)"/> instead, which also checks every
/// tensor against the network. See <c>docs/weights.md</c> for the format and the rules enforced.
/// </summary>
public sealed class SafeTensorsFile
{
    private readonly SafeTensorsHeader _header;
    private readonly byte[] _data;
    private readonly SafeTensorsEntry[] _tensors;
    private readonly Dictionary<string, int> _indexByName;

    private SafeTensorsFile(SafeTensorsHeader header, byte[] data)
    {
        _header = header;
        _data = data;
        _tensors = new SafeTensorsEntry[header.Entries.Count];
        _indexByName = new Dictionary<string, int>(_tensors.Length, StringComparer.Ordinal);
        for (int i = 0; i < _tensors.Length; i++)
        {
            _tensors[i] = new SafeTensorsEntry(header.Entries[i]);
            _indexByName.Add(_tensors[i].Name, i);
        }

        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (KeyValuePair<string, string> pair in header.Metadata)
        {
            metadata.Add(pair.Key, pair.Value);
        }

        Metadata = new ReadOnlyDictionary<string, string>(metadata);
    }

    /// <summary>The tensors, in the order of their data in the file.</summary>
    public IReadOnlyList<SafeTensorsEntry> Tensors => _tensors;

    /// <summary>The <c>__metadata__</c> map; empty when the file has none.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>The header's length in bytes (the number in the file's first 8 bytes), padding included.</summary>
    public int HeaderLength => _header.HeaderLength;

    /// <summary>Reads a safetensors file from memory (the data is copied).</summary>
    /// <exception cref="WeightFileException">The bytes are not a valid safetensors file.</exception>
    public static SafeTensorsFile Read(ReadOnlySpan<byte> bytes)
    {
        try
        {
            SafeTensorsHeader header = SafeTensorsHeaderParser.ParseFile(bytes);
            return new SafeTensorsFile(header, bytes.Slice((int)header.DataStart, (int)header.DataLength).ToArray());
        }
        catch (SafeTensorsFormatException problem)
        {
            throw WeightFileProblems.ToPublic(problem);
        }
    }

    /// <summary>Reads a safetensors file from a stream, from its current position to its end.</summary>
    /// <exception cref="WeightFileException">The stream does not hold a valid safetensors file.</exception>
    /// <exception cref="IOException">The stream could not be read.</exception>
    public static SafeTensorsFile Read(Stream stream)
    {
        try
        {
            SafeTensorsHeader header = SafeTensorsStreamReader.Read(stream, out byte[] data);
            return new SafeTensorsFile(header, data);
        }
        catch (SafeTensorsFormatException problem)
        {
            throw WeightFileProblems.ToPublic(problem);
        }
    }

    /// <summary>Reads a safetensors file from disk.</summary>
    /// <exception cref="WeightFileException">The file is not a valid safetensors file.</exception>
    /// <exception cref="IOException">The file could not be read.</exception>
    public static SafeTensorsFile Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using FileStream stream = File.OpenRead(path);
        return Read(stream);
    }

    /// <summary>Whether the file has a tensor of that name.</summary>
    public bool Contains(string name) => _indexByName.ContainsKey(name);

    /// <summary>Finds the tensor of that name.</summary>
    public bool TryGetTensor(string name, [NotNullWhen(true)] out SafeTensorsEntry? tensor)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (_indexByName.TryGetValue(name, out int index))
        {
            tensor = _tensors[index];
            return true;
        }

        tensor = null;
        return false;
    }

    /// <summary>The tensor of that name.</summary>
    /// <exception cref="KeyNotFoundException">The file has no such tensor.</exception>
    public SafeTensorsEntry GetTensor(string name) => _tensors[IndexOf(name)];

    /// <summary>The tensor's raw bytes, little-endian as the file stores them.</summary>
    /// <exception cref="KeyNotFoundException">The file has no such tensor.</exception>
    public ReadOnlySpan<byte> GetRawData(string name)
    {
        SafeTensorsHeaderEntry entry = _header.Entries[IndexOf(name)];
        return _data.AsSpan((int)entry.Begin, (int)entry.ByteLength);
    }

    /// <summary>The tensor's values as float32, row-major (F16 and BF16 exactly, F64 rounded to nearest).</summary>
    /// <exception cref="KeyNotFoundException">The file has no such tensor.</exception>
    /// <exception cref="WeightFileException">Its dtype is not F32, F16, BF16 or F64, or an F64 value is outside the range of float32.</exception>
    public float[] GetFloat32(string name)
    {
        SafeTensorsHeaderEntry entry = _header.Entries[IndexOf(name)];
        var values = new float[entry.ElementCount];
        Decode(entry, values);
        return values;
    }

    /// <summary>Writes the tensor's values as float32 into <paramref name="destination"/>, which must hold exactly its elements.</summary>
    /// <exception cref="KeyNotFoundException">The file has no such tensor.</exception>
    /// <exception cref="ArgumentException"><paramref name="destination"/> does not hold exactly the tensor's elements.</exception>
    /// <exception cref="WeightFileException">Its dtype is not F32, F16, BF16 or F64, or an F64 value is outside the range of float32.</exception>
    public void CopyFloat32(string name, Span<float> destination)
    {
        SafeTensorsHeaderEntry entry = _header.Entries[IndexOf(name)];
        if (destination.Length != entry.ElementCount)
        {
            throw new ArgumentException(
                $"Tensor '{name}' has shape {entry.ShapeText} ({entry.ElementCount} elements), but the destination holds {destination.Length} floats.",
                nameof(destination));
        }

        Decode(entry, destination);
    }

    private void Decode(SafeTensorsHeaderEntry entry, Span<float> destination)
    {
        try
        {
            SafeTensorsFloatDecoder.Decode(entry, _data, destination);
        }
        catch (SafeTensorsFormatException problem)
        {
            throw WeightFileProblems.ToPublic(problem);
        }
    }

    private int IndexOf(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (_indexByName.TryGetValue(name, out int index))
        {
            return index;
        }

        throw new KeyNotFoundException(
            $"The file has no tensor '{name}'. Its tensors: {(_tensors.Length == 0 ? "none" : string.Join(", ", Array.ConvertAll(_tensors, t => "'" + t.Name + "'")))}.");
    }
}
