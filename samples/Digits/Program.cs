using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Threading;
using Digits;
using NetDsl;
using Spectre.Console;

// The NetDsl digits sample: load, clean, split, normalize, train with validation and early stopping, evaluate on the
// test set, save the weights and plot the curves. `dotnet run --project samples/Digits -- --help` lists the options.
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
DigitsSettings settings;
try
{
    settings = DigitsSettings.FromArguments(args);
}
catch (ArgumentException error)
{
    Console.Error.WriteLine(error.Message);
    return 2;
}

bool live = !settings.Plain && !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;
IAnsiConsole console = live
    ? AnsiConsole.Console
    : AnsiConsole.Create(new AnsiConsoleSettings { Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Interactive = InteractionSupport.No });
if (!live)
{
    console.Profile.Width = 120; // redirected output has no width of its own: wide enough for the tables and paths
}

var clock = Stopwatch.StartNew();
console.Write(new Rule("NetDsl · handwritten digits").LeftJustified());
console.WriteLine(DigitsClassifier.Summary);
console.WriteLine();

// Ctrl+C stops training cleanly between two batches; the best parameters so far are kept and evaluated.
using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};

DigitsReport report = ConsoleProgress.Run(console, live, settings.Epochs, progress => DigitsPipeline.Run(settings, progress, cancellation.Token));
DatasetSplit split = report.Split;
console.WriteLine($"Data: {Path.GetFileName(settings.DataPath)}, {report.Cleaning.RowsKept} samples of {split.Training.FeatureCount} pixels, 10 digits.");
console.WriteLine($"Cleaning: {report.Cleaning}.");
console.WriteLine($"Split (stratified, seed {settings.Seed}): {split.Training.Count} training, {split.Validation.Count} validation, {split.Test.Count} test; z-score normalization fitted on the training set.");
TrainingResult training = report.Training;
console.WriteLine($"Training: {training.History.Count} epochs, stopped: {training.StopReason}; best epoch {training.BestEpoch} (validation loss), parameters restored: {training.RestoredBestParameters}; {training.Elapsed.TotalSeconds:0.0} s.");
console.WriteLine();

// The validation curve: every epoch when there are few, else about 20 rows that always include the first, best and last.
var curve = new Table().Title("Training and validation per epoch").Border(live ? TableBorder.Rounded : TableBorder.Ascii);
foreach (string column in new[] { "epoch", "lr", "train loss", "train acc", "val loss", "val acc" })
{
    curve.AddColumn(new TableColumn(column).RightAligned());
}

int stride = Math.Max(1, (int)Math.Ceiling(training.History.Count / 20.0));
foreach (EpochMetrics epoch in training.History)
{
    bool best = epoch.Epoch == training.BestEpoch;
    if (epoch.Epoch % stride != 0 && epoch.Epoch != 1 && !best && epoch.Epoch != training.History.Count)
    {
        continue;
    }

    curve.AddRow(
        epoch.Epoch + (best ? " *" : string.Empty),
        epoch.LearningRate.ToString("0.000000"),
        epoch.TrainingLoss.ToString("0.0000"),
        epoch.TrainingAccuracy?.ToString("P2") ?? "",
        epoch.Validation?.Loss.ToString("0.0000") ?? "",
        epoch.Validation?.Accuracy?.ToString("P2") ?? "");
}

console.Write(curve);
console.WriteLine(stride > 1
    ? $"One epoch in {stride} shown; * best epoch (lowest validation loss): its parameters are the model's. The plot has every epoch."
    : "* best epoch (lowest validation loss): its parameters are the model's.");
console.WriteLine();

// The test set: accuracy, confusion matrix, per-class precision and recall.
EvaluationMetrics test = report.Test;
ConfusionMatrix matrix = test.ConfusionMatrix!;
var confusion = new Table().Title("Test confusion matrix (rows: actual digit, columns: predicted)").Border(live ? TableBorder.Rounded : TableBorder.Ascii);
confusion.AddColumn(new TableColumn("digit"));
for (int predicted = 0; predicted < matrix.ClassCount; predicted++)
{
    confusion.AddColumn(new TableColumn(predicted.ToString()).RightAligned());
}

confusion.AddColumn(new TableColumn("precision").RightAligned());
confusion.AddColumn(new TableColumn("recall").RightAligned());
for (int actual = 0; actual < matrix.ClassCount; actual++)
{
    var cells = new string[matrix.ClassCount + 3];
    cells[0] = actual.ToString();
    for (int predicted = 0; predicted < matrix.ClassCount; predicted++)
    {
        long count = matrix[actual, predicted];
        cells[predicted + 1] = count == 0 ? "." : predicted == actual || !live ? count.ToString() : $"[red]{count}[/]";
    }

    cells[^2] = matrix.Precision(actual).ToString("P1");
    cells[^1] = matrix.Recall(actual).ToString("P1");
    confusion.AddRow(cells);
}

console.Write(confusion);
double accuracy = test.Accuracy!.Value;
console.WriteLine($"Test accuracy: {accuracy:P2} ({test.Count} samples, loss {test.Loss:0.0000}).");

// Int8: the same network quantized after training (docs/quantization.md), its accuracy, size and speed beside the float one.
console.WriteLine();
console.WriteLine($"Int8 (calibrated on {Math.Min(DigitsPipeline.CalibrationSamples, split.Training.Count)} training samples):");
console.Write(report.Quantization.ToString());
(double floatMicroseconds, double int8Microseconds) = InferenceSpeed.Measure(split.Test, DigitsClassifier.OutputSize, report.Model.Forward, report.Int8.Forward);
console.WriteLine($"One sample: float {floatMicroseconds:0.00} µs, int8 {int8Microseconds:0.00} µs ({floatMicroseconds / int8Microseconds:0.0}x).");
console.WriteLine();

// The weights (parameters and normalizer statistics) and the plot.
string weightsPath = Path.Combine(settings.OutputDirectory, "digits.safetensors");
string plotPath = Path.Combine(settings.OutputDirectory, "training.png");
ModelFile.Save(weightsPath, report.Model, report.Normalizer);
console.WriteLine($"Saved the weights and normalizer to {weightsPath}");
string int8Path = Path.Combine(settings.OutputDirectory, "digits.int8.safetensors");
report.Int8.Save(int8Path);
console.WriteLine($"Saved the int8 network to {int8Path} ({new FileInfo(int8Path).Length:N0} bytes; {new FileInfo(weightsPath).Length:N0} for the float weights and normalizer)");
if (training.History.Count > 0)
{
    TrainingPlot.Save(plotPath, training);
    console.WriteLine($"Saved the loss and accuracy curves to {plotPath}");
}
console.WriteLine($"Done in {clock.Elapsed.TotalSeconds:0.0} s.");
return accuracy >= 0.97 ? 0 : 1;
