using System;
using System.Threading;
using NetDsl;
using NetDsl.Quantization;

namespace Digits;

/// <summary>Everything the pipeline produced: the data, the trained model and its normalizer, the training history and the test metrics.</summary>
public sealed record DigitsReport(
    CleaningReport Cleaning,
    DatasetSplit Split,
    Normalizer Normalizer,
    DigitsClassifier Model,
    TrainingResult Training,
    EvaluationMetrics Test,
    DigitsClassifier.Quantized Int8,
    QuantizationReport Quantization);

/// <summary>
/// The whole workflow on the digits data: load and clean, split (stratified), normalize (fitted on the training set
/// only), train with AdamW, a warm-up + cosine schedule and early stopping on the validation loss, then evaluate once
/// on the test set; then quantize the trained model to int8 (calibrated on training samples) and compare both on the test set.
/// </summary>
public static class DigitsPipeline
{
    /// <summary>The digit classes.</summary>
    public const int ClassCount = 10;

    /// <summary>Training samples that calibrate the int8 activation ranges.</summary>
    public const int CalibrationSamples = 500;

    /// <summary>Runs the workflow.</summary>
    public static DigitsReport Run(DigitsSettings settings, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);

        // 1. Load: 64 pixel columns, the digit in the last column; gzip is detected from the file's bytes.
        CleanedDataset loaded = CsvLoader.Load(settings.DataPath, new CsvOptions
        {
            HasHeader = false,
            TargetColumn = -1,
            Target = TargetKind.ClassIndex,
            ClassCount = ClassCount,
            MissingValues = MissingValuePolicy.DropRow,
        });

        // 2. Split by class proportions, then normalize with statistics of the training set alone.
        var (trainingFraction, validationFraction, testFraction) = settings.Fractions;
        DatasetSplit raw = DatasetSplitter.Split(loaded.Data, trainingFraction, validationFraction, testFraction, settings.Seed);
        Normalizer normalizer = Normalizer.FitZScore(raw.Training);
        var split = new DatasetSplit(normalizer.Transform(raw.Training), normalizer.Transform(raw.Validation), normalizer.Transform(raw.Test));

        // 3. Train.
        var model = new DigitsClassifier(settings.Seed);
        var optimizer = new AdamW(settings.LearningRate, weightDecay: 1e-4f);
        using var trainer = new Trainer<DigitsClassifier>(model, new TrainingOptions
        {
            Loss = new CrossEntropyLoss(labelSmoothing: 0.05f),
            Optimizer = optimizer,
            Schedule = new CosineAnnealingLR(optimizer, tMax: Math.Max(1, settings.Epochs - 3), warmupEpochs: Math.Min(3, settings.Epochs - 1)),
            Epochs = settings.Epochs,
            BatchSize = settings.BatchSize,
            EarlyStopping = new EarlyStopping { Monitor = Metric.ValidationLoss, Patience = 10, MinDelta = 1e-3, RestoreBestParameters = true },
            MaxGradientNorm = 5f,
            Seed = settings.Seed,
            Threads = settings.Threads,
        });
        TrainingResult training = trainer.Fit(split.Training, split.Validation, progress, cancellationToken);

        // 4. The test set, once, with the restored best parameters.
        EvaluationMetrics test = trainer.Evaluate(split.Test);

        // 5. Int8: activation ranges calibrated on (up to) 500 training samples, then float against int8 on the test set.
        int calibration = Math.Min(CalibrationSamples, split.Training.Count);
        DigitsClassifier.Quantized int8 = model.Quantize(split.Training.Features[..(calibration * split.Training.FeatureCount)]);
        QuantizationReport quantization = int8.Evaluate(model, split.Test);
        return new DigitsReport(loaded.Report, split, normalizer, model, training, test, int8, quantization);
    }
}
