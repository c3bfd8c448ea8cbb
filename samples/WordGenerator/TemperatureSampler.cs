using System;
using NetDsl;

namespace WordGenerator;

/// <summary>Draws a class from logits at a temperature: <c>p_i ∝ exp(logit_i / T)</c>.</summary>
public static class TemperatureSampler
{
    /// <summary>
    /// The index of the class drawn from <c>softmax(logits / temperature)</c> with one uniform number from
    /// <paramref name="random"/>. Below 1 the temperature sharpens the distribution towards the most likely class, above 1
    /// it flattens it; at 0 (or below) it is the argmax (the first one of a tie), and no random number is drawn.
    /// </summary>
    public static int Sample(ReadOnlySpan<float> logits, double temperature, SeededRandom random)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (logits.IsEmpty)
        {
            throw new ArgumentException("Expected at least one logit.", nameof(logits));
        }

        int best = 0;
        for (int i = 1; i < logits.Length; i++)
        {
            if (logits[i] > logits[best])
            {
                best = i;
            }
        }

        if (temperature <= 0)
        {
            return best;
        }

        // Shifted by the largest logit, so the largest weight is exactly 1 and nothing overflows at a low temperature.
        double max = logits[best], total = 0;
        for (int i = 0; i < logits.Length; i++)
        {
            total += Math.Exp((logits[i] - max) / temperature);
        }

        double u = random.NextDouble() * total;
        int last = best;
        for (int i = 0; i < logits.Length; i++)
        {
            double weight = Math.Exp((logits[i] - max) / temperature);
            u -= weight;
            if (u < 0)
            {
                return i;
            }

            last = weight > 0 ? i : last;
        }

        return last; // rounding left u at 0 or just above it: the last class with any weight
    }

    /// <summary>The probabilities <c>softmax(logits / temperature)</c> (temperature above 0).</summary>
    public static double[] Probabilities(ReadOnlySpan<float> logits, double temperature)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(temperature);
        double max = double.NegativeInfinity;
        foreach (float logit in logits)
        {
            max = Math.Max(max, logit);
        }

        var p = new double[logits.Length];
        double total = 0;
        for (int i = 0; i < p.Length; i++)
        {
            p[i] = Math.Exp((logits[i] - max) / temperature);
            total += p[i];
        }

        for (int i = 0; i < p.Length; i++)
        {
            p[i] /= total;
        }

        return p;
    }
}
