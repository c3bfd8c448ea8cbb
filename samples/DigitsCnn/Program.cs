using System;
using System.Diagnostics;
using System.Globalization;
using DigitsCnn;
using NetDsl;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
var clock = Stopwatch.StartNew();
Console.WriteLine("NetDsl convolutional digits classifier");
Console.WriteLine();
Console.WriteLine(DigitsCnnModel.Summary);
Console.WriteLine();

var progress = new Progress<TrainingProgress>(_ => { });
CnnReport report = CnnPipeline.Run(progress: progress);
Console.WriteLine($"Split: {report.Split.Training.Count} training, {report.Split.Validation.Count} validation, {report.Split.Test.Count} test samples.");
Console.WriteLine("epoch  train loss  val loss  val acc");
foreach (EpochMetrics epoch in report.Training.History)
{
    Console.WriteLine($"{epoch.Epoch,5}{(epoch.Epoch == report.Training.BestEpoch ? "*" : " ")} {epoch.TrainingLoss,10:0.0000} {epoch.Validation?.Loss,9:0.0000} {epoch.Validation?.Accuracy,8:P2}");
}

Console.WriteLine($"Stopped: {report.Training.StopReason}; best epoch {report.Training.BestEpoch} (* above), its parameters restored.");
double accuracy = report.Test.Accuracy!.Value;
Console.WriteLine($"Test accuracy: {accuracy:P2} on {report.Test.Count} held-out samples; {clock.Elapsed.TotalSeconds:0.0} s in all.");
Console.WriteLine();
Console.WriteLine("Int8 (docs/quantization.md):");
Console.Write(report.Int8.ToString());
(double floatMicroseconds, double int8Microseconds) = Digits.InferenceSpeed.Measure(report.Split.Test, DigitsCnnModel.OutputSize, report.Model.Forward, report.Int8Model.Forward);
Console.WriteLine($"One image: float {floatMicroseconds:0.00} µs, int8 {int8Microseconds:0.00} µs ({floatMicroseconds / int8Microseconds:0.0}x).");
return accuracy >= 0.97 ? 0 : 1;
