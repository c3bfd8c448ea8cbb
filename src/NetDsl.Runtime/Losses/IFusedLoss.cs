using System;
using System.ComponentModel;

namespace NetDsl.Generated;

/// <summary>
/// For generated code: the loss inside a fused <c>TrainStep</c>, implemented by structs so that the step, a generic
/// method over the loss, is compiled once per loss type and a loss known at compile time is inlined into it.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface IFusedLoss
{
    /// <summary>As <see cref="ILoss.ComputeWithGradient"/>.</summary>
    float ComputeWithGradient(ReadOnlySpan<float> predictions, ReadOnlySpan<float> targets, Span<float> gradients);
}
