namespace NetDsl;

/// <summary>What to do with missing (empty, <c>NA</c>, <c>NaN</c>) and infinite feature values. A sample whose target is missing or infinite is always dropped (or, with <see cref="Fail"/>, reported).</summary>
public enum MissingValuePolicy
{
    /// <summary>Drop every sample with a missing or infinite feature.</summary>
    DropRow,

    /// <summary>Replace each missing or infinite feature with the mean of its column's finite values.</summary>
    ImputeMean,

    /// <summary>Replace each missing or infinite feature with the median of its column's finite values.</summary>
    ImputeMedian,

    /// <summary>Replace each missing or infinite feature with a constant (<see cref="CsvOptions.ImputationValue"/>).</summary>
    ImputeConstant,

    /// <summary>Treat any missing or infinite value as an error that names where it is.</summary>
    Fail,
}
