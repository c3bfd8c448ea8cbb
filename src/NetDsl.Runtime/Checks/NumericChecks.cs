using System;

namespace NetDsl;

/// <summary>
/// The opt-in check mode for numerics: while <see cref="Enabled"/>, every generated network checks its inputs, each
/// stage's outputs, each stage's input gradients and the parameter gradients for NaN and infinities, and throws a
/// <see cref="NonFiniteValueException"/> at the first one, naming the network, the layer, the sample and the element.
/// Off by default: it reads every activation once more. Turn it on for a whole process with the environment variable
/// <c>NETDSL_CHECK_NUMERICS=1</c>, or in code around the calls to diagnose.
/// </summary>
/// <remarks>
/// The switch is process-wide. Single-sample inference of a network unrolled into locals runs through its stage code
/// while checks are on, so that an activation can be named; results are the same, only slower.
/// </remarks>
public static class NumericChecks
{
    private static volatile bool s_enabled = ReadEnvironment();

    /// <summary>Whether generated networks check their values; initially whether <c>NETDSL_CHECK_NUMERICS</c> is <c>1</c> or <c>true</c>.</summary>
    public static bool Enabled
    {
        get => s_enabled;
        set => s_enabled = value;
    }

    private static bool ReadEnvironment()
    {
        string? value = Environment.GetEnvironmentVariable("NETDSL_CHECK_NUMERICS");
        return value is not null && (value == "1" || value.Equals("true", StringComparison.OrdinalIgnoreCase));
    }
}
