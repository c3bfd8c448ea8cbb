// Shared source: compiled into NetDsl.Runtime (net10.0) and linked into NetDsl.Generator (netstandard2.0).
// Keep it self-contained and free of .NET Core-only APIs.
using System;

namespace NetDsl.Serialization;

/// <summary>
/// The one way the shared safetensors code reports a problem. It never crosses a public API: the runtime turns it
/// into a <c>WeightFileException</c>, the generator into a diagnostic.
/// </summary>
internal sealed class SafeTensorsFormatException : Exception
{
    public SafeTensorsFormatException(WeightFileError kind, string message, string? tensorName = null)
        : base(message)
    {
        Kind = kind;
        TensorName = tensorName;
    }

    /// <summary>What kind of problem this is.</summary>
    public WeightFileError Kind { get; }

    /// <summary>The tensor the problem concerns, when there is one.</summary>
    public string? TensorName { get; }
}
