using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;

namespace Digits;

/// <summary>The sample's settings; every one has a default, and the command line can change a few.</summary>
public sealed record DigitsSettings
{
    /// <summary>The bundled data set, copied next to the program.</summary>
    public string DataPath { get; init; } = Path.Combine(AppContext.BaseDirectory, "data", "digits.csv.gz");

    /// <summary>Where the weights and the plot go: <c>samples/Digits/output</c> by default.</summary>
    public string OutputDirectory { get; init; } = DefaultOutputDirectory();

    /// <summary>The maximum number of epochs (early stopping usually ends sooner).</summary>
    public int Epochs { get; init; } = 60;

    /// <summary>The mini-batch size.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>The peak learning rate of AdamW.</summary>
    public float LearningRate { get; init; } = 3e-3f;

    /// <summary>The seed of the split, the shuffles and the network's initialization.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>
    /// The threads a training step uses (<see cref="NetDsl.TrainingOptions.Threads"/>; default 1). Above 1 the batches are
    /// cut into chunks of 32 samples, so at the sample's batch size of 32 every batch is one chunk and the result is
    /// exactly the one-thread result; larger batches are where a second core helps.
    /// </summary>
    public int Threads { get; init; } = 1;

    /// <summary>Plain line output even on a terminal (redirected output is always plain).</summary>
    public bool Plain { get; init; }

    /// <summary>The fractions of the training, validation and test sets.</summary>
    public (double Training, double Validation, double Test) Fractions { get; init; } = (0.7, 0.15, 0.15);

    /// <summary>Parses <c>--epochs N</c>, <c>--seed N</c>, <c>--threads N</c>, <c>--output DIR</c>, <c>--data FILE</c> and <c>--plain</c>.</summary>
    /// <exception cref="ArgumentException">An argument is unknown or its value is missing or malformed.</exception>
    public static DigitsSettings FromArguments(string[] args)
    {
        var settings = new DigitsSettings();
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
                "--seed" => settings with { Seed = Number() },
                "--threads" => settings with { Threads = Number() },
                "--output" => settings with { OutputDirectory = Path.GetFullPath(Value()) },
                "--data" => settings with { DataPath = Path.GetFullPath(Value()) },
                "--plain" => settings with { Plain = true },
                _ => throw new ArgumentException($"Unknown argument '{name}'; expected --epochs N, --seed N, --threads N, --output DIR, --data FILE or --plain."),
            };
        }

        return settings;
    }

    private static string DefaultOutputDirectory()
    {
        string? projectDirectory = typeof(DigitsSettings).Assembly
            .GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "ProjectDirectory")?.Value;
        return projectDirectory is not null && Directory.Exists(projectDirectory)
            ? Path.Combine(projectDirectory, "output")
            : Path.Combine(Environment.CurrentDirectory, "output");
    }
}
