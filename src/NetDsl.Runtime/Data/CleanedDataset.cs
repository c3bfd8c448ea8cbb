namespace NetDsl;

/// <summary>A dataset after cleaning, with the report of what cleaning did.</summary>
/// <param name="Data">The cleaned dataset: every feature and target finite.</param>
/// <param name="Report">What cleaning dropped and imputed.</param>
public sealed record CleanedDataset(Dataset Data, CleaningReport Report);
