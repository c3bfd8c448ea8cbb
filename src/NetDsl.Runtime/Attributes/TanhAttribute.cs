using System;

namespace NetDsl;

/// <summary>
/// The hyperbolic tangent, as PyTorch's <c>nn.Tanh</c>. Element-wise, shape-preserving, no parameters. Written after a layer, the
/// generator fuses it into that layer.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class TanhAttribute : LayerAttribute;
