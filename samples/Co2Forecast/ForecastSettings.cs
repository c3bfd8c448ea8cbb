using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;

namespace Co2Forecast;

/// <summary>The sample's settings; every one has a default, and the command line can change a few.</summary>
public sealed record ForecastSettings
{
    /// <summary>The bundled series, copied next to the program.</summary>
    public string DataPath { get; init; } = Path.Combine(AppContext.BaseDirectory, "data", "co2_weekly.csv");

    /// <summary>Where the plot goes: <c>samples/Co2Forecast/output</c> by default.</summary>
    public string OutputDirectory { get; init; } = DefaultOutputDirectory();

    /// <summary>The maximum number of epochs (early stopping usually ends sooner).</summary>
    public int Epochs { get; init; } = 80;

    /// <summary>Epochs without a better validation loss before training stops.</summary>
    public int Patience { get; init; } = 20;

    /// <summary>The mini-batch size.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>The peak learning rate of Adam.</summary>
    public float LearningRate { get; init; } = 3e-3f;

    /// <summary>The seed of the network's initialization and of the order of the training windows.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>What the network predicts: next week's change (default) or its level.</summary>
    public ForecastTarget Target { get; init; } = ForecastTarget.Change;

    /// <summary>The last calendar years, scored once at the end.</summary>
    public int TestYears { get; init; } = 10;

    /// <summary>The calendar years before the test years that choose the epoch (early stopping).</summary>
    public int ValidationYears { get; init; } = 5;

    /// <summary>The threads a training step uses (<see cref="NetDsl.TrainingOptions.Threads"/>).</summary>
    public int Threads { get; init; } = 1;

    /// <summary>
    /// Parses <c>--epochs N</c>, <c>--quick</c> (3 epochs), <c>--seed N</c>, <c>--target change|level</c>,
    /// <c>--threads N</c>, <c>--output DIR</c> and <c>--data FILE</c>.
    /// </summary>
    /// <exception cref="ArgumentException">An argument is unknown or its value is missing or malformed.</exception>
    public static ForecastSettings FromArguments(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var settings = new ForecastSettings();
        for (int i = 0; i < args.Length; i++)
        {
            string name = args[i];
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"Expected a value after {name}.");
            int Number() => int.TryParse(Value(), NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n > 0
                ? n
                : throw new ArgumentException($"Expected a positive whole number after {name}, but got '{args[i]}'.");
            settings = name switch
            {
                "--epochs" => settings with { Epochs = Number() },
                "--quick" => settings with { Epochs = 3 },
                "--seed" => settings with { Seed = Number() },
                "--threads" => settings with { Threads = Number() },
                "--target" => settings with
                {
                    Target = Value() switch
                    {
                        "change" => ForecastTarget.Change,
                        "level" => ForecastTarget.Level,
                        string other => throw new ArgumentException($"Expected change or level after --target, but got '{other}'."),
                    },
                },
                "--output" => settings with { OutputDirectory = Path.GetFullPath(Value()) },
                "--data" => settings with { DataPath = Path.GetFullPath(Value()) },
                _ => throw new ArgumentException($"Unknown argument '{name}'; expected --epochs N, --quick, --seed N, --target change|level, --threads N, --output DIR or --data FILE."),
            };
        }

        return settings;
    }

    private static string DefaultOutputDirectory()
    {
        string? projectDirectory = typeof(ForecastSettings).Assembly
            .GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "ProjectDirectory")?.Value;
        return projectDirectory is not null && Directory.Exists(projectDirectory)
            ? Path.Combine(projectDirectory, "output")
            : Path.Combine(Environment.CurrentDirectory, "output");
    }
}
