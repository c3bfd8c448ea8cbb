using System;
using System.Diagnostics;

namespace NetDsl.Benchmarks;

/// <summary>N4 with batch normalization after each convolution: the second epoch-time workload.</summary>
[Network]
[Input(1, 28, 28)]
[Conv2D(32, Kernel = 3, Padding = 1), BatchNorm2D, ReLU]
[MaxPool2D(2)]
[Conv2D(64, Kernel = 3, Padding = 1), BatchNorm2D, ReLU]
[MaxPool2D(2)]
[Conv2D(64, Kernel = 3, Padding = 1), BatchNorm2D, ReLU]
[MaxPool2D(2)]
[Flatten, Dropout(0.3)]
[Linear(10)]
public partial class N4BatchNormNet;

/// <summary>
/// One 60,000-image epoch of N4 (MNIST's training-set size) through <see cref="Trainer{TNetwork}"/>, batch 64, SGD with
/// momentum, shuffled, on 1 and 2 threads, with and without batch normalization:
/// <c>dotnet run -c Release --project benchmarks/NetDsl.Benchmarks -- --epoch-probe [images]</c>. The images are seeded
/// uniform noise with random labels (MNIST is not bundled; the arithmetic does not depend on the values). Wall-clock time
/// of <c>Fit</c> for one epoch, after a warm-up epoch of 1,024 images.
/// </summary>
internal static class EpochProbe
{
    public static void Run(int images)
    {
        Console.WriteLine($"{images:N0} images of 1x28x28, batch 64, SGD(0.01, momentum 0.9), shuffled; processors: {Environment.ProcessorCount}");
        var random = new SeededRandom(5);
        float[] features = new float[images * 28 * 28];
        random.FillUniform(features, 0f, 1f);
        float[] labels = new float[images];
        for (int i = 0; i < images; i++)
        {
            labels[i] = i % 10;
        }

        var data = new Dataset(features, 28 * 28, labels, classCount: 10);
        var warmUp = new Dataset(features.AsSpan(0, 1024 * 28 * 28), 28 * 28, labels.AsSpan(0, 1024), classCount: 10);
        foreach (int threads in new[] { 1, 2 })
        {
            Measure("N4", new N4Net(seed: 1), data, warmUp, threads);
            Measure("N4 + BatchNorm2D", new N4BatchNormNet(seed: 1), data, warmUp, threads);
        }
    }

    private static void Measure<TNetwork>(string name, TNetwork network, Dataset data, Dataset warmUp, int threads)
        where TNetwork : class, INetwork<TNetwork>
    {
        var options = new TrainingOptions
        {
            Loss = new CrossEntropyLoss(),
            Optimizer = new Sgd(0.01f, momentum: 0.9f),
            BatchSize = 64,
            Epochs = 1,
            Threads = threads,
            Seed = 7,
        };
        using (var trainer = new Trainer<TNetwork>(network, options))
        {
            trainer.Fit(warmUp);
        }

        using var timed = new Trainer<TNetwork>(network, options);
        var clock = Stopwatch.StartNew();
        TrainingResult result = timed.Fit(data);
        double seconds = clock.Elapsed.TotalSeconds;
        Console.WriteLine($"| {name} | {threads} | {seconds:F1} s | {data.Count / seconds:N0} images/s | final training loss {result.History[^1].TrainingLoss:F3} |");
    }
}
