using System;

namespace NetDsl;

/// <summary>Everything a <see cref="Trainer{TNetwork}"/> needs besides the network and the data.</summary>
public sealed class TrainingOptions
{
    /// <summary>The loss; its <see cref="ILoss.Targets"/> decide which metrics are reported.</summary>
    public required ILoss Loss { get; init; }

    /// <summary>The optimizer; the trainer steps it once per batch.</summary>
    public required IOptimizer Optimizer { get; init; }

    /// <summary>The number of passes over the training set (default 10).</summary>
    public int Epochs { get; init; } = 10;

    /// <summary>The number of samples per optimizer step (default 32).</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>An optional learning-rate schedule bound to <see cref="Optimizer"/>, stepped at the end of every epoch.</summary>
    public LearningRateSchedule? Schedule { get; init; }

    /// <summary>The metric passed to a schedule that uses one (<see cref="ReduceLROnPlateau"/>); default: the validation loss.</summary>
    public Metric ScheduleMetric { get; init; } = Metric.ValidationLoss;

    /// <summary>Optional early stopping.</summary>
    public EarlyStopping? EarlyStopping { get; init; }

    /// <summary>When set, the gradients of each step are scaled to this global L2 norm at most (<see cref="GradientClipping.ClipByNorm"/>).</summary>
    public float? MaxGradientNorm { get; init; }

    /// <summary>When set, the gradients of each step are clamped into ±this value (<see cref="GradientClipping.ClipByValue"/>), before any norm clipping.</summary>
    public float? GradientClipValue { get; init; }

    /// <summary>Whether every epoch visits the training set in a new random order (default true).</summary>
    public bool Shuffle { get; init; } = true;

    /// <summary>Whether to skip the last, smaller batch of each epoch (default false).</summary>
    public bool DropLast { get; init; }

    /// <summary>The seed of the shuffles: with the network's own seed it makes training reproducible bit for bit (default 0).</summary>
    public int Seed { get; init; }

    /// <summary>
    /// The number of threads a training step and an evaluation use, the calling thread included (default 1). Above 1, or
    /// with <see cref="ChunkSize"/> set, the trainer runs the network through a <see cref="DataParallel{TNetwork}"/>:
    /// each batch is cut into chunks of <see cref="ChunkSize"/> samples. The results then depend on the chunk size but
    /// not on the number of threads, bit for bit. <c>Environment.ProcessorCount</c> uses every core.
    /// </summary>
    public int Threads { get; init; } = 1;

    /// <summary>
    /// The number of samples per chunk of data-parallel training (see <see cref="Threads"/>); when null (the default),
    /// <see cref="DataParallel{TNetwork}.DefaultChunkSize"/> if <see cref="Threads"/> is above 1, otherwise no chunks: the
    /// whole batch runs on the calling thread as one piece. Set it, even with one thread, to get the same bits as on
    /// any number of threads; a batch of at most one chunk gives exactly the unchunked result.
    /// </summary>
    public int? ChunkSize { get; init; }

    /// <summary>Whether the trainer runs the network through a <see cref="DataParallel{TNetwork}"/>.</summary>
    internal bool IsDataParallel => Threads > 1 || ChunkSize is not null;

    /// <summary>Throws when a value is out of range or the parts do not fit together.</summary>
    internal void Validate()
    {
        if (Loss is null || Optimizer is null)
        {
            throw new ArgumentException("Expected a loss and an optimizer, but one of them is null.", "options");
        }

        if (Epochs < 1)
        {
            throw new ArgumentOutOfRangeException("options", Epochs, $"Expected at least 1 epoch, but Epochs is {Epochs}.");
        }

        if (BatchSize < 1)
        {
            throw new ArgumentOutOfRangeException("options", BatchSize, $"Expected a positive batch size, but BatchSize is {BatchSize}.");
        }

        if (Threads < 1)
        {
            throw new ArgumentOutOfRangeException("options", Threads, $"Expected at least 1 thread, but Threads is {Threads}.");
        }

        if (ChunkSize is int chunk && chunk < 1)
        {
            throw new ArgumentOutOfRangeException("options", chunk, $"Expected a chunk size of at least 1 sample, but ChunkSize is {chunk}.");
        }

        if (Schedule is not null && !ReferenceEquals(Schedule.Optimizer, Optimizer))
        {
            throw new ArgumentException("The schedule is bound to a different optimizer than the trainer's: create it with the same optimizer instance.", "options");
        }

        if (MaxGradientNorm is float norm && !(norm > 0f && float.IsFinite(norm)))
        {
            throw new ArgumentOutOfRangeException("options", norm, $"Expected a positive, finite MaxGradientNorm, but got {norm}.");
        }

        if (GradientClipValue is float clip && !(clip > 0f && float.IsFinite(clip)))
        {
            throw new ArgumentOutOfRangeException("options", clip, $"Expected a positive, finite GradientClipValue, but got {clip}.");
        }
    }
}
