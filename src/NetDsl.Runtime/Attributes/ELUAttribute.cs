using System;

namespace NetDsl;

/// <summary><c>x</c> for positive <c>x</c>, <c>alpha * (exp(x) - 1)</c> otherwise, as PyTorch's <c>nn.ELU</c>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class ELUAttribute : LayerAttribute
{
    /// <summary>An ELU with the given alpha (PyTorch's default is 1).</summary>
    public ELUAttribute(double alpha = 1.0) => Alpha = alpha;

    /// <summary>The saturation value for negative inputs.</summary>
    public double Alpha { get; }
}
