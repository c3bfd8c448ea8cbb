// Shared source: compiled into NetDsl.Runtime (net10.0) and linked into NetDsl.Generator (netstandard2.0).
// Keep it self-contained and free of .NET Core-only APIs.
using System;
using System.Collections.Generic;

namespace NetDsl.Serialization;

/// <summary>One tensor of a validated safetensors header: its name, dtype, shape and byte range in the data buffer.</summary>
internal sealed class SafeTensorsHeaderEntry
{
    private readonly int[] _shape;

    public SafeTensorsHeaderEntry(string name, SafeTensorsDtype dtype, int[] shape, long begin, long end, long elementCount)
    {
        Name = name;
        Dtype = dtype;
        _shape = shape;
        Begin = begin;
        End = end;
        ElementCount = elementCount;
    }

    /// <summary>The tensor's name (a PyTorch <c>state_dict</c> key such as <c>fc1.weight</c>).</summary>
    public string Name { get; }

    /// <summary>The element type.</summary>
    public SafeTensorsDtype Dtype { get; }

    /// <summary>The dtype as the header spells it, for example <c>F32</c>.</summary>
    public string DtypeName => SafeTensorsDtypes.Name(Dtype);

    /// <summary>The shape, outermost dimension first; empty for a scalar.</summary>
    public IReadOnlyList<int> Shape => _shape;

    /// <summary>The shape as NetDsl prints it, for example <c>[2, 3]</c>.</summary>
    public string ShapeText => SafeTensorsText.Shape(_shape);

    /// <summary>The number of elements (1 for a scalar, 0 when a dimension is 0).</summary>
    public long ElementCount { get; }

    /// <summary>The first byte of the tensor's data, relative to the start of the data buffer (after the header).</summary>
    public long Begin { get; }

    /// <summary>One past the last byte of the tensor's data, relative to the start of the data buffer.</summary>
    public long End { get; }

    /// <summary>The number of bytes of data.</summary>
    public long ByteLength => End - Begin;

    /// <summary>Whether the shape equals <paramref name="shape"/>, dimension by dimension.</summary>
    public bool HasShape(ReadOnlySpan<int> shape)
    {
        if (shape.Length != _shape.Length)
        {
            return false;
        }

        for (int i = 0; i < shape.Length; i++)
        {
            if (shape[i] != _shape[i])
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc/>
    public override string ToString() => Name + " " + DtypeName + " " + ShapeText + " " + SafeTensorsText.Offsets(Begin, End);
}
