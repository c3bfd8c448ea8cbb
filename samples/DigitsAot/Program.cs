using System;
using System.Linq;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Reflection;
using DigitsAot;
using NetDsl;

// A NativeAOT digits classifier with the weights trained by samples/Digits inside the executable, twice over: compiled
// in by the generator (CreatePretrained: no I/O, no parsing) and as an embedded resource loaded and validated at
// start-up (which also carries the normalizer's statistics). Both must give the same parameters, bit for bit.
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
var clock = Stopwatch.StartNew();
DigitsClassifier model = DigitsClassifier.CreatePretrained();
TimeSpan compiledIn = clock.Elapsed;

var fromResource = new DigitsClassifier(seed: 0);
using Stream weights = Assembly.GetExecutingAssembly().GetManifestResourceStream("digits.safetensors")
    ?? throw new InvalidOperationException("The embedded resource 'digits.safetensors' is missing.");
LoadedWeights loaded = fromResource.LoadWeights(weights, new WeightLoadOptions { Extras = [Normalizer.ShiftName, Normalizer.ScaleName] });
Normalizer normalizer = Normalizer.FromStatistics(loaded.Extras[Normalizer.ShiftName].Values.Span, loaded.Extras[Normalizer.ScaleName].Values.Span);
TimeSpan startup = clock.Elapsed;
if (!model.Parameters.SequenceEqual(fromResource.Parameters))
{
    Console.Error.WriteLine("The compiled-in parameters differ from the embedded weight file's.");
    return 1;
}

string dataPath = args.Length > 0 ? args[0] : Path.Combine(AppContext.BaseDirectory, "data", "digits.csv.gz");
Dataset digits = normalizer.Transform(CsvLoader.Load(dataPath, new CsvOptions { HasHeader = false, TargetColumn = -1, Target = TargetKind.ClassIndex, ClassCount = 10 }).Data);

var int8Clock = Stopwatch.StartNew();
DigitsClassifier.Quantized int8 = DigitsClassifier.Quantized.CreatePretrained();
TimeSpan int8Ready = int8Clock.Elapsed;

(double accuracy, double nanoseconds) = Classify(digits, sample => model.Forward(new DigitsClassifier.Input(sample)));
(double int8Accuracy, double int8Nanoseconds) = Classify(digits, sample => int8.Forward(new DigitsClassifier.Input(sample)));
Console.WriteLine($"Compiled-in weights ready in {compiledIn.TotalMilliseconds:0.000} ms; the same weights loaded from the embedded file in {(startup - compiledIn).TotalMilliseconds:0.0} ms, bit-identical ({loaded.Architecture}).");
Console.WriteLine($"Classified {digits.Count} digits: {100 * accuracy:0.00} % correct, {nanoseconds:0} ns per digit.");
Console.WriteLine($"Int8: compiled-in network ready in {int8Ready.TotalMilliseconds:0.000} ms, {int8.Network.StorageBytes:N0} bytes of weights against {4 * DigitsClassifier.ParameterCount:N0} float bytes ({4.0 * DigitsClassifier.ParameterCount / int8.Network.StorageBytes:0.0}x smaller); {100 * int8Accuracy:0.00} % correct ({100 * (int8Accuracy - accuracy):+0.00;-0.00;0.00} points), {int8Nanoseconds:0} ns per digit.");
return Math.Abs(int8Accuracy - accuracy) <= 0.005 ? 0 : 1;

// The accuracy on every digit, and the time per digit (the second of two passes, so that the code is compiled).
static (double Accuracy, double Nanoseconds) Classify(Dataset digits, Func<ReadOnlySpan<float>, DigitsClassifier.Output> forward)
{
    int correct = 0;
    var timer = new Stopwatch();
    for (int pass = 0; pass < 2; pass++)
    {
        correct = 0;
        timer.Restart();
        for (int i = 0; i < digits.Count; i++)
        {
            DigitsClassifier.Output logits = forward(digits.GetFeatures(i));
            int predicted = 0;
            for (int c = 1; c < DigitsClassifier.OutputSize; c++)
            {
                predicted = logits[c] > logits[predicted] ? c : predicted;
            }

            correct += predicted == digits.GetClass(i) ? 1 : 0;
        }
    }

    return ((double)correct / digits.Count, timer.Elapsed.TotalMilliseconds * 1e6 / digits.Count);
}
