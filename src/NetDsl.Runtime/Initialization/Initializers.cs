using System;

namespace NetDsl;

/// <summary>
/// Parameter initializations, each matching its PyTorch namesake in <c>torch.nn.init</c> (the formulas and
/// defaults; the random numbers come from <see cref="SeededRandom"/>, so they are reproducible but not PyTorch's).
/// </summary>
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

    /// <summary>Fills one tensor from the standard normal distribution, as <c>nn.init.normal_(w)</c>: PyTorch's initialization of <c>nn.Embedding</c>.</summary>
    public static void StandardNormal(Span<float> tensor, SeededRandom random)
    {
        ArgumentNullException.ThrowIfNull(random);
        FillNormal(tensor, 1.0, random);
    }

    /// <summary>
    /// The recommended gain for a non-linearity, as <c>torch.nn.init.calculate_gain(nonlinearity, param)</c>.
    /// </summary>
    /// <param name="nonlinearity">The non-linearity after the layer.</param>
    /// <param name="negativeSlope">The negative slope of <see cref="Nonlinearity.LeakyReLU"/> (PyTorch's default 0.01); ignored otherwise.</param>
    /// <exception cref="ArgumentOutOfRangeException">The slope is not finite, or the non-linearity is unknown.</exception>
    public static float CalculateGain(Nonlinearity nonlinearity, float negativeSlope = 0.01f)
    {
        if (!float.IsFinite(negativeSlope))
        {
            throw new ArgumentOutOfRangeException(nameof(negativeSlope), negativeSlope, $"Expected a finite negative slope, but got {negativeSlope}.");
        }

        return nonlinearity switch
        {
            Nonlinearity.Linear or Nonlinearity.Sigmoid => 1f,
            Nonlinearity.Tanh => 5f / 3f,
            Nonlinearity.ReLU => MathF.Sqrt(2f),
            Nonlinearity.LeakyReLU => (float)Math.Sqrt(2.0 / (1.0 + (double)negativeSlope * negativeSlope)),
            Nonlinearity.Selu => 3f / 4f,
            _ => throw new ArgumentOutOfRangeException(nameof(nonlinearity), nonlinearity, "Expected a defined Nonlinearity value."),
        };
    }

    /// <summary>
    /// The fans of a weight of the given shape, as PyTorch's <c>_calculate_fan_in_and_fan_out</c>: for
    /// <c>[out, in, k...]</c>, <c>fanIn = in * prod(k)</c> and <c>fanOut = out * prod(k)</c>.
    /// </summary>
    /// <exception cref="ArgumentException">The shape has fewer than two dimensions, or a dimension is not positive.</exception>
    public static (int FanIn, int FanOut) ComputeFans(ReadOnlySpan<int> shape)
    {
        if (shape.Length < 2)
        {
            throw new ArgumentException($"Fan in and fan out need a tensor of at least 2 dimensions, but the shape has {shape.Length}.", nameof(shape));
        }

        long receptiveField = 1;
        for (int i = 0; i < shape.Length; i++)
        {
            if (shape[i] <= 0)
            {
                throw new ArgumentException($"Expected positive dimensions, but dimension {i} is {shape[i]}.", nameof(shape));
            }

            if (i >= 2)
            {
                receptiveField *= shape[i];
            }
        }

        return (checked((int)(shape[1] * receptiveField)), checked((int)(shape[0] * receptiveField)));
    }

    /// <summary>Xavier/Glorot uniform, as <c>xavier_uniform_(w, gain)</c>: uniform in <c>±gain * sqrt(6 / (fanIn + fanOut))</c>.</summary>
    public static void XavierUniform(Span<float> weight, int fanIn, int fanOut, SeededRandom random, float gain = 1f)
    {
        CheckFans(fanIn, fanOut, random, gain);
        float bound = (float)(gain * Math.Sqrt(6.0 / ((double)fanIn + fanOut)));
        random.FillUniform(weight, -bound, bound);
    }

    /// <summary>Xavier/Glorot normal, as <c>xavier_normal_(w, gain)</c>: normal with mean 0 and standard deviation <c>gain * sqrt(2 / (fanIn + fanOut))</c>.</summary>
    public static void XavierNormal(Span<float> weight, int fanIn, int fanOut, SeededRandom random, float gain = 1f)
    {
        CheckFans(fanIn, fanOut, random, gain);
        FillNormal(weight, gain * Math.Sqrt(2.0 / ((double)fanIn + fanOut)), random);
    }

    /// <summary>
    /// Kaiming/He uniform, as <c>kaiming_uniform_(w, a, mode, nonlinearity)</c>: uniform in
    /// <c>±sqrt(3) * gain / sqrt(fan)</c>, with <c>gain = calculate_gain(nonlinearity, a)</c>. PyTorch's defaults are
    /// <c>a = 0</c>, fan-in and leaky ReLU (whose gain with <c>a = 0</c> is that of ReLU).
    /// </summary>
    public static void KaimingUniform(Span<float> weight, int fanIn, int fanOut, SeededRandom random, float a = 0f, FanMode mode = FanMode.FanIn, Nonlinearity nonlinearity = Nonlinearity.LeakyReLU)
    {
        CheckFans(fanIn, fanOut, random, 1f);
        double standardDeviation = KaimingStandardDeviation(fanIn, fanOut, a, mode, nonlinearity);
        float bound = (float)(Math.Sqrt(3.0) * standardDeviation);
        random.FillUniform(weight, -bound, bound);
    }

    /// <summary>
    /// Kaiming/He normal, as <c>kaiming_normal_(w, a, mode, nonlinearity)</c>: normal with mean 0 and standard deviation
    /// <c>gain / sqrt(fan)</c>, with <c>gain = calculate_gain(nonlinearity, a)</c>.
    /// </summary>
    public static void KaimingNormal(Span<float> weight, int fanIn, int fanOut, SeededRandom random, float a = 0f, FanMode mode = FanMode.FanIn, Nonlinearity nonlinearity = Nonlinearity.LeakyReLU)
    {
        CheckFans(fanIn, fanOut, random, 1f);
        FillNormal(weight, KaimingStandardDeviation(fanIn, fanOut, a, mode, nonlinearity), random);
    }

    /// <summary>
    /// Re-initializes every weight of <paramref name="network"/> (each tensor of two or more dimensions) with
    /// <paramref name="scheme"/> and sets every bias (each one-dimensional tensor) to zero, as the common PyTorch idiom
    /// <c>init.xavier_uniform_(m.weight); init.zeros_(m.bias)</c>. Xavier uses <c>calculate_gain(nonlinearity)</c>;
    /// Kaiming uses fan-in mode with <paramref name="nonlinearity"/>. Tensors are filled in <c>state_dict</c> order
    /// from one generator seeded with <paramref name="seed"/>; the gradients are set to zero.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="scheme"/> is not a defined value.</exception>
    public static void Initialize(INetwork network, WeightInitialization scheme, int seed, Nonlinearity nonlinearity = Nonlinearity.ReLU)
    {
        ArgumentNullException.ThrowIfNull(network);
        if (!Enum.IsDefined(scheme))
        {
            throw new ArgumentOutOfRangeException(nameof(scheme), scheme, "Expected a defined WeightInitialization value.");
        }

        var random = new SeededRandom(seed);
        Span<float> parameters = network.Parameters;
        foreach (TensorInfo tensor in network.ParameterTensors)
        {
            Span<float> values = parameters.Slice(tensor.Offset, tensor.Length);
            if (tensor.Shape.Length < 2)
            {
                values.Clear();
                continue;
            }

            (int fanIn, int fanOut) = ComputeFans(tensor.Shape);
            float negativeSlope = nonlinearity == Nonlinearity.LeakyReLU ? 0.01f : 0f;
            switch (scheme)
            {
                case WeightInitialization.XavierUniform:
                    XavierUniform(values, fanIn, fanOut, random, CalculateGain(nonlinearity, negativeSlope));
                    break;
                case WeightInitialization.XavierNormal:
                    XavierNormal(values, fanIn, fanOut, random, CalculateGain(nonlinearity, negativeSlope));
                    break;
                case WeightInitialization.KaimingUniform:
                    KaimingUniform(values, fanIn, fanOut, random, negativeSlope, FanMode.FanIn, nonlinearity);
                    break;
                default:
                    KaimingNormal(values, fanIn, fanOut, random, negativeSlope, FanMode.FanIn, nonlinearity);
                    break;
            }
        }

        network.ZeroGradients();
    }

    private static double KaimingStandardDeviation(int fanIn, int fanOut, float a, FanMode mode, Nonlinearity nonlinearity)
    {
        int fan = mode switch
        {
            FanMode.FanIn => fanIn,
            FanMode.FanOut => fanOut,
            _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "Expected FanMode.FanIn or FanMode.FanOut."),
        };
        return CalculateGain(nonlinearity, a) / Math.Sqrt(fan);
    }

    /// <summary>Fills with normal samples (Box–Muller on the generator's doubles, two samples per pair of draws, in order).</summary>
    private static void FillNormal(Span<float> destination, double standardDeviation, SeededRandom random)
    {
        for (int i = 0; i < destination.Length; i += 2)
        {
            double radius = Math.Sqrt(-2.0 * Math.Log(1.0 - random.NextDouble())); // 1 - u is in (0, 1]: no log(0)
            double angle = 2.0 * Math.PI * random.NextDouble();
            destination[i] = (float)(standardDeviation * radius * Math.Cos(angle));
            if (i + 1 < destination.Length)
            {
                destination[i + 1] = (float)(standardDeviation * radius * Math.Sin(angle));
            }
        }
    }

    private static void CheckFans(int fanIn, int fanOut, SeededRandom random, float gain)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(fanIn);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(fanOut);
        ArgumentNullException.ThrowIfNull(random);
        if (!(gain >= 0f && float.IsFinite(gain)))
        {
            throw new ArgumentOutOfRangeException(nameof(gain), gain, $"Expected a finite, non-negative gain, but got {gain}.");
        }
    }
}
