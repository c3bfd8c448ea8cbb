using System.Collections.Generic;

namespace NetDsl;

/// <summary>How <see cref="CsvLoader"/> reads a CSV file. Numbers are always parsed with the invariant culture (a dot as decimal separator).</summary>
public sealed class CsvOptions
{
    /// <summary>Whether the first line (after <see cref="SkipLines"/>) is a header of column names rather than data. Default false.</summary>
    public bool HasHeader { get; init; }

    /// <summary>
    /// The number of lines to skip at the start of the file, before the header or the data (for example 1 for the
    /// scikit-learn files whose first line is <c>n_samples,n_features,class names...</c>). Default 0.
    /// </summary>
    public int SkipLines { get; init; }

    /// <summary>
    /// The 0-based index of the target column; negative values count from the end (−1, the default, is the last column).
    /// Ignored when <see cref="TargetColumnName"/> is set.
    /// </summary>
    public int TargetColumn { get; init; } = -1;

    /// <summary>The name of the target column in the header; needs <see cref="HasHeader"/>.</summary>
    public string? TargetColumnName { get; init; }

    /// <summary>How to read the target: a class index (the default), a binary label or a value.</summary>
    public TargetKind Target { get; init; } = TargetKind.ClassIndex;

    /// <summary>
    /// For <see cref="TargetKind.ClassIndex"/>: the number of classes; null (the default) takes the largest class index
    /// plus one. For <see cref="TargetKind.Binary"/> the classes are always 0 and 1.
    /// </summary>
    public int? ClassCount { get; init; }

    /// <summary>The field separator. Default ','.</summary>
    public char Delimiter { get; init; } = ',';

    /// <summary>What to do with missing and infinite feature values. Default: drop the row.</summary>
    public MissingValuePolicy MissingValues { get; init; } = MissingValuePolicy.DropRow;

    /// <summary>The value that <see cref="MissingValuePolicy.ImputeConstant"/> puts in place of a missing value. Default 0.</summary>
    public float ImputationValue { get; init; }

    /// <summary>
    /// The cells read as missing values besides the empty cell, compared case-insensitively after trimming spaces.
    /// Default: <c>NA</c>, <c>N/A</c>, <c>NaN</c>, <c>null</c>, <c>?</c>.
    /// </summary>
    public IReadOnlyCollection<string> MissingTokens { get; init; } = ["NA", "N/A", "NaN", "null", "?"];
}
