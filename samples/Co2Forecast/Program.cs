using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Threading;
using Co2Forecast;
using NetDsl;

// The NetDsl forecasting sample: weekly Mauna Loa CO2, cleaned, split by years, an LSTM trained with validation and
// early stopping, its one-week-ahead forecasts of the test years scored beside the naive and seasonal-naive baselines
// and plotted. Options: --epochs N, --quick (3 epochs), --seed N, --target change|level, --threads N, --output DIR, --data FILE.
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
ForecastSettings settings;
try
{
    settings = ForecastSettings.FromArguments(args);
}
catch (ArgumentException error)
{
    Console.Error.WriteLine(error.Message);
    return 2;
}

var clock = Stopwatch.StartNew();
Console.WriteLine("NetDsl · Mauna Loa weekly CO2, forecast one week ahead");
Console.WriteLine(Co2Model.Summary);
Console.WriteLine();

// 1-2. Data: load, clean, split, scale.
ForecastData data = ForecastPipeline.Prepare(settings, Co2Model.Window);
ChronologicalSplit split = data.Split;
WeeklySeries series = split.Series;
Console.WriteLine($"Data: {Path.GetFileName(settings.DataPath)}, {series.Count} consecutive weeks {series.Dates[0]:yyyy-MM-dd} .. {series.Dates[^1]:yyyy-MM-dd} (checked: 7 days apart, in order).");
Console.WriteLine($"Cleaning: {data.Cleaning}.");
Console.WriteLine($"  Filled weeks are inputs only: no sample has one as its target, for training or scoring.");
Console.WriteLine($"Split by the week predicted (chronological, no shuffling across parts), each sample reading the {split.Window} weeks before it:");
Console.WriteLine($"  training   {ChronologicalSplit.Describe(series, split.Training)}, shuffled within the part each epoch");
Console.WriteLine($"  validation {ChronologicalSplit.Describe(series, split.Validation)}, chooses the epoch (early stopping)");
Console.WriteLine($"  test       {ChronologicalSplit.Describe(series, split.Test)}, scored once at the end");
Console.WriteLine($"Scaling ({settings.Target}): {data.Scaler}.");
double highestTraining = double.MinValue;
foreach (double value in series.Values[..split.ValidationStart])
{
    highestTraining = Math.Max(highestTraining, value);
}

int above = 0;
foreach (int t in split.Test)
{
    above += series.Values[t] > highestTraining ? 1 : 0;
}

Console.WriteLine($"  {above} of {split.Test.Count} test weeks lie above the highest training week ({highestTraining:0.0} ppm): "
    + (settings.Target == ForecastTarget.Change
        ? "a level forecast would have to extrapolate, a change forecast does not (compare --target level)."
        : "the network must extrapolate its level (the default, --target change, need not)."));
Console.WriteLine();

// 3. Train, a line every five epochs; the validation RMSE is shown in ppm (the loss is the MSE of the scaled target).
using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};

ForecastReport report = ForecastPipeline.Train<Co2Model>(data, settings, new EpochPrinter(data.Scaler.TargetScale), cancellation.Token);
TrainingResult training = report.Training;
Console.WriteLine($"Training: {training.History.Count} epochs in {training.Elapsed.TotalSeconds:0.0} s ({training.Elapsed.TotalSeconds / Math.Max(1, training.History.Count):0.00} s per epoch, {settings.Threads} thread{(settings.Threads == 1 ? "" : "s")}); stopped: {training.StopReason}; best epoch {training.BestEpoch}, its parameters restored: {training.RestoredBestParameters}.");
Console.WriteLine();

// 4. Scores, in ppm, of one-week-ahead forecasts from the observed weeks before each target week.
Console.WriteLine($"{"One week ahead, in ppm",-38}{"RMSE",6}  {"MAE",6}  {"weeks",6}");
Row("validation: LSTM", report.Validation.Model);
Row("            naive (last week)", report.Validation.NaiveError);
Row("            seasonal-naive (52 weeks)", report.Validation.SeasonalNaiveError);
Row($"test:       LSTM", report.Test.Model);
Row("            naive (last week)", report.Test.NaiveError);
Row("            seasonal-naive (52 weeks)", report.Test.SeasonalNaiveError);
ForecastError model = report.Test.Model, naive = report.Test.NaiveError, seasonal = report.Test.SeasonalNaiveError;
Console.WriteLine(
    $"The LSTM's test RMSE is {model.RootMeanSquared / seasonal.RootMeanSquared:0.00}x seasonal-naive's and {model.RootMeanSquared / naive.RootMeanSquared:0.00}x naive's. "
    + $"Seasonal-naive misses a year's growth (on average {MeanDifference(report.Test.Truth, report.Test.SeasonalNaive):0.00} ppm in the test years); "
    + "naive misses the week's seasonal change; the window shows the network both.");
bool beatsBaselines = model.RootMeanSquared < seasonal.RootMeanSquared && model.RootMeanSquared < naive.RootMeanSquared;
if (!beatsBaselines)
{
    string why = settings.Target == ForecastTarget.Level
        ? "a level forecast must extrapolate beyond every level seen in training; predict the change instead (--target change, the default)"
        : $"{training.History.Count} epochs may be too few; the default run trains up to {new ForecastSettings().Epochs} with early stopping";
    Console.WriteLine($"The model does not beat both baselines here: {why}.");
}

Console.WriteLine();

// 5. The plot.
string plotPath = Path.Combine(settings.OutputDirectory, "forecast.png");
ForecastPlot.Save(plotPath, report.Test, "LSTM");
Console.WriteLine($"Saved the test-years plot to {plotPath}");
Console.WriteLine($"Done in {clock.Elapsed.TotalSeconds:0.0} s.");
return 0;

static double MeanDifference(double[] a, double[] b)
{
    double sum = 0;
    for (int i = 0; i < a.Length; i++)
    {
        sum += a[i] - b[i];
    }

    return sum / a.Length;
}

static void Row(string name, ForecastError error) =>
    Console.WriteLine($"{name,-38}{error.RootMeanSquared,6:0.000}  {error.MeanAbsolute,6:0.000}  {error.Count,6}");

/// <summary>
/// Compact progress: a line for the first epoch, every fifth and the last, with that epoch's learning rate, training loss and
/// validation RMSE in ppm (the loss is the MSE of the scaled target), and the best validation epoch so far.
/// </summary>
internal sealed class EpochPrinter(double targetScale) : IProgress<TrainingProgress>
{
    private const int Every = 5;
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

        if (epoch.Epoch == 1 || epoch.Epoch % Every == 0 || epoch.Epoch == value.EpochCount)
        {
            Console.WriteLine(
                $"epoch {epoch.Epoch,3}/{value.EpochCount}  lr {epoch.LearningRate:0.00000}  train loss {epoch.TrainingLoss:0.0000}  "
                + $"val RMSE {RootMeanSquare(validation.Loss):0.000} ppm  best {RootMeanSquare(_bestLoss):0.000} (epoch {_bestEpoch,2})  {_time.TotalSeconds,5:0.0} s");
        }
    }

    private double RootMeanSquare(double loss) => Math.Sqrt(loss) * targetScale;
}
