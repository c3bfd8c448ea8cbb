// Shared source: compiled into NetDsl.Runtime (net10.0) and linked into NetDsl.Generator (netstandard2.0).
// Keep it self-contained and free of .NET Core-only APIs.
using System.Collections.Generic;

namespace NetDsl.Serialization;

/// <summary>A tensor a network needs from a weight file: its <c>state_dict</c> key and shape.</summary>
internal sealed class SafeTensorsExpectedTensor
{
    private readonly int[] _shape;

    public SafeTensorsExpectedTensor(string name, int[] shape)
    {
        Name = name;
        _shape = shape;
    }

    /// <summary>The tensor's name, for example <c>fc1.weight</c>.</summary>
    public string Name { get; }

    /// <summary>The shape the network needs, outermost dimension first.</summary>
    public IReadOnlyList<int> Shape => _shape;

    /// <summary>The shape as a span, for comparisons.</summary>
    public System.ReadOnlySpan<int> ShapeSpan => _shape;
}
