using System;
using System.Globalization;
using System.IO;
using System.Linq;
using NetDsl;
using ScottPlot;

namespace WordGenerator;

/// <summary>Writes a PNG of the loss per character, per epoch: training and validation, beside the unigram, bigram and 5-gram baselines.</summary>
public static class LossPlot
{
    /// <summary>Plots <paramref name="training"/>'s history into <paramref name="path"/> (a PNG of 1000 × 600 pixels).</summary>
    public static void Save(string path, TrainingResult training, BaselineScores baselines, string modelName)
    {
        ArgumentNullException.ThrowIfNull(training);
        ArgumentNullException.ThrowIfNull(baselines);
        if (training.History.Count == 0)
        {
            throw new ArgumentException("Expected at least one completed epoch to plot, but the history is empty.", nameof(training));
        }

        double[] epochs = training.History.Select(e => (double)e.Epoch).ToArray();
        double[] trainingLoss = training.History.Select(e => e.TrainingLoss).ToArray();
        double[] validationLoss = training.History.Select(e => e.Validation?.Loss ?? double.NaN).ToArray();

        var plot = new Plot();
        Baseline(plot, baselines.UnigramValidation, $"unigram baseline (validation), {baselines.UnigramValidation:0.000}", Colors.Gray);
        Baseline(plot, baselines.BigramValidation, $"bigram baseline (validation), {baselines.BigramValidation:0.000}", Colors.SteelBlue);
        Baseline(plot, baselines.FiveGramValidation, $"5-gram, add-0.1 (validation), {baselines.FiveGramValidation:0.000}", Colors.SeaGreen);

        var trainingCurve = plot.Add.Scatter(epochs, trainingLoss);
        trainingCurve.LegendText = "training (mean over the epoch's batches)";
        trainingCurve.MarkerSize = 6;
        trainingCurve.Color = Colors.DarkOrange;
        var validationCurve = plot.Add.Scatter(epochs, validationLoss);
        validationCurve.LegendText = "validation";
        validationCurve.MarkerSize = 6;
        validationCurve.Color = Colors.OrangeRed;
        validationCurve.LineWidth = 2;

        if (training.BestEpoch is int best)
        {
            var line = plot.Add.VerticalLine(best);
            line.LinePattern = LinePattern.Dotted;
            line.Color = Colors.Black.WithAlpha(0.5);
            line.LegendText = $"best epoch ({best})";
        }

        double low = Math.Min(Math.Min(trainingLoss.Min(), baselines.FiveGramValidation), validationLoss.Where(double.IsFinite).DefaultIfEmpty(trainingLoss.Min()).Min());
        plot.Axes.SetLimitsY(Math.Floor((low - 0.1) * 10) / 10, Math.Ceiling((baselines.UnigramValidation + 0.1) * 10) / 10);
        plot.Axes.SetLimitsX(0.5, epochs[^1] + 0.5);
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericFixedInterval(1);
        plot.Title(string.Create(
            CultureInfo.InvariantCulture,
            $"{modelName}: loss per character (nats); best validation {validationLoss.Where(double.IsFinite).Min():0.000} vs unigram {baselines.UnigramValidation:0.000}"));
        plot.XLabel("epoch");
        plot.YLabel("cross-entropy per character (nats)");
        plot.ShowLegend(Alignment.UpperRight);

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        plot.SavePng(path, 1000, 600);
    }

    private static void Baseline(Plot plot, double value, string label, Color color)
    {
        var line = plot.Add.HorizontalLine(value);
        line.LegendText = label;
        line.Color = color;
        line.LinePattern = LinePattern.Dashed;
        line.LineWidth = 1.5f;
    }
}
