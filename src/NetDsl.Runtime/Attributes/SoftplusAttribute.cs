using System;

namespace NetDsl;

/// <summary>
/// <c>log(1 + exp(beta * x)) / beta</c>, linear (<c>x</c>) where <c>beta * x &gt; threshold</c>, as PyTorch's
/// <c>nn.Softplus(beta=1.0, threshold=20.0)</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class SoftplusAttribute : LayerAttribute
{
    /// <summary>The sharpness <c>beta</c> (PyTorch's default 1).</summary>
    public double Beta { get; set; } = 1.0;

    /// <summary>Above this value of <c>beta * x</c> the function is the identity (PyTorch's default 20).</summary>
    public double Threshold { get; set; } = 20.0;
}
