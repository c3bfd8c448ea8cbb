using System;

namespace NetDsl;

/// <summary>
/// The logistic function, <c>1 / (1 + exp(-x))</c>, as PyTorch's <c>nn.Sigmoid</c>. Element-wise, shape-preserving, no parameters. Written after a layer, the
/// generator fuses it into that layer.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class SigmoidAttribute : LayerAttribute;
