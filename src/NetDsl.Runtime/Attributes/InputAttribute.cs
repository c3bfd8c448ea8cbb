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
}
