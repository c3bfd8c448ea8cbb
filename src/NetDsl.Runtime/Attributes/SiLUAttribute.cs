using System;

namespace NetDsl;

/// <summary><c>x * sigmoid(x)</c> (swish), as PyTorch's <c>nn.SiLU</c>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class SiLUAttribute : LayerAttribute;
