using System;

namespace NetDsl;

/// <summary>
/// A weight file is malformed, or does not fit the network it is loaded into. The message says what was expected and
/// what the file holds; <see cref="Error"/> tells the kind of problem and <see cref="TensorName"/> the tensor, when one
/// is concerned. A load that throws it leaves the network unchanged.
/// </summary>
public sealed class WeightFileException : FormatException
{
    /// <summary>Creates the exception with a generic message, of kind <see cref="WeightFileError.InvalidHeader"/>.</summary>
    public WeightFileException()
        : this(WeightFileError.InvalidHeader, "The weight file is not valid.")
    {
    }

    /// <summary>Creates the exception with a message, of kind <see cref="WeightFileError.InvalidHeader"/>.</summary>
    public WeightFileException(string message)
        : this(WeightFileError.InvalidHeader, message)
    {
    }

    /// <summary>Creates the exception with a message and its cause, of kind <see cref="WeightFileError.InvalidHeader"/>.</summary>
    public WeightFileException(string message, Exception? innerException)
        : base(message, innerException)
    {
        Error = WeightFileError.InvalidHeader;
    }

    /// <summary>Creates the exception for a problem of kind <paramref name="error"/>, concerning <paramref name="tensorName"/> if not <see langword="null"/>.</summary>
    public WeightFileException(WeightFileError error, string message, string? tensorName = null)
        : base(message)
    {
        Error = error;
        TensorName = tensorName;
    }

    /// <summary>The kind of problem.</summary>
    public WeightFileError Error { get; }

    /// <summary>The tensor the problem concerns, or <see langword="null"/> when it concerns the file as a whole.</summary>
    public string? TensorName { get; }
}
