using System;
using System.Globalization;

namespace NetDsl;

/// <summary>
/// A NaN or an infinity where <see cref="NumericChecks"/> looked: a network's input, a layer's output, the gradient
/// arriving at a layer's input, or a parameter's gradient. The message names the network, the place, the sample and
/// the element, so that a diverging model can be traced to the first layer that went wrong.
/// </summary>
public sealed class NonFiniteValueException : ArithmeticException
{
    /// <summary>Creates the exception with a message only.</summary>
    public NonFiniteValueException(string message)
        : base(message)
    {
        Network = string.Empty;
        Location = message;
        Sample = -1;
    }

    /// <summary>Creates the exception with a message and the exception that caused it.</summary>
    public NonFiniteValueException(string message, Exception innerException)
        : base(message, innerException)
    {
        Network = string.Empty;
        Location = message;
        Sample = -1;
    }

    internal NonFiniteValueException(string network, string location, int sample, int element, float value)
        : base(Describe(network, location, sample, element, value))
    {
        Network = network;
        Location = location;
        Sample = sample;
        Element = element;
        Value = value;
    }

    /// <summary>The network class's name.</summary>
    public string Network { get; }

    /// <summary>Where the value was found, such as <c>the output of layer 'fc1' (Linear, stage 2)</c>.</summary>
    public string Location { get; }

    /// <summary>The sample's index within the batch (from 0), or -1 for a parameter gradient, which sums the batch.</summary>
    public int Sample { get; }

    /// <summary>The element's index within the sample (or within the parameter tensor).</summary>
    public int Element { get; }

    /// <summary>The value found: NaN, positive or negative infinity.</summary>
    public float Value { get; }

    private static string Describe(string network, string location, int sample, int element, float value)
    {
        string text = value.ToString(CultureInfo.InvariantCulture);
        return sample >= 0
            ? $"{network}: {text} in {location}, sample {sample}, element {element}; the values before it were finite."
            : $"{network}: {text} in {location}, element {element}; the values before it were finite.";
    }
}
