using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using NetDsl;
using WordGenerator;

// The NetDsl generation sample: an English word list, filtered to lowercase a-z, split by word, one example per
// character (the 8 characters before it -> the next one, or the end marker), a GRU trained with cross-entropy,
// validation and early stopping, its loss per character beside the unigram and bigram baselines, and new words
// sampled at several temperatures. Options: --epochs N, --quick, --words N, --seed N, --threads N, --output DIR, --data FILE.
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
GenerationSettings settings;
try
{
    settings = GenerationSettings.FromArguments(args);
}
catch (ArgumentException error)
{
    Console.Error.WriteLine(error.Message);
    return 2;
}

var clock = Stopwatch.StartNew();
Console.WriteLine("NetDsl · a character-level model of English words, and the words it makes up");
Console.WriteLine(CharModel.Summary);
Console.WriteLine();

// 1-2. Data: load, filter, split by word, build the examples.
GenerationData data = GenerationPipeline.Prepare(settings, CharModel.Context);
WordSplit split = data.Split;
Console.WriteLine($"Data: {Path.GetFileName(settings.DataPath)}: {data.Filter}.");
Console.WriteLine($"Vocabulary: {CharVocabulary.Size} tokens: {CharVocabulary.Padding} '{CharVocabulary.PaddingSymbol}' start/padding (the embedding's PaddingIndex), "
    + $"{CharVocabulary.End} '{CharVocabulary.EndSymbol}' end of word, {CharVocabulary.FirstLetter}-{CharVocabulary.Size - 1} 'a'-'z'.");
Console.WriteLine($"Split by word (seed {settings.Seed}; no word is in two parts; every example of a word is in the word's part):");
Console.WriteLine($"  training   {split.Training.Length,6} words, {Used(data.TrainingWords.Length, split.Training.Length, "--words 0 for all")}: {data.Training.Count,7:N0} examples");
Console.WriteLine($"  validation {split.Validation.Length,6} words, {Used(data.ValidationWords.Length, split.Validation.Length, "scored after every epoch")}: {data.Validation.Count,7:N0} examples");
Console.WriteLine($"  test       {split.Test.Length,6} words, all, scored once at the end: {data.Test.Count,7:N0} examples");
Dataset demo = CharExamples.ToDataset(["cat"], data.Context);
Console.WriteLine($"One example per character, end marker included: the {data.Context} tokens before it, left-padded. \"cat\": "
    + string.Join(", ", Enumerable.Range(0, demo.Count).Select(i => $"{CharVocabulary.Decode(demo.GetFeatures(i))} -> {CharVocabulary.Decode(demo.GetClass(i))}")));
Console.WriteLine();

// 3. Train, a line per epoch (the baselines are fitted on the same training examples first).
using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};

GenerationReport report = GenerationPipeline.Train<CharModel>(data, settings, new EpochPrinter(), cancellation.Token);
TrainingResult training = report.Training;
BaselineScores baselines = report.Baselines;
Console.WriteLine($"Training: {training.History.Count} epoch{(training.History.Count == 1 ? "" : "s")} in {training.Elapsed.TotalSeconds:0.0} s ({training.Elapsed.TotalSeconds / Math.Max(1, training.History.Count):0.0} s per epoch, "
    + $"{settings.Threads} thread{(settings.Threads == 1 ? "" : "s")}); stopped: {training.StopReason}; best epoch {training.BestEpoch}, its parameters restored: {training.RestoredBestParameters}.");
Console.WriteLine();

// 4. Loss per character on the validation and test words, beside the baselines.
Console.WriteLine($"{"Loss per character",-22}{"validation",22}{"test",30}");
Console.WriteLine($"{"",-22}{"nats",8}{"bits",7}{"perplexity",12}{"nats",13}{"bits",7}{"perplexity",12}");
Row($"GRU ({CharModel.ParameterCount:N0} parameters)", report.Validation.Loss, report.Test.Loss);
Row("5-gram (add-0.1)", baselines.FiveGramValidation, baselines.FiveGramTest);
Row("bigram", baselines.BigramValidation, baselines.BigramTest);
Row("unigram", baselines.UnigramValidation, baselines.UnigramTest);
Console.WriteLine($"(The unigram model's entropy on its own training characters: {baselines.UnigramTraining:0.000} nats, {Bits(baselines.UnigramTraining):0.000} bits.)");
Console.WriteLine($"The GRU's test loss is {1 - (report.Test.Loss / baselines.UnigramTest):0%} below unigram's and {1 - (report.Test.Loss / baselines.BigramTest):0%} below bigram's; "
    + $"it ranks the right next character first {report.Test.Accuracy:0.0%} of the time.");
