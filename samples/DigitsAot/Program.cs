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

int correct = 0;
var timer = Stopwatch.StartNew();
for (int i = 0; i < digits.Count; i++)
{
    DigitsClassifier.Output logits = model.Forward(new DigitsClassifier.Input(digits.GetFeatures(i)));
    int predicted = 0;
    for (int c = 1; c < DigitsClassifier.OutputSize; c++)
    {
        predicted = logits[c] > logits[predicted] ? c : predicted;
    }

    correct += predicted == digits.GetClass(i) ? 1 : 0;
}

double nanoseconds = timer.Elapsed.TotalMilliseconds * 1e6 / digits.Count;
Console.WriteLine($"Compiled-in weights ready in {compiledIn.TotalMilliseconds:0.000} ms; the same weights loaded from the embedded file in {(startup - compiledIn).TotalMilliseconds:0.0} ms, bit-identical ({loaded.Architecture}).");
Console.WriteLine($"Classified {digits.Count} digits: {100.0 * correct / digits.Count:0.00} % correct, {nanoseconds:0} ns per digit.");
return 0;
