using System;
using System.IO;
using NetDsl;
using NetDsl.Quantization;

namespace DigitsCnn;

/// <summary>What the CNN sample produced.</summary>
public sealed record CnnReport(DatasetSplit Split, DigitsCnnModel Model, TrainingResult Training, EvaluationMetrics Test, DigitsCnnModel.Quantized Int8Model, QuantizationReport Int8);

/// <summary>
/// Trains <see cref="DigitsCnnModel"/> on the bundled digits: stratified 70/15/15 split, pixels scaled from 0..16 to
/// 0..1 (a fixed scale, so no statistics need fitting), AdamW with cosine decay, early stopping on validation loss; then
/// the trained network quantized to int8 (calibrated on 500 training samples) and compared with it on the test set.
/// </summary>
public static class CnnPipeline
{
    public const int ClassCount = 10;

    public static string DefaultDataPath => Path.Combine(AppContext.BaseDirectory, "data", "digits.csv.gz");

    public static CnnReport Run(int seed = 7, int epochs = 40, string? dataPath = null, IProgress<TrainingProgress>? progress = null)
    {
        CleanedDataset loaded = CsvLoader.Load(dataPath ?? DefaultDataPath, new CsvOptions
        {
            HasHeader = false,
            TargetColumn = -1,
            Target = TargetKind.ClassIndex,
            ClassCount = ClassCount,
        });
        DatasetSplit raw = DatasetSplitter.Split(loaded.Data, 0.7, 0.15, 0.15, seed);
        Normalizer scale = Normalizer.FitMinMax(raw.Training);
        var split = new DatasetSplit(scale.Transform(raw.Training), scale.Transform(raw.Validation), scale.Transform(raw.Test));

        var model = new DigitsCnnModel(seed);
        var optimizer = new AdamW(3e-3f, weightDecay: 1e-4f);
        var trainer = new Trainer<DigitsCnnModel>(model, new TrainingOptions
        {
            Loss = new CrossEntropyLoss(),
            Optimizer = optimizer,
            Schedule = new CosineAnnealingLR(optimizer, tMax: epochs),
            Epochs = epochs,
            BatchSize = 32,
            EarlyStopping = new EarlyStopping { Monitor = Metric.ValidationLoss, Patience = 8, RestoreBestParameters = true },
            Seed = seed,
        });
        TrainingResult training = trainer.Fit(split.Training, split.Validation, progress);
        int calibration = Math.Min(500, split.Training.Count);
        DigitsCnnModel.Quantized int8 = model.Quantize(split.Training.Features[..(calibration * split.Training.FeatureCount)]);
        return new CnnReport(split, model, training, trainer.Evaluate(split.Test), int8, int8.Evaluate(model, split.Test));
    }
}
