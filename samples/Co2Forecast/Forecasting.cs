using System;
using System.Collections.Generic;
using System.Globalization;
using NetDsl;

namespace Co2Forecast;

/// <summary>What the network learns to predict (the <c>--target</c> option).</summary>
public enum ForecastTarget
{
    /// <summary>
    /// Next week's change from the last observed week: the window enters relative to its last week, the target is
    /// <c>y[t] − y[t−1]</c>. Both stay in the same range whatever the level of CO2, so a model trained on 1958–1986
    /// applies unchanged to the higher levels of 1992–2001. The default.
    /// </summary>
    Change,

    /// <summary>
    /// Next week's level, the window and the target z-scored with the mean and standard deviation of the training
    /// years. Kept to show why it is not the default: the test years lie above every training value, and the network
    /// has to extrapolate.
    /// </summary>
    Level,
}

/// <summary>
/// The chronological split of a series into three parts by the date of the week each sample predicts (its target):
/// training weeks, then validation weeks, then test weeks. Every sample has exactly one target week, so no sample's
/// targets straddle two parts; its input window may reach back into an earlier part, as the past is known when the
/// forecast is made. Parts hold only observed target weeks (a filled week is never learned from or scored).
/// </summary>
public sealed class ChronologicalSplit
{
    /// <summary>The seasonal-naive lag: the same week one year (52 weeks) earlier.</summary>
    public const int SeasonLag = 52;

    private ChronologicalSplit(WeeklySeries series, int window, int firstTarget, int validationStart, int testStart, int[] training, int[] validation, int[] test)
    {
        Series = series;
        Window = window;
        FirstTarget = firstTarget;
        ValidationStart = validationStart;
        TestStart = testStart;
        Training = training;
        Validation = validation;
        Test = test;
    }

    /// <summary>The cleaned series.</summary>
    public WeeklySeries Series { get; }

    /// <summary>W: the number of past weeks each sample sees.</summary>
    public int Window { get; }

    /// <summary>The first week that can be a target: it needs <see cref="Window"/> weeks and the week <see cref="SeasonLag"/> weeks earlier.</summary>
    public int FirstTarget { get; }

    /// <summary>The index of the first validation week.</summary>
    public int ValidationStart { get; }

    /// <summary>The index of the first test week.</summary>
    public int TestStart { get; }

    /// <summary>The target weeks (indices into <see cref="Series"/>) of the training samples, in order.</summary>
    public IReadOnlyList<int> Training { get; }

    /// <summary>The target weeks of the validation samples, in order.</summary>
    public IReadOnlyList<int> Validation { get; }

    /// <summary>The target weeks of the test samples, in order.</summary>
    public IReadOnlyList<int> Test { get; }

