using System;
using System.IO;
using System.Linq;
using Co2Forecast;
using Xunit;

namespace NetDsl.Training.Tests;

/// <summary>
/// The CO2 forecasting sample (issue 13, "Samples that prove it" 1): cleaning of the bundled weekly series, the
/// chronological split, the scaling, the baselines, the alignment of windows and targets, and a short training run.
/// </summary>
public class Co2ForecastTests
{
    private static readonly string DataPath = new ForecastSettings().DataPath;

    private static WeeklySeries LoadRaw()
    {
        Assert.True(File.Exists(DataPath), $"the bundled series is copied next to the tests: {DataPath}");
        return WeeklySeries.Load(DataPath);
    }

    [Fact]
    public void Cleaning_fills_the_59_missing_weeks_each_between_its_observed_neighbours()
    {
        WeeklySeries raw = LoadRaw();
        var (cleaned, summary) = raw.Clean();

        Assert.Equal(2284, summary.Weeks);
        Assert.Equal(59, summary.Missing);
        Assert.Equal(59, summary.Gaps.Sum(g => g.Weeks));
        Assert.Equal(59, raw.Values.ToArray().Count(double.IsNaN));
        Assert.Equal(59, cleaned.Filled.ToArray().Count(f => f));
        Assert.Equal(new DateOnly(1958, 3, 29), cleaned.Dates[0]);
        Assert.Equal(new DateOnly(2001, 12, 29), cleaned.Dates[^1]);
        for (int i = 0; i < cleaned.Count; i++)
        {
            Assert.True(double.IsFinite(cleaned.Values[i]), $"week {i} is finite after cleaning");
            if (!cleaned.Filled[i])
            {
                Assert.Equal(raw.Values[i], cleaned.Values[i]); // observed weeks are untouched
                continue;
            }

            int before = i - 1, after = i + 1;
            while (cleaned.Filled[before])
            {
                before--;
            }

            while (cleaned.Filled[after])
            {
                after++;
            }

            double low = Math.Min(raw.Values[before], raw.Values[after]), high = Math.Max(raw.Values[before], raw.Values[after]);
            Assert.InRange(cleaned.Values[i], low, high);
            double expected = raw.Values[before] + ((raw.Values[after] - raw.Values[before]) * (i - before) / (after - before));
            Assert.Equal(expected, cleaned.Values[i], 1e-9);
        }

        // The longest gap: 18 weeks from 1964-01-25 (the file's empty weeks, counted independently of Clean).
        Gap longest = summary.Gaps.MaxBy(g => g.Weeks);
        Assert.Equal(new Gap(new DateOnly(1964, 1, 25), 18), longest);
    }

    [Fact]
    public void Interpolation_is_linear_between_the_weeks_either_side_of_a_gap()
    {
        DateOnly[] dates = Weeks(6);
        var (cleaned, summary) = WeeklySeries.FromValues(dates, [10, double.NaN, double.NaN, 16, double.NaN, 20]).Clean();

        Assert.Equal([10, 12, 14, 16, 18, 20], cleaned.Values.ToArray());
        Assert.Equal([false, true, true, false, true, false], cleaned.Filled.ToArray());
        Assert.Equal(3, summary.Missing);
        Assert.Equal([new Gap(dates[1], 2), new Gap(dates[4], 1)], summary.Gaps);
        Assert.Throws<InvalidOperationException>(() => WeeklySeries.FromValues(Weeks(2), [double.NaN, 1]).Clean());
    }

