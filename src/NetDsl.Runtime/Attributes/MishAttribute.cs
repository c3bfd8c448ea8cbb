using System;

namespace NetDsl;

/// <summary><c>x * tanh(softplus(x))</c>, as PyTorch's <c>nn.Mish</c>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class MishAttribute : LayerAttribute;