Console.WriteLine($"For reference, counting alone goes further than bigrams: a 5-gram with add-0.1 smoothing scores {baselines.FiveGramTest:0.000} on the test words; "
    + $"the GRU is {Math.Abs(report.Test.Loss - baselines.FiveGramTest):0.000} nats {(report.Test.Loss < baselines.FiveGramTest ? "below" : "above")} it after this much training (see the README).");
if (report.Test.Loss >= baselines.BigramTest)
{
    Console.WriteLine($"It does not beat the bigram baseline here: {training.History.Count} epoch{(training.History.Count == 1 ? " is" : "s are")} too few; the default run trains {new GenerationSettings().Epochs}.");
}

Console.WriteLine();

// 5. New words, character by character, at each temperature.
TemperatureSamples[] samples = GenerationPipeline.Generate(report.Model, data, settings);
Console.WriteLine($"Generated words (seeded; * a training word, + a real word the network never saw, unmarked: not in the list; at most {settings.MaxWordLength} letters):");
foreach (TemperatureSamples sample in samples)
{
    string shown = string.Join(" ", sample.Words.Take(settings.WordsShown).Select((w, i) => w.Text + Mark(sample.Origins[i]) + (w.Truncated ? "…" : "")));
    Console.WriteLine($"  T = {sample.Temperature:0.0}: {shown}");
    int n = sample.Words.Length;
    Console.WriteLine($"           of {n}: {Share(sample.Count(WordOrigin.Training), n)} training words, {Share(sample.Count(WordOrigin.HeldOut), n)} held-out real words, "
        + $"{Share(sample.Count(WordOrigin.Novel), n)} new; {sample.Words.Select(w => w.Text).Distinct().Count()} distinct; mean length {sample.MeanLength:0.0}; {sample.Truncated} cut at the cap");
}

Console.WriteLine();

// 6. The plot.
string plotPath = Path.Combine(settings.OutputDirectory, "loss.png");
LossPlot.Save(plotPath, training, baselines, $"GRU(128), {CharModel.Context} characters of context");
Console.WriteLine($"Saved the loss plot to {plotPath}");
Console.WriteLine($"Done in {clock.Elapsed.TotalSeconds:0.0} s.");
return 0;

static string Used(int used, int total, string note) => used == total ? $"all, {note}" : $"{used} used (a random subset; {note})";

static double Bits(double nats) => nats / Math.Log(2);

static void Row(string name, double validation, double test) =>
    Console.WriteLine($"{name,-22}{validation,8:0.000}{Bits(validation),7:0.000}{Math.Exp(validation),12:0.00}{test,13:0.000}{Bits(test),7:0.000}{Math.Exp(test),12:0.00}");

static string Mark(WordOrigin origin) => origin switch
{
    WordOrigin.Training => "*",
    WordOrigin.HeldOut => "+",
    _ => "",
};

static string Share(int count, int total) => $"{count} ({(double)count / total:0%})";

/// <summary>
/// Compact progress: a line per epoch with its learning rate, training loss (the mean over the epoch's batches), and the
/// validation loss in nats and bits per character, the validation accuracy of the next character, and the best epoch so far.
/// </summary>
internal sealed class EpochPrinter : IProgress<TrainingProgress>
{
    private double _bestLoss = double.PositiveInfinity;
    private int _bestEpoch;
    private TimeSpan _time;

    public void Report(TrainingProgress value)
    {
        if (value.CompletedEpoch is not { } epoch || epoch.Validation is not { } validation)
        {
            return;
        }

        _time += epoch.Duration;
        if (validation.Loss < _bestLoss)
        {
            (_bestLoss, _bestEpoch) = (validation.Loss, epoch.Epoch);
        }

        Console.WriteLine(
            $"epoch {epoch.Epoch,2}/{value.EpochCount}  lr {epoch.LearningRate:0.00000}  train loss {epoch.TrainingLoss:0.0000}  "
            + $"val loss {validation.Loss:0.0000} nats ({validation.Loss / Math.Log(2):0.000} bits)  val acc {validation.Accuracy:0.0%}  best epoch {_bestEpoch,2}  "
            + $"{epoch.SamplesPerSecond / 1000,4:0} k examples/s  {_time.TotalSeconds,5:0.0} s");
    }
}
