using System;
using System.Runtime.CompilerServices;

namespace NetDsl;

/// <summary>
/// A named, row-major window onto part of a network's flat parameter (or gradient) array, such as
/// <c>fc1.weight</c>. Reads and writes go straight to the network's storage.
/// </summary>
public readonly struct TensorView
{
    private readonly float[] _storage;
    private readonly int _offset;
    private readonly int _length;
    private readonly int _rows;
    private readonly int _columns;

    /// <summary>Creates a view of <paramref name="rows"/> x <paramref name="columns"/> floats (a vector when <paramref name="rows"/> is 1 and it has one dimension).</summary>
    public TensorView(float[] storage, string name, int offset, int rows, int columns, bool isVector)
    {
        ArgumentNullException.ThrowIfNull(storage);
        _storage = storage;
        Name = name;
        _offset = offset;
        _rows = rows;
        _columns = columns;
        _length = checked(rows * columns);
        IsVector = isVector;
        if (offset < 0 || offset + _length > storage.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), $"The view {name} of {_length} floats at offset {offset} does not fit a storage of {storage.Length} floats.");
        }
    }

    /// <summary>The tensor's name, as in a PyTorch <c>state_dict</c> (<c>fc1.weight</c>).</summary>
    public string Name { get; }

    /// <summary>Whether the tensor is one-dimensional (a bias), rather than a matrix.</summary>
    public bool IsVector { get; }

    /// <summary>The number of elements.</summary>
    public int Length => _length;

    /// <summary>The number of rows (1 for a vector).</summary>
    public int Rows => _rows;

    /// <summary>The number of columns (the length, for a vector).</summary>
    public int Columns => _columns;

    /// <summary>The shape, PyTorch-style: <c>[out, in]</c> for a weight, <c>[out]</c> for a bias.</summary>
    public int[] Shape => IsVector ? [_length] : [_rows, _columns];

    /// <summary>The element at <paramref name="index"/> of a vector, or of the row-major elements of a matrix.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The index is outside the tensor.</exception>
    public ref float this[int index]
    {
        get
        {
            if ((uint)index >= (uint)_length)
            {
                throw new ArgumentOutOfRangeException(nameof(index), index, $"Expected an index in [0, {_length}) for {Name} of shape {ShapeText}.");
            }

            return ref _storage[_offset + index];
        }
    }

    /// <summary>The element at (<paramref name="row"/>, <paramref name="column"/>) of a matrix.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An index is outside the matrix.</exception>
    public ref float this[int row, int column]
    {
        get
        {
            if ((uint)row >= (uint)_rows || (uint)column >= (uint)_columns)
            {
                throw new ArgumentOutOfRangeException(nameof(row), $"Expected an index in [0, {_rows}) x [0, {_columns}) for {Name} of shape {ShapeText}, but got ({row}, {column}).");
            }

            return ref _storage[_offset + row * _columns + column];
        }
    }

    /// <summary>The elements, row-major, as a span over the network's storage.</summary>
    public Span<float> AsSpan() => _storage.AsSpan(_offset, _length);

    /// <summary>Copies <paramref name="values"/> (row-major) into the tensor.</summary>
    /// <exception cref="ArgumentException"><paramref name="values"/> does not have exactly <see cref="Length"/> elements; nothing is written.</exception>
    public void CopyFrom(ReadOnlySpan<float> values)
    {
        if (values.Length != _length)
        {
            throw new ArgumentException($"Expected {_length} values for {Name} of shape {ShapeText}, but got {values.Length}.", nameof(values));
        }

        values.CopyTo(AsSpan());
    }

    /// <summary>A copy of the elements, row-major.</summary>
    public float[] ToArray() => AsSpan().ToArray();

    /// <inheritdoc/>
    public override string ToString() => $"{Name} {ShapeText}";

    private string ShapeText => IsVector ? $"[{_length}]" : $"[{_rows}, {_columns}]";
}
