using System;

namespace NetDsl;

/// <summary>The Gaussian error linear unit <c>x * Phi(x)</c> (exact, with erf), as PyTorch's <c>nn.GELU()</c>; <c>TanhApproximation = true</c> gives <c>nn.GELU(approximate='tanh')</c>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class GELUAttribute : LayerAttribute
{
    /// <summary>Whether to use the tanh approximation instead of the exact erf form.</summary>
    public bool TanhApproximation { get; set; }
}
