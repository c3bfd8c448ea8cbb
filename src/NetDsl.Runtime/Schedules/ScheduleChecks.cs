using System;

namespace NetDsl;

/// <summary>Argument checks shared by the learning-rate schedules.</summary>
internal static class ScheduleChecks
{
    /// <summary>Returns <paramref name="value"/> when it is a finite, non-negative multiplicative factor.</summary>
    public static float Factor(float value, string parameterName)
    {
        if (!float.IsFinite(value) || value < 0f)
        {
            throw new ArgumentOutOfRangeException(parameterName, value, $"Expected a finite, non-negative {parameterName}, but got {value}.");
        }

        return value;
    }
}
