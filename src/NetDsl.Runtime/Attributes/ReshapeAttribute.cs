using System;

namespace NetDsl;

/// <summary>
/// Gives a sample a new shape with the same number of elements, row-major (as PyTorch's <c>view</c>/<c>nn.Unflatten</c>);
/// one dimension may be -1 and is then inferred. It moves no data.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class ReshapeAttribute : LayerAttribute
{
    /// <summary>Reshapes to <paramref name="shape"/>, outermost dimension first.</summary>
    public ReshapeAttribute(params int[] shape) => Shape = shape;

    /// <summary>The target shape.</summary>
    public int[] Shape { get; }
}
