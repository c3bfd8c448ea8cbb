using System;
using System.Globalization;
using System.IO;
using System.Linq;
using ScottPlot;

namespace Co2Forecast;

/// <summary>
/// Writes a PNG of the test years: the observed weekly CO2, the model's one-step-ahead forecast and, lighter, the
/// seasonal-naive forecast; a second panel zooms into the last two test years, where the weekly detail is visible.
/// </summary>
public static class ForecastPlot
{
    /// <summary>Plots <paramref name="test"/> into <paramref name="path"/> (a PNG of 1200 × 900 pixels).</summary>
    public static void Save(string path, ForecastRows test, string modelName)
    {
        ArgumentNullException.ThrowIfNull(test);
        if (test.Truth.Length == 0)
        {
            throw new ArgumentException("Expected at least one test week to plot, but there are none.", nameof(test));
        }

        double[] x = test.Dates.Select(d => d.ToDateTime(TimeOnly.MinValue).ToOADate()).ToArray();
        var multiplot = new Multiplot();
        multiplot.AddPlots(2);
        multiplot.Layout = new ScottPlot.MultiplotLayouts.Rows();

        Plot all = multiplot.GetPlot(0);
        Add(all, x, test, modelName, 0, x.Length);
        ForecastError model = test.Model, seasonal = test.SeasonalNaiveError;
        all.Title(string.Create(
            CultureInfo.InvariantCulture,
            $"Mauna Loa weekly CO2, test years {test.Dates[0].Year}–{test.Dates[^1].Year}: one week ahead. RMSE {model.RootMeanSquared:0.000} ppm ({modelName}) vs {seasonal.RootMeanSquared:0.000} ppm (seasonal-naive)"));

        Plot zoom = multiplot.GetPlot(1);
        int from = Array.FindIndex(x, v => v >= test.Dates[^1].AddYears(-2).ToDateTime(TimeOnly.MinValue).ToOADate());
        Add(zoom, x, test, modelName, from, x.Length);
        ForecastRows last = Slice(test, from);
        zoom.Title(string.Create(
            CultureInfo.InvariantCulture,
            $"The last two test years, week by week: RMSE {last.Model.RootMeanSquared:0.000} ppm ({modelName}), {last.NaiveError.RootMeanSquared:0.000} (naive), {last.SeasonalNaiveError.RootMeanSquared:0.000} (seasonal-naive)"));

        foreach (Plot plot in new[] { all, zoom })
        {
            var ticks = new ScottPlot.TickGenerators.DateTimeAutomatic { LabelFormatter = date => date.ToString("yyyy-MM", CultureInfo.InvariantCulture) };
            plot.Axes.DateTimeTicksBottom().TickGenerator = ticks;
            plot.YLabel("CO2 (ppm)");
            plot.ShowLegend(Alignment.UpperLeft);
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        multiplot.SavePng(path, 1200, 900);
    }

    private static ForecastRows Slice(ForecastRows rows, int from) =>
        new(rows.Dates.Skip(from).ToArray(), rows.Truth[from..], rows.Prediction[from..], rows.Naive[from..], rows.SeasonalNaive[from..]);

    private static void Add(Plot plot, double[] x, ForecastRows test, string modelName, int from, int to)
    {
        double[] xs = x[from..to];
        var seasonal = plot.Add.ScatterLine(xs, test.SeasonalNaive[from..to]);
        seasonal.LegendText = "seasonal-naive (52 weeks earlier)";
        seasonal.Color = Colors.Gray.WithAlpha(0.45);
        seasonal.LineWidth = 1.5f;

        var truth = plot.Add.ScatterLine(xs, test.Truth[from..to]);
        truth.LegendText = "observed";
        truth.Color = Colors.Black;
        truth.LineWidth = 1.5f;

        var prediction = plot.Add.ScatterLine(xs, test.Prediction[from..to]);
        prediction.LegendText = $"{modelName} forecast (one week ahead)";
        prediction.Color = Colors.OrangeRed;
        prediction.LineWidth = 1.5f;
        if (to - from < 200)
        {
            truth.MarkerSize = 3;
            truth.MarkerShape = MarkerShape.FilledCircle;
        }
    }
}
