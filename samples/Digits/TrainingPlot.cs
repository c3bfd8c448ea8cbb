using System;
using System.IO;
using System.Linq;
using NetDsl;
using ScottPlot;

namespace Digits;

/// <summary>Writes a PNG with two panels: training and validation loss, and training and validation accuracy, per epoch.</summary>
public static class TrainingPlot
{
    /// <summary>Plots <paramref name="training"/>'s history into <paramref name="path"/> (a PNG of 1200 × 500 pixels).</summary>
    public static void Save(string path, TrainingResult training)
    {
        ArgumentNullException.ThrowIfNull(training);
        if (training.History.Count == 0)
        {
            throw new ArgumentException("Expected at least one completed epoch to plot, but the history is empty.", nameof(training));
        }

        double[] epochs = training.History.Select(e => (double)e.Epoch).ToArray();
        double[] trainingLoss = training.History.Select(e => e.TrainingLoss).ToArray();
        double[] validationLoss = training.History.Select(e => e.Validation?.Loss ?? double.NaN).ToArray();
        double[] trainingAccuracy = training.History.Select(e => 100 * (e.TrainingAccuracy ?? double.NaN)).ToArray();
        double[] validationAccuracy = training.History.Select(e => 100 * (e.Validation?.Accuracy ?? double.NaN)).ToArray();

        var multiplot = new Multiplot();
        multiplot.AddPlots(2);
        multiplot.Layout = new ScottPlot.MultiplotLayouts.Columns();
        Plot loss = multiplot.GetPlot(0);
        Plot accuracy = multiplot.GetPlot(1);

        AddCurves(loss, epochs, trainingLoss, validationLoss);
        loss.Title("Loss per epoch");
        loss.YLabel("loss");

        AddCurves(accuracy, epochs, trainingAccuracy, validationAccuracy);
        accuracy.Title("Accuracy per epoch");
        accuracy.YLabel("accuracy (%)");

        loss.ShowLegend(Alignment.UpperRight);
        accuracy.ShowLegend(Alignment.LowerRight);
        foreach (Plot plot in new[] { loss, accuracy })
        {
            plot.XLabel("epoch");
            if (training.BestEpoch is int best)
            {
                var line = plot.Add.VerticalLine(best);
                line.LinePattern = LinePattern.Dashed;
                line.Color = Colors.Gray;
                line.LegendText = $"best epoch ({best})";
            }
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        multiplot.SavePng(path, 1200, 500);
    }

    private static void AddCurves(Plot plot, double[] epochs, double[] trainingValues, double[] validationValues)
    {
        var trainingCurve = plot.Add.Scatter(epochs, trainingValues);
        trainingCurve.LegendText = "training";
        trainingCurve.MarkerSize = 4;
        var validationCurve = plot.Add.Scatter(epochs, validationValues);
        validationCurve.LegendText = "validation";
        validationCurve.MarkerSize = 4;
    }
}
