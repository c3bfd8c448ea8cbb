using System;

namespace NetDsl;

/// <summary><c>x</c> for positive <c>x</c>, <c>slope * x</c> otherwise, as PyTorch's <c>nn.LeakyReLU</c>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class LeakyReLUAttribute : LayerAttribute
{
    /// <summary>A leaky ReLU with the given slope for negative inputs (PyTorch's default is 0.01).</summary>
    public LeakyReLUAttribute(double negativeSlope = 0.01) => NegativeSlope = negativeSlope;

    /// <summary>The slope for negative inputs.</summary>
    public double NegativeSlope { get; }
}