    /// <summary>
    /// Splits by calendar years: the last <paramref name="testYears"/> years of the series are the test part, the
    /// <paramref name="validationYears"/> years before them the validation part, everything earlier the training part.
    /// </summary>
    public static ChronologicalSplit ByYears(WeeklySeries series, int window, int validationYears, int testYears)
    {
        ArgumentNullException.ThrowIfNull(series);
        ArgumentOutOfRangeException.ThrowIfLessThan(window, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(validationYears, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(testYears, 1);
        int lastYear = series.Dates[^1].Year;
        int testStart = series.IndexOf(new DateOnly(lastYear - testYears + 1, 1, 1));
        int validationStart = series.IndexOf(new DateOnly(lastYear - testYears - validationYears + 1, 1, 1));
        int firstTarget = Math.Max(window, SeasonLag);
        if (validationStart <= firstTarget)
        {
            throw new ArgumentException($"Expected training weeks before {series.Dates[validationStart]:yyyy-MM-dd}, but a window of {window} weeks leaves none: shorten the validation and test years.");
        }

        return new ChronologicalSplit(
            series,
            window,
            firstTarget,
            validationStart,
            testStart,
            ObservedTargets(series, firstTarget, validationStart),
            ObservedTargets(series, validationStart, testStart),
            ObservedTargets(series, testStart, series.Count));
    }

    /// <summary>The date range of a part, for the report: <c>1959-03-21 .. 1986-12-27 (1453 weeks)</c>.</summary>
    public static string Describe(WeeklySeries series, IReadOnlyList<int> part) => part.Count == 0
        ? "(empty)"
        : string.Create(CultureInfo.InvariantCulture, $"{series.Dates[part[0]]:yyyy-MM-dd} .. {series.Dates[part[^1]]:yyyy-MM-dd} ({part.Count} weeks)");

    private static int[] ObservedTargets(WeeklySeries series, int start, int end)
    {
        var targets = new List<int>(end - start);
        for (int t = start; t < end; t++)
        {
            if (!series.Filled[t])
            {
                targets.Add(t);
            }
        }

        return [.. targets];
    }
}

/// <summary>
/// Turns weeks of the series into network inputs and targets and network outputs back into ppm. The sample for target
/// week <c>t</c> reads the <c>W</c> weeks <c>t−W .. t−1</c> (oldest first, one feature per step: <c>[Input(W, 1)]</c>).
/// Every statistic is fitted on the training part only.
/// </summary>
public sealed class ForecastScaler
{
    private ForecastScaler(ForecastTarget target, int window, double inputShift, double inputScale, double targetShift, double targetScale)
    {
        Target = target;
        Window = window;
        InputShift = inputShift;
        InputScale = inputScale;
        TargetShift = targetShift;
        TargetScale = targetScale;
    }

    /// <summary>What the network predicts.</summary>
    public ForecastTarget Target { get; }

    /// <summary>W.</summary>
    public int Window { get; }

    /// <summary>Level: the training mean, subtracted from every input. Change: 0 (each window is taken relative to its last week).</summary>
    public double InputShift { get; }

    /// <summary>Level: the training standard deviation. Change: the root mean square of the training windows' values relative to their last week.</summary>
    public double InputScale { get; }

    /// <summary>Level: the training mean. Change: the mean weekly change of the training targets.</summary>
    public double TargetShift { get; }

    /// <summary>Level: the training standard deviation. Change: the standard deviation of the training targets' weekly changes.</summary>
    public double TargetScale { get; }

    /// <summary>Fits the statistics of <paramref name="target"/> on <paramref name="split"/>'s training part.</summary>
    public static ForecastScaler Fit(ChronologicalSplit split, ForecastTarget target)
    {
        ArgumentNullException.ThrowIfNull(split);
        ReadOnlySpan<double> y = split.Series.Values;
        int window = split.Window;
        if (target == ForecastTarget.Level)
        {
            // The weeks the training part covers (inputs and targets alike): everything before the validation part.
            var (mean, deviation) = MeanAndDeviation(y[..split.ValidationStart]);
            return new ForecastScaler(target, window, mean, deviation, mean, deviation);
        }

        double squares = 0;
        long count = 0;
        var changes = new double[split.Training.Count];
        for (int i = 0; i < split.Training.Count; i++)
        {
            int t = split.Training[i];
            for (int k = t - window; k < t; k++)
            {
                double relative = y[k] - y[t - 1];
                squares += relative * relative;
                count++;
            }

            changes[i] = y[t] - y[t - 1];
        }

        var (changeMean, changeDeviation) = MeanAndDeviation(changes);
        return new ForecastScaler(target, window, 0, Math.Sqrt(squares / count), changeMean, changeDeviation);
    }

    /// <summary>Writes the network input for target week <paramref name="t"/> (<see cref="Window"/> floats).</summary>
    public void WriteInput(ReadOnlySpan<double> y, int t, Span<float> input)
    {
        if (input.Length != Window)
        {
            throw new ArgumentException($"Expected an input of {Window} floats, but got {input.Length}.", nameof(input));
        }

        double reference = Target == ForecastTarget.Change ? y[t - 1] : InputShift;
        for (int k = 0; k < Window; k++)
        {
            input[k] = (float)((y[t - Window + k] - reference) / InputScale);
        }
    }

    /// <summary>The network target for week <paramref name="t"/>.</summary>
    public float EncodeTarget(ReadOnlySpan<double> y, int t) => Target == ForecastTarget.Change
        ? (float)((y[t] - y[t - 1] - TargetShift) / TargetScale)
        : (float)((y[t] - TargetShift) / TargetScale);

    /// <summary>The forecast in ppm for week <paramref name="t"/> from the network's output.</summary>
    public double DecodePrediction(ReadOnlySpan<double> y, int t, float output) => Target == ForecastTarget.Change
        ? y[t - 1] + TargetShift + (output * TargetScale)
        : TargetShift + (output * TargetScale);

    /// <summary>The dataset of the samples whose target weeks are <paramref name="targets"/>: features <c>[n, W]</c>, targets <c>[n, 1]</c>.</summary>
    public Dataset ToDataset(WeeklySeries series, IReadOnlyList<int> targets)
    {
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(targets);
        var features = new float[targets.Count * Window];
        var values = new float[targets.Count];
        for (int i = 0; i < targets.Count; i++)
        {
            WriteInput(series.Values, targets[i], features.AsSpan(i * Window, Window));
            values[i] = EncodeTarget(series.Values, targets[i]);
        }

        return new Dataset(features, Window, values);
    }

    /// <inheritdoc/>
    public override string ToString() => Target == ForecastTarget.Change
        ? string.Create(CultureInfo.InvariantCulture, $"inputs: the window minus its last week, / {InputScale:0.000} ppm; target: next week's change, (Δ − {TargetShift:0.0000}) / {TargetScale:0.000} ppm (fitted on the training part)")
        : string.Create(CultureInfo.InvariantCulture, $"inputs and target: z-scored levels, (y − {InputShift:0.00}) / {InputScale:0.00} ppm (fitted on the training part)");

    private static (double Mean, double Deviation) MeanAndDeviation(ReadOnlySpan<double> values)
    {
        double sum = 0;
        foreach (double value in values)
        {
            sum += value;
        }

        double mean = sum / values.Length;
        double squares = 0;
        foreach (double value in values)
        {
            squares += (value - mean) * (value - mean);
        }

        return (mean, Math.Sqrt(squares / values.Length));
    }
}

/// <summary>The two baselines every forecast is compared with.</summary>
public static class Baselines
{
    /// <summary>Naive: next week equals the last observed week, <c>y[t−1]</c>.</summary>
    public static double Naive(ReadOnlySpan<double> y, int t) => y[t - 1];

    /// <summary>Seasonal-naive: next week equals the same week a year earlier, <c>y[t−52]</c>.</summary>
    public static double SeasonalNaive(ReadOnlySpan<double> y, int t) => y[t - ChronologicalSplit.SeasonLag];
}

/// <summary>Root mean squared and mean absolute error, in ppm, over <see cref="Count"/> weeks.</summary>
public readonly record struct ForecastError(double RootMeanSquared, double MeanAbsolute, int Count)
{
    /// <summary>The errors of <paramref name="predictions"/> against <paramref name="truth"/>.</summary>
    public static ForecastError Of(ReadOnlySpan<double> predictions, ReadOnlySpan<double> truth)
    {
        if (predictions.Length != truth.Length || truth.Length == 0)
        {
            throw new ArgumentException($"Expected as many predictions as true values, at least one, but got {predictions.Length} and {truth.Length}.", nameof(predictions));
        }

        double squares = 0, absolute = 0;
        for (int i = 0; i < truth.Length; i++)
        {
            double error = predictions[i] - truth[i];
            squares += error * error;
            absolute += Math.Abs(error);
        }

        return new ForecastError(Math.Sqrt(squares / truth.Length), absolute / truth.Length, truth.Length);
    }
}