    [Fact]
    public void Loading_rejects_weeks_that_are_not_consecutive_naming_the_line()
    {
        using var folder = new TempDirectory();
        string skipped = folder.Write("skipped.csv", "date,co2\n19580329,316.1\n19580405,317.3\n19580419,317.5\n");
        FormatException error = Assert.Throws<FormatException>(() => WeeklySeries.Load(skipped));
        Assert.Contains("line 4", error.Message, StringComparison.Ordinal);
        Assert.Contains("1958-04-12", error.Message, StringComparison.Ordinal); // the week expected
        Assert.Contains("1958-04-19", error.Message, StringComparison.Ordinal); // the week found

        string backwards = folder.Write("backwards.csv", "date,co2\n19580405,317.3\n19580329,316.1\n");
        Assert.Throws<FormatException>(() => WeeklySeries.Load(backwards));
        string value = folder.Write("value.csv", "date,co2\n19580405,3l7.3\n");
        Assert.Contains("3l7.3", Assert.Throws<FormatException>(() => WeeklySeries.Load(value)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_split_is_chronological_by_years_without_overlap_and_skips_filled_targets()
    {
        var (series, _) = LoadRaw().Clean();
        var split = ChronologicalSplit.ByYears(series, window: 52, validationYears: 5, testYears: 10);

        int[] training = [.. split.Training], validation = [.. split.Validation], test = [.. split.Test];
        foreach (int[] part in new[] { training, validation, test })
        {
            Assert.NotEmpty(part);
            Assert.True(part.Zip(part.Skip(1)).All(p => p.First < p.Second), "each part is in time order");
            Assert.DoesNotContain(part, t => series.Filled[t]);
        }

        Assert.True(training[^1] < validation[0] && validation[^1] < test[0], "training, then validation, then test");
        Assert.Empty(training.Intersect(validation).Concat(validation.Intersect(test)).Concat(training.Intersect(test)));
        Assert.All(training, t => Assert.True(series.Dates[t].Year <= 1986));
        Assert.All(validation, t => Assert.InRange(series.Dates[t].Year, 1987, 1991));
        Assert.All(test, t => Assert.InRange(series.Dates[t].Year, 1992, 2001));
        Assert.Equal(series.Count - 1, test[^1]);

        // Every observed week from the first possible target on is in exactly one part.
        int observed = Enumerable.Range(split.FirstTarget, series.Count - split.FirstTarget).Count(t => !series.Filled[t]);
        Assert.Equal(observed, training.Length + validation.Length + test.Length);
        Assert.Equal(52, split.FirstTarget);
        Assert.Equal(104, ChronologicalSplit.ByYears(series, 104, 5, 10).FirstTarget);
    }

    [Fact]
    public void The_baselines_are_last_week_and_the_week_exactly_52_weeks_earlier()
    {
        // A series whose value is its index: each baseline's value names the week it came from.
        double[] values = Enumerable.Range(0, 200).Select(i => (double)i).ToArray();
        Assert.Equal(147, Baselines.SeasonalNaive(values, 199));
        Assert.Equal(198, Baselines.Naive(values, 199));

        // On the bundled series, through the pipeline's rows: the seasonal-naive week is 364 days before the target.
        var (series, _) = LoadRaw().Clean();
        var split = ChronologicalSplit.ByYears(series, 52, 5, 10);
        ForecastScaler scaler = ForecastScaler.Fit(split, ForecastTarget.Change);
        ForecastRows rows = ForecastPipeline.Forecast(new Co2Model(seed: 1), scaler, series, split.Test);
        for (int i = 0; i < split.Test.Count; i++)
        {
            int t = split.Test[i];
            int year = Array.IndexOf(series.Dates.ToArray(), rows.Dates[i].AddDays(-364));
            Assert.Equal(t - 52, year);
            Assert.Equal(series.Values[t - 52], rows.SeasonalNaive[i]);
            Assert.Equal(series.Values[t - 1], rows.Naive[i]);
            Assert.Equal(series.Values[t], rows.Truth[i]);
        }

        ForecastError seasonal = rows.SeasonalNaiveError;
        double squares = rows.Truth.Select((y, i) => (y - series.Values[split.Test[i] - 52]) * (y - series.Values[split.Test[i] - 52])).Sum();
        Assert.Equal(Math.Sqrt(squares / rows.Truth.Length), seasonal.RootMeanSquared, 1e-12);
        Assert.Equal(522, seasonal.Count);
    }

    [Theory]
    [InlineData(ForecastTarget.Change)]
    [InlineData(ForecastTarget.Level)]
    public void Windows_and_targets_line_up_with_the_weeks_they_come_from(ForecastTarget target)
    {
        var (series, _) = LoadRaw().Clean();
        const int Window = 52;
        var split = ChronologicalSplit.ByYears(series, Window, 5, 10);
        ForecastScaler scaler = ForecastScaler.Fit(split, target);
        Dataset data = scaler.ToDataset(series, split.Validation);
        ReadOnlySpan<double> y = series.Values;

        Assert.Equal(split.Validation.Count, data.Count);
        Assert.Equal(Window, data.FeatureCount);
        for (int i = 0; i < data.Count; i++)
        {
            int t = split.Validation[i];
            ReadOnlySpan<float> input = data.GetFeatures(i);
            double reference = target == ForecastTarget.Change ? y[t - 1] : scaler.InputShift;
            for (int k = 0; k < Window; k++)
            {
                // Step k of the sample is week t − W + k: the oldest first, last week's value last.
                Assert.Equal(y[t - Window + k], reference + (input[k] * scaler.InputScale), 1e-4);
            }

            if (target == ForecastTarget.Change)
            {
                Assert.Equal(0f, input[^1]);
            }

            // The target decodes to week t's value, never to a week of the window.
            Assert.Equal(y[t], scaler.DecodePrediction(y, t, data.GetTargets(i)[0]), 1e-4);
        }
    }

    [Fact]
    public void The_scaling_is_fitted_on_the_training_years_alone()
    {
        WeeklySeries raw = LoadRaw();
        var (series, _) = raw.Clean();
        var split = ChronologicalSplit.ByYears(series, 52, 5, 10);

        // The same weeks (the same ones missing) with every validation and test value moved far away: the statistics must not change.
        double[] shifted = raw.Values.ToArray();
        for (int t = split.ValidationStart; t < shifted.Length; t++)
        {
            shifted[t] += 1000 + t;
        }

        var (other, _) = WeeklySeries.FromValues(raw.Dates.ToArray(), shifted).Clean();
        var otherSplit = ChronologicalSplit.ByYears(other, 52, 5, 10);
        foreach (ForecastTarget target in new[] { ForecastTarget.Change, ForecastTarget.Level })
        {
            ForecastScaler a = ForecastScaler.Fit(split, target), b = ForecastScaler.Fit(otherSplit, target);
            Assert.Equal((a.InputShift, a.InputScale, a.TargetShift, a.TargetScale), (b.InputShift, b.InputScale, b.TargetShift, b.TargetScale));
        }
    }

    [Fact]
    public void A_short_run_trains_and_forecasts_every_test_week_with_finite_values_from_the_model()
    {
        var settings = new ForecastSettings { Epochs = 2 };
        ForecastReport report = ForecastPipeline.Run(settings);

        Assert.Equal(2, report.Training.History.Count);
        Assert.All(report.Training.History, e => Assert.True(double.IsFinite(e.TrainingLoss) && double.IsFinite(e.Validation!.Loss)));
        ForecastRows test = report.Test;
        Assert.Equal(522, test.Truth.Length);
        Assert.All(test.Prediction, p => Assert.True(double.IsFinite(p)));

        // The numbers come from the trained network: recompute a few forecasts by hand with Forward.
        ChronologicalSplit split = report.Data.Split;
        ReadOnlySpan<double> y = split.Series.Values;
        var input = new float[Co2Model.Window];
        var output = new float[1];
        foreach (int i in new[] { 0, 100, 521 })
        {
            int t = split.Test[i];
            report.Data.Scaler.WriteInput(y, t, input);
            report.Model.Forward(input, output);
            Assert.Equal(report.Data.Scaler.DecodePrediction(y, t, output[0]), test.Prediction[i]);
        }

        // Not a copy of a baseline, and not constant; its errors are the rows' errors.
        Assert.NotEqual(test.Naive, test.Prediction);
        Assert.True(test.Prediction.Distinct().Count() > 500);
        ForecastError model = test.Model;
        Assert.Equal(ForecastError.Of(test.Prediction, test.Truth), model);
        Assert.True(double.IsFinite(model.RootMeanSquared) && model.RootMeanSquared > 0 && model.MeanAbsolute <= model.RootMeanSquared);

        // Even two epochs on the weekly change beat seasonal-naive, which misses a year's growth.
        Assert.True(model.RootMeanSquared < test.SeasonalNaiveError.RootMeanSquared, $"model {model.RootMeanSquared:0.000} ppm, seasonal-naive {test.SeasonalNaiveError.RootMeanSquared:0.000} ppm");

        using var folder = new TempDirectory();
        string plot = Path.Combine(folder.Path, "forecast.png");
        ForecastPlot.Save(plot, test, "LSTM");
        byte[] png = File.ReadAllBytes(plot);
        Assert.True(png.Length > 10_000);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
    }

    [Fact]
    public void The_command_line_sets_epochs_target_and_threads()
    {
        Assert.Equal(3, ForecastSettings.FromArguments(["--quick"]).Epochs);
        Assert.Equal(7, ForecastSettings.FromArguments(["--epochs", "7"]).Epochs);
        Assert.Equal(ForecastTarget.Level, ForecastSettings.FromArguments(["--target", "level"]).Target);
        Assert.Equal(ForecastTarget.Change, ForecastSettings.FromArguments([]).Target);
        Assert.Equal(2, ForecastSettings.FromArguments(["--threads", "2"]).Threads);
        Assert.Throws<ArgumentException>(() => ForecastSettings.FromArguments(["--target", "trend"]));
        Assert.Throws<ArgumentException>(() => ForecastSettings.FromArguments(["--epochs"]));
    }

    private static DateOnly[] Weeks(int count) => Enumerable.Range(0, count).Select(i => new DateOnly(2000, 1, 1).AddDays(7 * i)).ToArray();
}
