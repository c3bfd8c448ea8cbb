using System;
using NetDsl.Tests.Reference;

namespace NetDsl.Tests;

/// <summary>Deterministic random test data.</summary>
internal static class TestData
{
    /// <summary>The seeds of the numerics theories.</summary>
    public static readonly int[] Seeds = [1, 7, 2024];

    /// <summary>The batch sizes of the numerics theories.</summary>
    public static readonly int[] BatchSizes = [1, 2, 3, 7, 32];

    /// <summary>Floats uniform in [<paramref name="low"/>, <paramref name="high"/>).</summary>
    public static float[] Uniform(Random random, int count, float low = -1f, float high = 1f)
    {
        var values = new float[count];
        for (int j = 0; j < count; j++)
        {
            values[j] = low + ((high - low) * random.NextSingle());
        }

        return values;
    }

    /// <summary>
    /// Inputs for <paramref name="batch"/> samples, redrawn until no ReLU pre-activation lies within 1e-3 of 0 in the
    /// double-precision reference. Float rounding (about 1e-6 here) could otherwise put a pre-activation on the other
    /// side of the kink than double does and flip a whole unit's gradient, which is not an error of NetDsl.
    /// </summary>
    public static float[] InputsAwayFromKinks(ReferenceNetwork reference, ReadOnlySpan<float> parameters, int batch, Random random)
    {
        double[] p = ReferenceNetwork.ToDouble(parameters);
        for (int attempt = 0; ; attempt++)
        {
            float[] inputs = Uniform(random, batch * reference.InputSize);
            if (!reference.HasReLU || reference.MinimumReLUMargin(p, ReferenceNetwork.ToDouble(inputs), batch) > 1e-3)
            {
                return inputs;
            }

            if (attempt == 1000)
            {
                throw new InvalidOperationException("No inputs away from the ReLU kinks were found.");
            }
        }
    }
}
