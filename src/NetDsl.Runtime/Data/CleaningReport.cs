using System.Globalization;

namespace NetDsl;

/// <summary>What cleaning did to a dataset: how many samples it read and dropped and how many values it found missing or infinite and imputed.</summary>
/// <param name="Policy">The policy applied.</param>
/// <param name="RowsRead">The number of samples before cleaning.</param>
/// <param name="RowsDropped">The number of samples dropped (for a missing feature under <see cref="MissingValuePolicy.DropRow"/>, or for a missing target under any policy).</param>
/// <param name="RowsDroppedForTarget">Of <paramref name="RowsDropped"/>, those whose target was missing or infinite.</param>
/// <param name="MissingValues">The number of missing feature values found (empty cells, <c>NA</c>, <c>NaN</c>).</param>
/// <param name="InfiniteValues">The number of infinite feature values found.</param>
/// <param name="ImputedValues">The number of feature values replaced by imputation.</param>
public sealed record CleaningReport(
    MissingValuePolicy Policy,
    int RowsRead,
    int RowsDropped,
    int RowsDroppedForTarget,
    int MissingValues,
    int InfiniteValues,
    int ImputedValues)
{
    /// <summary>The number of samples kept.</summary>
    public int RowsKept => RowsRead - RowsDropped;

    /// <summary>A one-line summary, for example <c>1797 rows read, 1797 kept, 0 dropped; 0 missing and 0 infinite values, 0 imputed (policy DropRow)</c>.</summary>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"{RowsRead} rows read, {RowsKept} kept, {RowsDropped} dropped ({RowsDroppedForTarget} for a missing target); {MissingValues} missing and {InfiniteValues} infinite values, {ImputedValues} imputed (policy {Policy})");
}
