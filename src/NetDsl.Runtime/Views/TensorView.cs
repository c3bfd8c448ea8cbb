using System;
using System.ComponentModel;

namespace NetDsl;

/// <summary>
/// A named, row-major window onto part of a network's flat parameter, gradient or buffer array, such as
/// <c>fc1.weight</c> of shape <c>[2, 3]</c> or <c>conv1.weight</c> of shape <c>[8, 1, 3, 3]</c>. Reads and writes go
/// straight to the network's storage.
/// </summary>
public readonly struct TensorView
{
    private readonly float[] _storage;
    private readonly int[] _shape;
    private readonly int _offset;

    /// <summary>Creates a view of a tensor of <paramref name="shape"/> at <paramref name="offset"/> in <paramref name="storage"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The tensor does not fit the storage.</exception>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public TensorView(float[] storage, string name, int offset, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentNullException.ThrowIfNull(shape);
        _storage = storage;
        _shape = (int[])shape.Clone();
        _offset = offset;
        Name = name;
        long length = 1;
        foreach (int dimension in shape)
        {
            length *= dimension;
        }

        Length = checked((int)length);
        if (offset < 0 || offset + (long)Length > storage.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), $"The view {name} of {Length} floats at offset {offset} does not fit a storage of {storage.Length} floats.");
        }
    }

    /// <summary>Creates a view of a vector (<paramref name="isVector"/>) or a <paramref name="rows"/> x <paramref name="columns"/> matrix.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public TensorView(float[] storage, string name, int offset, int rows, int columns, bool isVector)
        : this(storage, name, offset, isVector ? [checked(rows * columns)] : [rows, columns])
    {
    }

    /// <summary>The tensor's name, as in a PyTorch <c>state_dict</c> (<c>fc1.weight</c>).</summary>
    public string Name { get; }

    /// <summary>The number of elements.</summary>
    public int Length { get; }

    /// <summary>The number of dimensions.</summary>
    public int Rank => _shape.Length;

    /// <summary>Whether the tensor is one-dimensional (a bias), rather than a matrix or higher.</summary>
    public bool IsVector => _shape.Length == 1;

    /// <summary>The size of the first dimension (1 for a vector).</summary>
    public int Rows => IsVector ? 1 : _shape[0];

    /// <summary>The number of elements per row (the length, for a vector).</summary>
    public int Columns => IsVector ? Length : Length / _shape[0];

    /// <summary>The shape, PyTorch-style: <c>[out, in]</c> for a Linear weight, <c>[out]</c> for a bias.</summary>
    public int[] Shape => (int[])_shape.Clone();

    /// <summary>The element at <paramref name="index"/> of the row-major elements.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The index is outside the tensor.</exception>
    public ref float this[int index]
    {
        get
        {
            if ((uint)index >= (uint)Length)
            {
                throw new ArgumentOutOfRangeException(nameof(index), index, $"Expected an index in [0, {Length}) for {Name} of shape {ShapeText}.");
            }

            return ref _storage[_offset + index];
        }
    }

    /// <summary>The element at (<paramref name="row"/>, <paramref name="column"/>) of a matrix.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An index is outside the matrix, or the tensor is not two-dimensional.</exception>
    public ref float this[int row, int column] => ref At([row, column]);

    /// <summary>The element at (<paramref name="i0"/>, <paramref name="i1"/>, <paramref name="i2"/>) of a 3-D tensor.</summary>
    public ref float this[int i0, int i1, int i2] => ref At([i0, i1, i2]);

    /// <summary>The element at (<paramref name="i0"/>, <paramref name="i1"/>, <paramref name="i2"/>, <paramref name="i3"/>) of a 4-D tensor, such as a Conv2D weight <c>[out, in, kh, kw]</c>.</summary>
    public ref float this[int i0, int i1, int i2, int i3] => ref At([i0, i1, i2, i3]);

    /// <summary>The elements, row-major, as a span over the network's storage.</summary>
    public Span<float> AsSpan() => _storage.AsSpan(_offset, Length);

    /// <summary>Copies <paramref name="values"/> (row-major) into the tensor.</summary>
    /// <exception cref="ArgumentException"><paramref name="values"/> does not have exactly <see cref="Length"/> elements; nothing is written.</exception>
    public void CopyFrom(ReadOnlySpan<float> values)
    {
        if (values.Length != Length)
        {
            throw new ArgumentException($"Expected {Length} values for {Name} of shape {ShapeText}, but got {values.Length}.", nameof(values));
        }

        values.CopyTo(AsSpan());
    }

    /// <summary>A copy of the elements, row-major.</summary>
    public float[] ToArray() => AsSpan().ToArray();

    /// <inheritdoc/>
    public override string ToString() => $"{Name} {ShapeText}";

    private string ShapeText => "[" + string.Join(", ", _shape) + "]";

    private ref float At(scoped ReadOnlySpan<int> indices)
    {
        if (indices.Length != _shape.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(indices), $"{Name} has shape {ShapeText} ({_shape.Length} dimensions), but {indices.Length} indices were given.");
        }

        int flat = 0;
        for (int d = 0; d < indices.Length; d++)
        {
            if ((uint)indices[d] >= (uint)_shape[d])
            {
                throw new ArgumentOutOfRangeException(nameof(indices), $"Expected an index in [0, {_shape[d]}) in dimension {d} of {Name} of shape {ShapeText}, but got ({string.Join(", ", indices.ToArray())}).");
            }

            flat = flat * _shape[d] + indices[d];
        }

        return ref _storage[_offset + flat];
    }
}
