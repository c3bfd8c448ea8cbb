using System;

namespace NetDsl;

/// <summary>
/// <c>x</c> for positive <c>x</c>, <c>a * x</c> otherwise, with the slope <c>a</c> learned, as PyTorch's
/// <c>nn.PReLU(num_parameters, init)</c>: one slope shared by every channel (the default), or one per channel (the first
/// dimension of the sample, e.g. <c>[PReLU(32)]</c> after a 32-channel convolution). Its parameter is <c>weight</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class PReLUAttribute : LayerAttribute
{
    /// <summary>A PReLU with <paramref name="numParameters"/> slopes: 1, or the number of channels.</summary>
    public PReLUAttribute(int numParameters = 1) => NumParameters = numParameters;

    /// <summary>The number of learned slopes: 1, or the number of channels.</summary>
    public int NumParameters { get; }

    /// <summary>The slopes' initial value (PyTorch's default 0.25).</summary>
    public double Init { get; set; } = 0.25;
}
