using System;

namespace NetDsl;

/// <summary>
/// A named float32 tensor that travels in a weight file beside a network's parameters, such as normalization
/// statistics (<c>normalizer.mean</c>) or, later, BatchNorm's running statistics. Values are row-major, outermost
/// dimension first.
/// </summary>
public sealed class NamedTensor
{
    private readonly int[] _shape;

    /// <summary>Describes a tensor of shape <paramref name="shape"/> (empty for a scalar) holding <paramref name="values"/>.</summary>
    /// <remarks>The values are not copied: a save reads them when it writes the file.</remarks>
    /// <exception cref="ArgumentException">The name is empty, a dimension is negative, or the number of values does not match the shape.</exception>
    public NamedTensor(string name, ReadOnlyMemory<float> values, params int[] shape)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(shape);
        long length = 1;
        foreach (int dimension in shape)
        {
            if (dimension < 0)
            {
                throw new ArgumentException($"Tensor '{name}' has shape {Format(shape)}; dimensions must not be negative.", nameof(shape));
            }

            length *= dimension;
            if (length > int.MaxValue)
            {
                throw new ArgumentException($"Tensor '{name}' has shape {Format(shape)}, more than {int.MaxValue} elements.", nameof(shape));
            }
        }

        if (length != values.Length)
        {
            throw new ArgumentException($"Tensor '{name}' has shape {Format(shape)}, which holds {length} values, but {values.Length} values were given.", nameof(values));
        }

        Name = name;
        Values = values;
        _shape = (int[])shape.Clone();
    }

    /// <summary>The tensor's name, its key in the weight file.</summary>
    public string Name { get; }

    /// <summary>The values, row-major.</summary>
    public ReadOnlyMemory<float> Values { get; }

    /// <summary>The shape, outermost dimension first; empty for a scalar.</summary>
    public ReadOnlySpan<int> Shape => _shape;

    /// <summary>The number of values.</summary>
    public int Length => Values.Length;

    /// <summary>The shape as NetDsl prints it, for example <c>[2, 3]</c>.</summary>
    public string ShapeText => Format(_shape);

    /// <inheritdoc/>
    public override string ToString() => Name + " " + ShapeText;

    private static string Format(int[] shape) => "[" + string.Join(", ", shape) + "]";
}
