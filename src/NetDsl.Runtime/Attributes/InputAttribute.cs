using System;

namespace NetDsl;

/// <summary>
/// Declares the shape of one input sample: <c>[Input(3)]</c> for 3 features, <c>[Input(1, 28, 28)]</c>
/// for a one-channel 28x28 image. It must be the first attribute of the stack, and there is exactly one.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class InputAttribute : Attribute
{
    /// <summary>Declares the input shape, outermost dimension first.</summary>
    public InputAttribute(params int[] shape) => Shape = shape;

    /// <summary>The declared input shape, outermost dimension first.</summary>
    public int[] Shape { get; }

    /// <summary>
    /// Whether a two-dimensional input <c>[T, F]</c> is a sequence of T steps of F features, as an embedding's or a
    /// recurrent layer's every-step output is: then a <c>[Linear]</c> applies to each step (PyTorch's last-dimension
    /// semantics), <c>[LayerNorm]</c> normalizes each step, and per-step layers (<c>[PositionalEncoding]</c>,
    /// <c>[MultiheadAttention]</c>, <c>[MeanOverTime]</c>, <c>[LastStep]</c>...) take it directly. Recurrent layers read
    /// <c>[T, F]</c> either way. False (the default): a two-dimensional input is <c>[channels, length]</c> for
    /// <c>[Conv1D]</c>, and a <c>[Linear]</c> on it asks for a <c>[Flatten]</c> first.
    /// </summary>
    public bool Sequence { get; set; }
}
