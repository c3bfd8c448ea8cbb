using System;
using System.ComponentModel;

namespace NetDsl;

/// <summary>
/// One named parameter tensor of a network (for example <c>fc1.weight</c>, shape <c>[2, 3]</c>): where it lies in
/// the flat <see cref="INetwork.Parameters"/> span. Names, shapes and order are PyTorch's <c>state_dict()</c>.
/// </summary>
public sealed class TensorInfo
{
    private readonly int[] _shape;

    /// <summary>Describes a tensor; generated code calls this.</summary>
    /// <exception cref="ArgumentException">The shape is empty or has a non-positive dimension.</exception>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public TensorInfo(string name, int offset, params int[] shape)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        long length = 1;
        foreach (int dimension in shape)
        {
            if (dimension <= 0)
            {
                throw new ArgumentException($"Tensor '{name}' has shape [{string.Join(", ", shape)}]; every dimension must be positive.", nameof(shape));
            }

            length *= dimension;
        }

        Name = name;
        Offset = offset;
        Length = checked((int)length);
        _shape = (int[])shape.Clone();
    }

    /// <summary>The tensor's name, as in a PyTorch <c>state_dict</c>.</summary>
    public string Name { get; }

    /// <summary>The index of its first element in the flat parameters.</summary>
    public int Offset { get; }

    /// <summary>The number of elements.</summary>
    public int Length { get; }

    /// <summary>The shape, outermost dimension first.</summary>
    public ReadOnlySpan<int> Shape => _shape;

    /// <summary>The shape as NetDsl prints it, for example <c>[2, 3]</c>.</summary>
    public string ShapeText => "[" + string.Join(", ", _shape) + "]";

    /// <inheritdoc/>
    public override string ToString() => Name + " " + ShapeText;
}
