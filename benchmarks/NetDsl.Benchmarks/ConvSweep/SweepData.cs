using System;

namespace NetDsl.Benchmarks.ConvSweep;

/// <summary>
/// The arrays one sweep row works on, filled with the same deterministic values for every system: inputs and output
/// gradients uniform in [-1, 1), weights and biases uniform in ±1/sqrt(fan-in) (PyTorch's default initialization), and
/// room for the outputs and the gradients.
/// </summary>
public sealed record SweepData(float[] X, float[] Weight, float[] Bias, float[] Y, float[] OutputGradient, float[] WeightGradient, float[] BiasGradient, float[] InputGradient)
{
    /// <summary>The arrays of <paramref name="sweepCase"/>.</summary>
    public static SweepData For(SweepCase sweepCase)
    {
        ArgumentNullException.ThrowIfNull(sweepCase);
        int batch = sweepCase.Batch;
        int fanIn = sweepCase.WeightSize / sweepCase.OutChannels;
        float bound = 1f / MathF.Sqrt(fanIn);
        return new SweepData(
            X: Check.Uniform(batch * sweepCase.InputSize, seed: 1),
            Weight: Check.Uniform(sweepCase.WeightSize, seed: 2, lo: -bound, hi: bound),
            Bias: Check.Uniform(sweepCase.OutChannels, seed: 3, lo: -bound, hi: bound),
            Y: new float[batch * sweepCase.OutputSize],
            OutputGradient: Check.Uniform(batch * sweepCase.OutputSize, seed: 4),
            WeightGradient: new float[sweepCase.WeightSize],
            BiasGradient: new float[sweepCase.OutChannels],
            InputGradient: new float[batch * sweepCase.InputSize]);
    }
}
