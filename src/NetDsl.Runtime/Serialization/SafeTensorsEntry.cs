using System;
using NetDsl.Serialization;

namespace NetDsl;

/// <summary>One tensor of a <see cref="SafeTensorsFile"/>: its name, dtype, shape and where its bytes lie.</summary>
public sealed class SafeTensorsEntry
{
    private readonly int[] _shape;

    internal SafeTensorsEntry(SafeTensorsHeaderEntry entry)
    {
        Name = entry.Name;
        Dtype = entry.DtypeName;
        _shape = new int[entry.Shape.Count];
        for (int i = 0; i < _shape.Length; i++)
        {
            _shape[i] = entry.Shape[i];
        }

        ElementCount = entry.ElementCount;
        DataBegin = entry.Begin;
        DataEnd = entry.End;
        IsFloat32Convertible = SafeTensorsDtypes.IsFloat32Convertible(entry.Dtype);
    }

    /// <summary>The tensor's name, for example <c>fc1.weight</c>.</summary>
    public string Name { get; }

    /// <summary>The dtype as the header spells it: <c>F32</c>, <c>F16</c>, <c>BF16</c>, <c>F64</c>, <c>I64</c>…</summary>
    public string Dtype { get; }

    /// <summary>Whether NetDsl converts this tensor to float32 (dtype F32, F16, BF16 or F64).</summary>
    public bool IsFloat32Convertible { get; }

    /// <summary>The shape, outermost dimension first; empty for a scalar.</summary>
    public ReadOnlySpan<int> Shape => _shape;

    /// <summary>The shape as NetDsl prints it, for example <c>[2, 3]</c>.</summary>
    public string ShapeText => "[" + string.Join(", ", _shape) + "]";

    /// <summary>The number of elements: 1 for a scalar, 0 when a dimension is 0.</summary>
    public long ElementCount { get; }

    /// <summary>The first byte of the tensor's data, relative to the start of the data buffer (the header's <c>data_offsets[0]</c>).</summary>
    public long DataBegin { get; }

    /// <summary>One past the last byte of the tensor's data (the header's <c>data_offsets[1]</c>).</summary>
    public long DataEnd { get; }

    /// <inheritdoc/>
    public override string ToString() => $"{Name} {Dtype} {ShapeText} [{DataBegin}, {DataEnd}]";
}
