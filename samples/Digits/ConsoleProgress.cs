using System;
using System.Globalization;
using NetDsl;
using Spectre.Console;

namespace Digits;

/// <summary>Shows training progress: a live Spectre.Console bar on a terminal, or one plain line per epoch when output is redirected.</summary>
public sealed class ConsoleProgress : IProgress<TrainingProgress>
{
    private readonly IAnsiConsole _console;
    private readonly ProgressTask? _task;
    private string _validation = string.Empty;

    private ConsoleProgress(IAnsiConsole console, ProgressTask? task)
    {
        _console = console;
        _task = task;
    }

    /// <summary>Runs <paramref name="train"/> with a live progress bar when <paramref name="live"/>, or with plain epoch lines.</summary>
    public static T Run<T>(IAnsiConsole console, bool live, int epochs, Func<IProgress<TrainingProgress>, T> train)
    {
        if (!live)
        {
            return train(new ConsoleProgress(console, null));
        }

        return console.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(context =>
            {
                ProgressTask task = context.AddTask("training", maxValue: epochs);
                T result = train(new ConsoleProgress(console, task));
                task.Value = task.MaxValue;
                task.StopTask();
                return result;
            });
    }

    /// <inheritdoc/>
    public void Report(TrainingProgress value)
    {
        if (_task is not null)
        {
            // One bar over every epoch; the description carries the numbers of the moment.
            _task.Value = value.Epoch - 1 + (double)value.Batch / value.BatchCount;
            if (value.CompletedEpoch?.Validation is { Accuracy: double accuracy })
            {
                _validation = string.Create(CultureInfo.InvariantCulture, $" · val acc {accuracy:P1}"); // shown until the next epoch ends
            }

            _task.Description = string.Create(
                CultureInfo.InvariantCulture,
                $"epoch {value.Epoch,2}/{value.EpochCount} · batch {value.Batch,2}/{value.BatchCount} · loss {value.EpochLoss:0.0000}{_validation} · {value.SamplesPerSecond:N0} samples/s");
            return;
        }

        if (value.CompletedEpoch is { } epoch)
        {
            string validation = epoch.Validation is { } v ? string.Create(CultureInfo.InvariantCulture, $"  val loss {v.Loss:0.0000}  val acc {v.Accuracy:P2}") : string.Empty;
            _console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"epoch {epoch.Epoch,3}/{value.EpochCount}  lr {epoch.LearningRate:0.000000}  loss {epoch.TrainingLoss:0.0000}  acc {epoch.TrainingAccuracy:P2}{validation}  {epoch.SamplesPerSecond:N0} samples/s"));
        }
    }
}
