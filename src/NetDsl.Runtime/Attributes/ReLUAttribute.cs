using System;

namespace NetDsl;

/// <summary>
/// The rectified linear unit, <c>max(0, x)</c>, as PyTorch's <c>nn.ReLU</c>. Element-wise, shape-preserving, no parameters. Written after a layer, the
/// generator fuses it into that layer.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class ReLUAttribute : LayerAttribute;
