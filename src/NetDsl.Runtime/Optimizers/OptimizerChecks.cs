using System;

namespace NetDsl;

/// <summary>Hyperparameter and state checks shared by the optimizers, with NetDsl's messages: what was expected and what arrived.</summary>
internal static class OptimizerChecks
{
    /// <summary>Returns <paramref name="value"/> when it is a finite, non-negative learning rate.</summary>
    public static float LearningRate(float value, string parameterName)
    {
        if (!float.IsFinite(value) || value < 0f)
        {
            throw new ArgumentOutOfRangeException(parameterName, value, $"Expected a finite, non-negative learning rate, but got {value}.");
        }

        return value;
    }

    /// <summary>Returns <paramref name="value"/> when it is finite and not negative.</summary>
    public static float NonNegative(float value, string parameterName)
    {
        if (!float.IsFinite(value) || value < 0f)
        {
            throw new ArgumentOutOfRangeException(parameterName, value, $"Expected a finite, non-negative {parameterName}, but got {value}.");
        }

        return value;
    }

    /// <summary>Returns <paramref name="value"/> when it lies in [0, 1).</summary>
    public static float UnitInterval(float value, string parameterName)
    {
        if (!(value >= 0f && value < 1f))
        {
            throw new ArgumentOutOfRangeException(parameterName, value, $"Expected {parameterName} in [0, 1), but got {value}.");
        }

        return value;
    }

    /// <summary>Checks the operands of a step and returns their common length.</summary>
    public static int Operands(Span<float> parameters, ReadOnlySpan<float> gradients)
    {
        Guard.Length(gradients.Length, parameters.Length, nameof(gradients));
        return parameters.Length;
    }

    /// <summary>
    /// Returns <paramref name="buffer"/> when it already holds state for <paramref name="length"/> parameters, or a
    /// new zeroed buffer when it is null (the first step); throws when the state was made for another length.
    /// </summary>
    public static float[] State(ref float[]? buffer, int length, string optimizerName)
    {
        if (buffer is null)
        {
            buffer = new float[length];
        }
        else if (buffer.Length != length)
        {
            throw new ArgumentException(
                $"{optimizerName} holds state for {buffer.Length} parameters, but this step has {length}; use one optimizer per parameter span, or call Reset() first.",
                "parameters");
        }

        return buffer;
    }
}
