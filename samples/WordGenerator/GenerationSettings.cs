using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;

namespace WordGenerator;

/// <summary>The sample's settings; every one has a default, and the command line can change a few.</summary>
public sealed record GenerationSettings
{
    /// <summary>The bundled word list, copied next to the program.</summary>
    public string DataPath { get; init; } = Path.Combine(AppContext.BaseDirectory, "data", "words_american_english.txt.gz");

    /// <summary>Where the plot goes: <c>samples/WordGenerator/output</c> by default.</summary>
    public string OutputDirectory { get; init; } = DefaultOutputDirectory();

    /// <summary>The share of the words held out to choose the epoch (early stopping).</summary>
    public double ValidationFraction { get; init; } = 0.1;

    /// <summary>The share of the words held out to score once at the end.</summary>
    public double TestFraction { get; init; } = 0.1;

    /// <summary>The training words used (a seeded random subset of the training part), to keep training near a minute; 0 for all.</summary>
    public int TrainingWords { get; init; } = 30_000;

    /// <summary>The validation words scored after every epoch (a random subset of the validation part); 0 for all.</summary>
    public int ValidationWords { get; init; } = 2_000;

    /// <summary>The maximum number of epochs (early stopping may end sooner).</summary>
    public int Epochs { get; init; } = 4;

    /// <summary>Epochs without a better validation loss before training stops.</summary>
    public int Patience { get; init; } = 2;

    /// <summary>The mini-batch size.</summary>
    public int BatchSize { get; init; } = 128;

    /// <summary>The peak learning rate of Adam, decayed along a cosine to a twentieth of it by the last epoch.</summary>
    public float LearningRate { get; init; } = 5e-3f;

    /// <summary>The seed of the split, the network's initialization, the order of the examples and the sampling.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>The threads a training step uses (<see cref="NetDsl.TrainingOptions.Threads"/>).</summary>
    public int Threads { get; init; } = 1;

    /// <summary>The sampling temperatures.</summary>
    public double[] Temperatures { get; init; } = [0.5, 0.8, 1.0, 1.2];

    /// <summary>The words generated per temperature (counted as training, held-out or novel words).</summary>
    public int SamplesPerTemperature { get; init; } = 200;

    /// <summary>The generated words printed per temperature.</summary>
    public int WordsShown { get; init; } = 10;

    /// <summary>The most letters a generated word gets.</summary>
    public int MaxWordLength { get; init; } = 24;

    /// <summary>
    /// Parses <c>--epochs N</c>, <c>--quick</c> (1 epoch on 2000 words), <c>--words N</c> (training words, 0 for all),
    /// <c>--seed N</c>, <c>--threads N</c>, <c>--output DIR</c> and <c>--data FILE</c>.
    /// </summary>
    /// <exception cref="ArgumentException">An argument is unknown or its value is missing or malformed.</exception>
    public static GenerationSettings FromArguments(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var settings = new GenerationSettings();
        for (int i = 0; i < args.Length; i++)
        {
            string name = args[i];
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"Expected a value after {name}.");
            int Number(int minimum) => int.TryParse(Value(), NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n >= minimum
                ? n
                : throw new ArgumentException($"Expected a whole number of at least {minimum} after {name}, but got '{args[i]}'.");
            settings = name switch
            {
                "--epochs" => settings with { Epochs = Number(1) },
                "--quick" => settings with { Epochs = 1, TrainingWords = 2_000, ValidationWords = 500 },
                "--words" => settings with { TrainingWords = Number(0) },
                "--seed" => settings with { Seed = Number(0) },
                "--threads" => settings with { Threads = Number(1) },
                "--output" => settings with { OutputDirectory = Path.GetFullPath(Value()) },
                "--data" => settings with { DataPath = Path.GetFullPath(Value()) },
                _ => throw new ArgumentException($"Unknown argument '{name}'; expected --epochs N, --quick, --words N, --seed N, --threads N, --output DIR or --data FILE."),
            };
        }

        return settings;
    }

    private static string DefaultOutputDirectory()
    {
        string? projectDirectory = typeof(GenerationSettings).Assembly
            .GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "ProjectDirectory")?.Value;
        return projectDirectory is not null && Directory.Exists(projectDirectory)
            ? Path.Combine(projectDirectory, "output")
            : Path.Combine(Environment.CurrentDirectory, "output");
    }
}
