using System;

namespace NetDsl;

/// <summary>
/// The mean over the steps of a sequence <c>[T, F]</c>, giving <c>[F]</c> (Keras' <c>GlobalAveragePooling1D</c>;
/// <c>x.mean(dim=1)</c> on a PyTorch <c>[N, T, F]</c> tensor). It needs a sequence of steps: the every-step output of a
/// recurrent layer, an embedding, or a per-step Linear.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class MeanOverTimeAttribute : LayerAttribute;

/// <summary>
/// The largest value of each feature over the steps of a sequence <c>[T, F]</c>, giving <c>[F]</c> (Keras'
/// <c>GlobalMaxPooling1D</c>; <c>x.amax(dim=1)</c>); the gradient goes to the first step that holds the maximum.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class MaxOverTimeAttribute : LayerAttribute;

/// <summary>The last step of a sequence <c>[T, F]</c>, giving <c>[F]</c> (<c>x[:, -1]</c> in PyTorch).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class LastStepAttribute : LayerAttribute;
