namespace NetDsl;

/// <summary>The three parts of a dataset: training, validation and test. A part with fraction 0 is an empty dataset.</summary>
/// <param name="Training">The samples to train on (and to fit the normalization on).</param>
/// <param name="Validation">The samples to watch during training (early stopping, schedules, model choice).</param>
/// <param name="Test">The samples to report the final result on, untouched until then.</param>
public sealed record DatasetSplit(Dataset Training, Dataset Validation, Dataset Test);
