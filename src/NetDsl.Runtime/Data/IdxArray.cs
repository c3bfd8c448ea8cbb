using System;

namespace NetDsl;

/// <summary>The content of an IDX file: its shape (outermost dimension first) and its values, converted to float.</summary>
public sealed class IdxArray
{
    private readonly int[] _shape;
    private readonly float[] _values;

    internal IdxArray(IdxDataType dataType, int[] shape, float[] values)
    {
        DataType = dataType;
        _shape = shape;
        _values = values;
    }

    /// <summary>The element type stored in the file.</summary>
    public IdxDataType DataType { get; }

    /// <summary>The dimensions, outermost first: for MNIST images <c>[count, 28, 28]</c>, for labels <c>[count]</c>.</summary>
    public ReadOnlySpan<int> Shape => _shape;

    /// <summary>Every value, row-major, converted to float (exact for bytes, shorts and floats).</summary>
    public ReadOnlySpan<float> Values => _values;

    /// <summary>The number of items: the first dimension.</summary>
    public int Count => _shape[0];

    /// <summary>The number of values per item: the product of the other dimensions (1 for a one-dimensional file).</summary>
    public int ItemSize
    {
        get
        {
            int size = 1;
            for (int d = 1; d < _shape.Length; d++)
            {
                size *= _shape[d];
            }

            return size;
        }
    }

    internal float[] ValuesArray => _values;
}
