using System;
using NetDsl.Serialization;

namespace NetDsl;

/// <summary>Turns the shared code's internal problems into the public <see cref="WeightFileException"/>.</summary>
internal static class WeightFileProblems
{
    /// <summary>The public exception for <paramref name="problem"/> (its internal type never escapes).</summary>
    public static WeightFileException ToPublic(SafeTensorsFormatException problem) =>
        new(Map(problem.Kind), problem.Message, problem.TensorName);

    private static WeightFileError Map(SafeTensorsProblemKind kind) => kind switch
    {
        SafeTensorsProblemKind.Truncated => WeightFileError.Truncated,
        SafeTensorsProblemKind.TrailingBytes => WeightFileError.TrailingBytes,
        SafeTensorsProblemKind.HeaderTooLarge => WeightFileError.HeaderTooLarge,
        SafeTensorsProblemKind.InvalidUtf8 => WeightFileError.InvalidUtf8,
        SafeTensorsProblemKind.InvalidJson => WeightFileError.InvalidJson,
        SafeTensorsProblemKind.InvalidHeader => WeightFileError.InvalidHeader,
        SafeTensorsProblemKind.DuplicateName => WeightFileError.DuplicateName,
        SafeTensorsProblemKind.UnknownDtype => WeightFileError.UnknownDtype,
        SafeTensorsProblemKind.UnsupportedDtype => WeightFileError.UnsupportedDtype,
        SafeTensorsProblemKind.SizeMismatch => WeightFileError.SizeMismatch,
        SafeTensorsProblemKind.InvalidOffsets => WeightFileError.InvalidOffsets,
        SafeTensorsProblemKind.TooLarge => WeightFileError.TooLarge,
        SafeTensorsProblemKind.ValueOutOfRange => WeightFileError.ValueOutOfRange,
        SafeTensorsProblemKind.MissingTensor => WeightFileError.MissingTensor,
        SafeTensorsProblemKind.UnexpectedTensor => WeightFileError.UnexpectedTensor,
        SafeTensorsProblemKind.ShapeMismatch => WeightFileError.ShapeMismatch,
        SafeTensorsProblemKind.ArchitectureMismatch => WeightFileError.ArchitectureMismatch,
        SafeTensorsProblemKind.UnsupportedVersion => WeightFileError.UnsupportedVersion,
        _ => throw new InvalidOperationException("Unmapped weight-file problem kind " + kind + "."),
    };
}
