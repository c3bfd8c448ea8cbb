using System;
using System.Collections.Generic;
using System.Diagnostics;
using NetDsl.Generated;
using System.Threading;

namespace NetDsl;

/// <summary>
/// Trains a generated network: mini-batches, loss, backward, gradient clipping, optimizer steps, a learning-rate
/// schedule, validation after every epoch, early stopping with restoration of the best parameters, progress reports,
/// cancellation between batches, and divergence detection. Deterministic: the same network seed, options (their
/// <see cref="TrainingOptions.Seed"/> included) and data give the same parameters, bit for bit, on the same machine.
/// With <see cref="TrainingOptions.Threads"/> above 1 (or <see cref="TrainingOptions.ChunkSize"/> set) the network runs
/// data-parallel through a <see cref="DataParallel{TNetwork}"/>; the parameters are then the same, bit for bit, for any
/// number of threads at the same chunk size, and may differ in the last bits from unchunked training.
/// </summary>
/// <typeparam name="TNetwork">The generated network class.</typeparam>
/// <remarks>
/// <para>Every buffer is allocated at construction or on the first batch; a training step (<see cref="TrainBatch"/>)
/// allocates nothing. Per epoch, the trainer allocates the epoch's metrics.</para>
/// <para>Training steps run the network's <c>ForwardTraining</c> (training mode: dropout active, batch normalization on
/// batch statistics) and evaluation its <c>ForwardBatch</c> (inference mode), as <c>model.train()</c> and <c>model.eval()</c>
/// do in PyTorch.</para>
/// <para>A trainer is not thread-safe, and neither is the network it trains. A data-parallel trainer owns worker threads:
/// dispose it to stop them (they are background threads, so a forgotten trainer does not keep the process alive).</para>
/// </remarks>
public sealed class Trainer<TNetwork> : IDisposable
    where TNetwork : class, INetwork<TNetwork>
{
    private readonly DataParallel<TNetwork>? _parallel;
    private readonly int _targetSize;
    private readonly float[] _outputs;
    private readonly float[] _outputGradients;
    private readonly float[] _previousParameters;
    private readonly float[] _bestParameters;
    private readonly MetricsAccumulator _epochMetrics;
    private readonly MetricsAccumulator _evaluationMetrics;
    private IReadOnlyList<EpochMetrics> _history = [];
    private int _batchCount;

    /// <summary>Creates a trainer of <paramref name="network"/>.</summary>
    /// <exception cref="ArgumentException">
    /// The options do not fit together or do not fit the network (for example cross-entropy on one output, or early
    /// stopping on accuracy with a regression loss), or they ask for data-parallel training of a network with buffers
    /// that does not implement <see cref="ISegmentedTraining"/> (a hand-written one: every generated network does).
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public Trainer(TNetwork network, TrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (network.IsFrozen())
        {
            throw new ArgumentException($"{typeof(TNetwork).Name} is frozen for inference (Freeze): training would write its parameters. Train a network that is not frozen (load the saved weights into a new one).", nameof(network));
        }

        if (!Enum.IsDefined(options.Loss.Targets))
        {
            throw new ArgumentException($"The loss declares undefined targets ({options.Loss.Targets}).", nameof(options));
        }

        if (options.EarlyStopping is { } earlyStopping)
        {
            MetricFacts.RequireTargets(earlyStopping.Monitor, options.Loss.Targets, "EarlyStopping");
        }

        if (options.Schedule is { UsesMetric: true })
        {
            MetricFacts.RequireTargets(options.ScheduleMetric, options.Loss.Targets, "ScheduleMetric");
        }

        int classes = ClassesPerRow(options.Loss);
        bool perStep = options.Loss is CrossEntropyLoss { Classes: not null };
        if (options.Loss.Targets == TargetKind.ClassIndex && TNetwork.OutputShape.Length > 1 && !perStep)
        {
            // One class index per sample against a [T, C] (or [C, L]) output would silently be one softmax over all its values.
            int last = TNetwork.OutputShape[^1];
            throw new ArgumentException(
                $"A class-index loss expects one vector of logits per sample, but {typeof(TNetwork).Name} outputs shape [{string.Join(", ", TNetwork.OutputShape.ToArray())}]: " +
                $"its {TNetwork.OutputSize} values would be one softmax over {TNetwork.OutputSize} classes. For one target per step, use new CrossEntropyLoss(classes: {last}); " +
                "otherwise reduce the sequence first ([LastStep], [MeanOverTime], or a recurrent layer with ReturnSequences = false), or [Flatten] if that is what you mean.",
                nameof(options));
        }

        if (perStep && classes != TNetwork.OutputShape[^1])
        {
            // Rows of `classes` logits must be the output's last dimension (a per-step head [T, C]), not an arbitrary split.
            throw new ArgumentException(
                $"{options.Loss.GetType().Name} reads rows of {classes} logits, but {typeof(TNetwork).Name} outputs shape [{string.Join(", ", TNetwork.OutputShape.ToArray())}], " +
                $"whose last dimension is {TNetwork.OutputShape[^1]}: expected classes: {TNetwork.OutputShape[^1]}.",
                nameof(options));
        }

        Network = network;
        Options = options;
        _targetSize = options.Loss.TargetSize(TNetwork.OutputSize);
        _outputs = new float[checked(options.BatchSize * TNetwork.OutputSize)];
        _outputGradients = new float[_outputs.Length];
        _previousParameters = new float[TNetwork.ParameterCount];
        _bestParameters = new float[TNetwork.ParameterCount];
        int? ignoredClass = options.Loss is CrossEntropyLoss crossEntropy ? crossEntropy.IgnoreIndex : null;
        _epochMetrics = new MetricsAccumulator(options.Loss.Targets, TNetwork.OutputSize, classes, ignoredClass);
        _evaluationMetrics = new MetricsAccumulator(options.Loss.Targets, TNetwork.OutputSize, classes, ignoredClass);
        if (options.IsDataParallel)
        {
            if (DataParallel<TNetwork>.TrainingRefusal(network) is string refusal)
            {
                throw new ArgumentException(refusal, nameof(options));
            }

            _parallel = new DataParallel<TNetwork>(network, options.Threads, options.ChunkSize ?? DataParallel<TNetwork>.DefaultChunkSize, options.Seed);
        }
    }

    /// <summary>The network being trained.</summary>
    public TNetwork Network { get; }

    /// <summary>The options.</summary>
    public TrainingOptions Options { get; }

    /// <summary>The data-parallel runner of the network when <see cref="TrainingOptions.Threads"/> is above 1 or <see cref="TrainingOptions.ChunkSize"/> is set, otherwise null.</summary>
    public DataParallel<TNetwork>? Parallel => _parallel;

    /// <summary>The epoch being trained (from 1) during <see cref="Fit"/>, otherwise 0.</summary>
    public int Epoch { get; private set; }

    /// <summary>The batch being trained within <see cref="Epoch"/> (from 1) during <see cref="Fit"/>, otherwise 0.</summary>
    public int Batch { get; private set; }

    /// <summary>
    /// Trains the network on <paramref name="training"/> for <see cref="TrainingOptions.Epochs"/> epochs, evaluating on
    /// <paramref name="validation"/> after each one.
    /// </summary>
    /// <param name="training">The training set: its features match the network's input size and its targets the loss.</param>
    /// <param name="validation">An optional validation set (an empty one counts as none).</param>
    /// <param name="progress">Receives a report after every batch and at the end of every epoch, synchronously on this thread.</param>
    /// <param name="cancellationToken">Stops training between two batches; the result then says <see cref="StopReason.Cancelled"/>.</param>
    /// <returns>Every epoch's metrics, why training stopped and the best epoch.</returns>
    /// <exception cref="ArgumentException">A dataset does not fit the network or the loss, or a monitored metric cannot be measured.</exception>
    /// <exception cref="TrainingDivergedException">A loss, gradient or parameter became infinite or NaN; the network keeps its last good parameters.</exception>
    public TrainingResult Fit(Dataset training, Dataset? validation = null, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        CheckDataset(training, nameof(training));
        if (training.Count == 0)
        {
            throw new ArgumentException("Expected training samples, but the training set is empty.", nameof(training));
        }

        if (validation is not null)
        {
            CheckDataset(validation, nameof(validation));
            validation = validation.Count == 0 ? null : validation;
        }

        TrainingOptions options = Options;
        EarlyStopping? earlyStopping = options.EarlyStopping;
        if (earlyStopping is not null)
        {
            MetricFacts.RequireValidation(earlyStopping.Monitor, validation is not null, "EarlyStopping");
        }

        LearningRateSchedule? schedule = options.Schedule;
        if (schedule is { UsesMetric: true })
        {
            MetricFacts.RequireValidation(options.ScheduleMetric, validation is not null, "ScheduleMetric");
        }

        var loader = new BatchLoader(training, options.BatchSize, options.Shuffle, options.Seed, options.DropLast);
        var history = new List<EpochMetrics>(options.Epochs);
        _history = history;
        _batchCount = loader.BatchCount;
        var clock = Stopwatch.StartNew();
        EarlyStoppingTracker? tracker = earlyStopping is null ? null : new EarlyStoppingTracker(earlyStopping);
        StopReason stopReason = StopReason.Completed;
        try
        {
            for (int epoch = 1; epoch <= options.Epochs && stopReason == StopReason.Completed; epoch++)
            {
                Epoch = epoch;
                float learningRate = options.Optimizer.LearningRate;
                var epochClock = Stopwatch.StartNew();
                if (!TrainEpoch(loader, epoch, learningRate, clock, epochClock, progress, cancellationToken))
                {
                    stopReason = StopReason.Cancelled;
                    break;
                }

                double samplesPerSecond = _epochMetrics.Count / Math.Max(epochClock.Elapsed.TotalSeconds, 1e-9);
                EvaluationMetrics? validationMetrics = validation is null ? null : Evaluate(validation);
                var metrics = new EpochMetrics(epoch, learningRate, _epochMetrics.Loss, _epochMetrics.Accuracy, validationMetrics, epochClock.Elapsed, samplesPerSecond);
                history.Add(metrics);

                if (tracker is not null)
                {
                    if (tracker.Record(metrics))
                    {
                        Network.ReadParameters().CopyTo(_bestParameters);
                    }
                    else if (tracker.ShouldStop)
                    {
                        stopReason = StopReason.EarlyStopped;
                    }
                }

                if (schedule is { UsesMetric: true })
                {
                    schedule.Step(metrics.GetValue(options.ScheduleMetric)!.Value);
                }
                else
                {
                    schedule?.Step();
                }

                progress?.Report(new TrainingProgress(
                    epoch, options.Epochs, loader.BatchCount, loader.BatchCount, 0f, metrics.TrainingLoss,
                    samplesPerSecond, learningRate, clock.Elapsed, metrics));
            }
        }
        finally
        {
            Epoch = 0;
            Batch = 0;
        }

        int? bestEpoch = tracker?.BestEpoch;
        bool restore = earlyStopping is { RestoreBestParameters: true } && bestEpoch is not null;
        if (restore)
        {
            _bestParameters.CopyTo(Network.Parameters);
            Network.ZeroGradients();
        }

        return new TrainingResult(history, stopReason, bestEpoch, restore, clock.Elapsed);
    }

    /// <summary>
    /// One optimizer step on one batch: zero the gradients, forward, loss, backward, clip, step. Allocates nothing once
    /// the network has seen a batch of this size.
    /// </summary>
    /// <param name="inputs">The batch's inputs, row-major: at most <see cref="TrainingOptions.BatchSize"/> samples.</param>
    /// <param name="targets">The batch's targets, as the loss expects them.</param>
    /// <returns>The batch's loss.</returns>
    /// <exception cref="ArgumentException">The spans do not describe the same batch, or it is larger than the batch size.</exception>
    /// <exception cref="TrainingDivergedException">The loss, a gradient or a parameter is not finite; the network keeps its parameters from before the step.</exception>
    public float TrainBatch(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets)
    {
        int inputSize = TNetwork.InputSize;
        if (inputs.IsEmpty || inputs.Length % inputSize != 0)
        {
            throw new ArgumentException($"Expected a whole, non-zero number of samples of {inputSize} floats each, but got length {inputs.Length}.", nameof(inputs));
        }

        int count = inputs.Length / inputSize;
        if (count > Options.BatchSize)
        {
            throw new ArgumentException($"Expected at most {Options.BatchSize} samples (the batch size), but got {count}.", nameof(inputs));
        }

        Guard.Length(targets.Length, count * _targetSize, nameof(targets));
        return Step(inputs, targets, count);
    }

    /// <summary>
    /// The loss and metrics of the network on <paramref name="data"/>, computed in batches of
    /// <see cref="TrainingOptions.BatchSize"/> by inference (<c>ForwardBatch</c>); the parameters do not change.
    /// </summary>
    /// <exception cref="ArgumentException">The dataset is empty or does not fit the network or the loss.</exception>
    public EvaluationMetrics Evaluate(Dataset data)
    {
        CheckDataset(data, nameof(data));
        if (data.Count == 0)
        {
            throw new ArgumentException("Expected samples to evaluate, but the dataset is empty.", nameof(data));
        }

        _evaluationMetrics.Reset();
        int inputSize = TNetwork.InputSize;
        int outputSize = TNetwork.OutputSize;
        ReadOnlySpan<float> features = data.Features;
        ReadOnlySpan<float> targets = data.Targets;
        for (int start = 0; start < data.Count; start += Options.BatchSize)
        {
            int count = Math.Min(Options.BatchSize, data.Count - start);
            Span<float> outputs = _outputs.AsSpan(0, count * outputSize);
            ReadOnlySpan<float> batchTargets = targets.Slice(start * _targetSize, count * _targetSize);
            ReadOnlySpan<float> batchFeatures = features.Slice(start * inputSize, count * inputSize);
            if (_parallel is null)
            {
                Network.ForwardBatch(batchFeatures, outputs);
            }
            else
            {
                _parallel.ForwardBatch(batchFeatures, outputs);
            }

            float loss = Options.Loss.Compute(outputs, batchTargets);
            _evaluationMetrics.Add(loss, outputs, batchTargets, count);
        }

        return _evaluationMetrics.ToMetrics();
    }

    /// <summary>Stops the worker threads of a data-parallel trainer (nothing to do otherwise); later training steps then throw <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose() => _parallel?.Dispose();

    /// <summary>
    /// Trains one epoch, batch by batch, accumulating its metrics and reporting after each batch; returns false when
    /// cancelled before a batch.
    /// </summary>
    private bool TrainEpoch(BatchLoader loader, int epoch, float learningRate, Stopwatch clock, Stopwatch epochClock, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        loader.StartEpoch(epoch - 1);
        _epochMetrics.Reset();
        for (int b = 0; b < loader.BatchCount; b++)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                return false;
            }

            Batch = b + 1;
            Batch batch = loader.GetBatch(b);
            float loss = Step(batch.Features, batch.Targets, batch.Count);
            _epochMetrics.Add(loss, _outputs.AsSpan(0, batch.Count * TNetwork.OutputSize), batch.Targets, batch.Count);
            progress?.Report(new TrainingProgress(
                epoch, Options.Epochs, b + 1, loader.BatchCount, loss, _epochMetrics.Loss,
                _epochMetrics.Count / Math.Max(epochClock.Elapsed.TotalSeconds, 1e-9), learningRate, clock.Elapsed, null));
        }

        return true;
    }

    private float Step(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int count)
    {
        TNetwork network = Network;
        Span<float> outputs = _outputs.AsSpan(0, count * TNetwork.OutputSize);
        Span<float> outputGradients = _outputGradients.AsSpan(0, outputs.Length);

        network.ZeroGradients();
        float loss;
        if (_parallel is null)
        {
            network.ForwardTraining(inputs, outputs);
            loss = Options.Loss.ComputeWithGradient(outputs, targets, outputGradients);
            if (!float.IsFinite(loss))
            {
                throw Diverged($"the loss is {loss}");
            }

            network.Backward(outputGradients);
        }
        else
        {
            // Forward, loss and backward in one call, so that the loss's gradient rows run on the threads as well.
            loss = _parallel.ComputeGradients(inputs, targets, Options.Loss, outputs);
            if (!float.IsFinite(loss))
            {
                throw Diverged($"the loss is {loss}");
            }
        }

        // The update between batches runs on the parallel threads too (the built-in optimizers share it out in fixed
        // blocks, so the bits do not change); for a network of a few hundred thousand parameters it is as long as a batch's
        // forward and backward passes.
        using (_parallel?.LendThreads())
        {
            ApplyGradients(network);
        }

        return loss;
    }

    /// <summary>Checks the gradients, clips them as the options ask and takes the optimizer's step, undone if it made a parameter non-finite.</summary>
    private void ApplyGradients(TNetwork network)
    {
        Span<float> gradients = network.Gradients;
        int bad = WholeSpanPasses.IndexOfNonFinite(gradients);
        if (bad >= 0)
        {
            throw Diverged($"the gradient of {ParameterName(bad)} is {gradients[bad]}");
        }

        if (Options.GradientClipValue is float clipValue)
        {
            GradientClipping.ClipByValue(gradients, clipValue);
        }

        if (Options.MaxGradientNorm is float maxNorm)
        {
            GradientClipping.ClipByNorm(gradients, maxNorm);
        }

        Span<float> parameters = network.Parameters;
        WholeSpanPasses.Copy(parameters, _previousParameters);
        Options.Optimizer.Step(parameters, gradients);
        bad = WholeSpanPasses.IndexOfNonFinite(parameters);
        if (bad >= 0)
        {
            float value = parameters[bad];
            _previousParameters.CopyTo(parameters);
            throw Diverged($"the optimizer step made {ParameterName(bad)} {value}");
        }
    }

    private TrainingDivergedException Diverged(string reason) => new(Epoch, Batch, _batchCount, reason, _history.Count == 0 ? [] : [.. _history]);

    /// <summary>The name of a flat parameter index, for example <c>fc1.weight[5]</c>.</summary>
    private string ParameterName(int index)
    {
        foreach (TensorInfo tensor in Network.ParameterTensors)
        {
            if (index >= tensor.Offset && index < tensor.Offset + tensor.Length)
            {
                return $"{tensor.Name}[{index - tensor.Offset}]";
            }
        }

        return $"parameter {index}";
    }

    private void CheckDataset(Dataset data, string name)
    {
        ArgumentNullException.ThrowIfNull(data, name);
        string network = typeof(TNetwork).Name;
        if (data.FeatureCount != TNetwork.InputSize)
        {
            throw new ArgumentException($"Expected samples of {TNetwork.InputSize} features ({network}.InputSize), but the {name} set has {data.FeatureCount}.", name);
        }

        if (data.TargetWidth != _targetSize)
        {
            throw new ArgumentException(
                $"Expected {_targetSize} target(s) per sample for {Options.Loss.GetType().Name} on {TNetwork.OutputSize} outputs, but the {name} set has {data.TargetWidth}.", name);
        }

        if (Options.Loss.Targets == TargetKind.ClassIndex)
        {
            if (data.ClassCount is not int classes)
            {
                throw new ArgumentException($"{Options.Loss.GetType().Name} expects class-index targets, but the {name} set has no classes (ClassCount is null).", name);
            }

            int logits = ClassesPerRow(Options.Loss);
            if (classes > logits)
            {
                throw new ArgumentException(
                    logits == TNetwork.OutputSize
                        ? $"Expected at most {TNetwork.OutputSize} classes ({network}.OutputSize logits), but the {name} set has {classes}."
                        : $"Expected at most {logits} classes (rows of {logits} logits), but the {name} set has {classes}.",
                    name);
            }
        }
    }

    /// <summary>How many logits each class-index target reads: a per-step cross-entropy's row width, else the whole output.</summary>
    private static int ClassesPerRow(ILoss loss) => loss is CrossEntropyLoss { Classes: int classes } ? classes : TNetwork.OutputSize;
}
