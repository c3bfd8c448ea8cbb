using System;

namespace NetDsl;

/// <summary>Parameter initializations, each matching its PyTorch namesake.</summary>
public static class Initializers
{
    /// <summary>
    /// PyTorch's default for <c>nn.Linear</c> and the convolutions: <c>kaiming_uniform_(a=sqrt(5))</c> for the
    /// weight and uniform bias, which both reduce to uniform in <c>±1/sqrt(fanIn)</c>.
    /// </summary>
    /// <param name="weight">The weight, filled first.</param>
    /// <param name="bias">The bias (may be empty), filled after the weight.</param>
    /// <param name="fanIn">The number of inputs of one output unit.</param>
    /// <param name="random">The generator; the fill order (weight, then bias) is part of the contract.</param>
    public static void PyTorchDefault(Span<float> weight, Span<float> bias, int fanIn, SeededRandom random)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(fanIn);
        ArgumentNullException.ThrowIfNull(random);
        float bound = 1f / MathF.Sqrt(fanIn);
        random.FillUniform(weight, -bound, bound);
        random.FillUniform(bias, -bound, bound);
    }

    /// <summary>Fills one tensor uniform in <c>±1/sqrt(fanIn)</c>, PyTorch's default for weights and biases of Linear and convolutions.</summary>
    public static void PyTorchDefault(Span<float> tensor, int fanIn, SeededRandom random)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(fanIn);
        ArgumentNullException.ThrowIfNull(random);
        float bound = 1f / MathF.Sqrt(fanIn);
        random.FillUniform(tensor, -bound, bound);
    }
}
