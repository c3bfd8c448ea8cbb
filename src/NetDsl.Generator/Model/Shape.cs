using System;
using System.Collections.Generic;
using System.Linq;

namespace NetDsl.Generator.Model;

/// <summary>The shape of one sample, outermost dimension first, such as <c>[1, 28, 28]</c>.</summary>
internal readonly struct Shape : IEquatable<Shape>
{
    public Shape(IEnumerable<int> dimensions) => Dimensions = dimensions.ToEquatableArray();

    public EquatableArray<int> Dimensions { get; }

    public int Rank => Dimensions.Count;

    /// <summary>The number of floats in one sample (the product of the dimensions).</summary>
    public int ElementCount
    {
        get
        {
            long count = 1;
            foreach (int dimension in Dimensions)
            {
                count *= dimension;
            }

            return count > int.MaxValue ? int.MaxValue : (int)count;
        }
    }

    /// <summary>The number of floats in one sample, without clamping (for reporting networks too large for an array).</summary>
    public long LongElementCount
    {
        get
        {
            long count = 1;
            foreach (int dimension in Dimensions)
            {
                count = dimension != 0 && count > long.MaxValue / dimension ? long.MaxValue : count * dimension;
            }

            return count;
        }
    }

    public static Shape Vector(int length) => new(new[] { length });

    public bool Equals(Shape other) => Dimensions.Equals(other.Dimensions);

    public override bool Equals(object? obj) => obj is Shape other && Equals(other);

    public override int GetHashCode() => Dimensions.GetHashCode();

    /// <summary>The shape as NetDsl prints it everywhere: <c>[1, 28, 28]</c>.</summary>
    public override string ToString() => "[" + string.Join(", ", Dimensions) + "]";
}
