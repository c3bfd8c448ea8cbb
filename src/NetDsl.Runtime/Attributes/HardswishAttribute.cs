using System;

namespace NetDsl;

/// <summary><c>x * min(max(x + 3, 0), 6) / 6</c>, as PyTorch's <c>nn.Hardswish</c> (MobileNetV3).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class HardswishAttribute : LayerAttribute;
