using System;
using System.Collections.Generic;
using System.Threading;
using NetDsl;

namespace Co2Forecast;

/// <summary>One-step-ahead forecasts of a part of the series, beside the truth and both baselines, all in ppm.</summary>
public sealed record ForecastRows(
    IReadOnlyList<DateOnly> Dates,
    double[] Truth,
    double[] Prediction,
    double[] Naive,
    double[] SeasonalNaive)
{
    /// <summary>The model's error.</summary>
    public ForecastError Model => ForecastError.Of(Prediction, Truth);

    /// <summary>The error of the naive baseline (last week's value).</summary>
    public ForecastError NaiveError => ForecastError.Of(Naive, Truth);

    /// <summary>The error of the seasonal-naive baseline (the value 52 weeks earlier).</summary>
    public ForecastError SeasonalNaiveError => ForecastError.Of(SeasonalNaive, Truth);
}

/// <summary>The prepared data: what cleaning did, the split, the scaling and the two datasets the trainer sees.</summary>
public sealed record ForecastData(
    CleaningSummary Cleaning,
    ChronologicalSplit Split,
    ForecastScaler Scaler,
    Dataset Training,
    Dataset Validation);

/// <summary>Everything the pipeline produced.</summary>
public sealed record ForecastReport(
    ForecastData Data,
    INetwork Model,
    TrainingResult Training,
    ForecastRows Validation,
    ForecastRows Test);

/// <summary>
/// The whole workflow on the weekly Mauna Loa series: load, check the weeks, fill the missing ones, split by years
/// (training, validation, test), scale with statistics of the training years, train the network with Adam and early
/// stopping on the validation loss, then forecast every test week one step ahead from the observed weeks before it.
/// </summary>
public static class ForecastPipeline
{
    /// <summary>Runs the workflow with the sample's network, <see cref="Co2Model"/>.</summary>
    public static ForecastReport Run(ForecastSettings settings, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default) =>
        Train<Co2Model>(Prepare(settings, Co2Model.Window), settings, progress, cancellationToken);

    /// <summary>
    /// Steps 1 and 2: loads the series (the weeks must be consecutive), fills the missing weeks, splits by years and fits
    /// the scaling on the training part, for windows of <paramref name="window"/> weeks.
    /// </summary>
    public static ForecastData Prepare(ForecastSettings settings, int window)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var (series, cleaning) = WeeklySeries.Load(settings.DataPath).Clean();
        var split = ChronologicalSplit.ByYears(series, window, settings.ValidationYears, settings.TestYears);
        ForecastScaler scaler = ForecastScaler.Fit(split, settings.Target);
        return new ForecastData(cleaning, split, scaler, scaler.ToDataset(series, split.Training), scaler.ToDataset(series, split.Validation));
    }

    /// <summary>Steps 3 and 4: trains a <typeparamref name="TModel"/> (input <c>[W, 1]</c>, one output) and forecasts the validation and test weeks.</summary>
    public static ForecastReport Train<TModel>(ForecastData data, ForecastSettings settings, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
        where TModel : class, INetwork<TModel>
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(settings);
        ReadOnlySpan<int> shape = TModel.InputShape;
        if (shape.Length != 2 || shape[0] != data.Split.Window || shape[1] != 1 || TModel.OutputSize != 1)
        {
            throw new ArgumentException($"Expected a network from [{data.Split.Window}, 1] to one output, but {typeof(TModel).Name} has input [{string.Join(", ", shape.ToArray())}] and {TModel.OutputSize} outputs.");
        }

        // 3. Train: the training windows are shuffled among themselves each epoch; validation picks the epoch.
        TModel model = TModel.Create(settings.Seed);
        var optimizer = new Adam(settings.LearningRate);
        using var trainer = new Trainer<TModel>(model, new TrainingOptions
        {
            Loss = new MeanSquaredErrorLoss(),
            Optimizer = optimizer,
            Schedule = new CosineAnnealingLR(optimizer, tMax: settings.Epochs, minLearningRate: settings.LearningRate / 20),
            Epochs = settings.Epochs,
            BatchSize = settings.BatchSize,
            EarlyStopping = new EarlyStopping { Monitor = Metric.ValidationLoss, Patience = settings.Patience, RestoreBestParameters = true },
            MaxGradientNorm = 1f,
            Shuffle = true,
            Seed = settings.Seed,
            Threads = settings.Threads,
        });
        TrainingResult result = trainer.Fit(data.Training, data.Validation, progress, cancellationToken);

        // 4. Forecast the validation and test weeks with the best epoch's parameters, from the observed weeks before each.
        WeeklySeries series = data.Split.Series;
        return new ForecastReport(
            data,
            model,
            result,
            Forecast(model, data.Scaler, series, data.Split.Validation),
            Forecast(model, data.Scaler, series, data.Split.Test));
    }

    /// <summary>The one-step-ahead forecasts of <paramref name="model"/> for the target weeks <paramref name="targets"/>, with the baselines.</summary>
    public static ForecastRows Forecast(INetwork model, ForecastScaler scaler, WeeklySeries series, IReadOnlyList<int> targets)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(scaler);
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(targets);
        Dataset inputs = scaler.ToDataset(series, targets);
        var outputs = new float[targets.Count];
        model.ForwardBatch(inputs.Features, outputs);

        ReadOnlySpan<double> y = series.Values;
        var dates = new DateOnly[targets.Count];
        double[] truth = new double[targets.Count], prediction = new double[targets.Count], naive = new double[targets.Count], seasonal = new double[targets.Count];
        for (int i = 0; i < targets.Count; i++)
        {
            int t = targets[i];
            dates[i] = series.Dates[t];
            truth[i] = y[t];
            prediction[i] = scaler.DecodePrediction(y, t, outputs[i]);
            naive[i] = Baselines.Naive(y, t);
            seasonal[i] = Baselines.SeasonalNaive(y, t);
        }

        return new ForecastRows(dates, truth, prediction, naive, seasonal);
    }
}
