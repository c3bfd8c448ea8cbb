using System;
using System.Diagnostics;

namespace NetDsl.Benchmarks;

/// <summary>
/// <c>--parallel-probe [chunk]</c>: the N2 batch-256 training step of <see cref="N2TrainStepBatch256"/> (plain network,
/// <see cref="DataParallel{TNetwork}"/> on 1 and on 2 threads), interleaved in 15 rounds of 20 steps, then 1,000 steps
/// of each with the process's CPU time. CPU time divided by wall time is the number of cores the process actually got:
/// on a shared machine it tells whether a 2-thread result could show a 2-core speed-up at all.
/// </summary>
public static class ParallelProbe
{
    /// <summary>Runs the probe and prints one line per configuration.</summary>
    public static void Run(int chunkSize)
    {
        const int Batch = 256;
        var model = new N2Net(seed: 1);
        float[] x = Check.Uniform(Batch * 784, seed: 2);
        float[] t = Check.Classes(Batch, 10);
        var prediction = new float[Batch * 10];
        var gradient = new float[Batch * 10];
        var loss = new CrossEntropyLoss();
        var sgd = new Sgd(1e-3f);
        using var one = new DataParallel<N2Net>(model, 1, chunkSize);
        using var two = new DataParallel<N2Net>(model, 2, chunkSize);

        void Plain()
        {
            model.ZeroGradients();
            model.ForwardTraining(x, prediction);
            loss.ComputeWithGradient(prediction, t, gradient);
            model.Backward(gradient);
            sgd.Step(model);
        }

        void Chunked(DataParallel<N2Net> parallel)
        {
            model.ZeroGradients();
            parallel.ComputeGradients(x, t, loss, prediction);
            sgd.Step(model);
        }

        (string Name, Action Step)[] configurations =
        [
            ("plain network", Plain),
            ($"DataParallel, 1 thread, chunks of {chunkSize}", () => Chunked(one)),
            ($"DataParallel, 2 threads, chunks of {chunkSize}", () => Chunked(two)),
        ];

        var best = new double[configurations.Length];
        Array.Fill(best, double.MaxValue);
        for (int warmUp = 0; warmUp < 30; warmUp++)
        {
            foreach ((string _, Action step) in configurations)
            {
                step();
            }
        }

        for (int round = 0; round < 15; round++)
        {
            for (int c = 0; c < configurations.Length; c++)
            {
                var clock = Stopwatch.StartNew();
                for (int i = 0; i < 20; i++)
                {
                    configurations[c].Step();
                }

                best[c] = Math.Min(best[c], clock.Elapsed.TotalMilliseconds / 20);
            }
        }

        Console.WriteLine($"N2 training step, batch {Batch}; load average: {LoadAverage()}");
        using var process = Process.GetCurrentProcess();
        for (int c = 0; c < configurations.Length; c++)
        {
            process.Refresh();
            TimeSpan cpu = process.TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            for (int i = 0; i < 1000; i++)
            {
                configurations[c].Step();
            }

            double wall = clock.Elapsed.TotalMilliseconds / 1000;
            process.Refresh();
            double cpuPerStep = (process.TotalProcessorTime - cpu).TotalMilliseconds / 1000;
            Console.WriteLine(
                $"{configurations[c].Name,-40} best of 15x20: {best[c],6:F3} ms   1000 steps: {wall,6:F3} ms wall, {cpuPerStep,6:F3} ms CPU, {cpuPerStep / wall:F2} cores used   speed-up vs 1 thread: {best[1] / best[c]:F2}");
        }

        // The part of a step no thread count shortens (zeroing the gradients, SGD), and the loss, whose gradient rows
        // ComputeGradients spreads over the chunks' threads.
        double Time(Action part)
        {
            var partClock = Stopwatch.StartNew();
            for (int i = 0; i < 1000; i++)
            {
                part();
            }

            return partClock.Elapsed.TotalMilliseconds / 1000;
        }

        double serial = Time(() =>
        {
            model.ZeroGradients();
            sgd.Step(model);
        });
        double lossTime = Time(() => loss.ComputeWithGradient(prediction, t, gradient));
        Console.WriteLine($"serial part (zero gradients, SGD): {serial:F3} ms; cross-entropy on the whole batch: {lossTime:F3} ms");
        Console.WriteLine($"load average: {LoadAverage()}");
    }

    /// <summary>The first three fields of <c>/proc/loadavg</c>, or "unknown".</summary>
    internal static string LoadAverage()
    {
        try
        {
            return string.Join(" / ", System.IO.File.ReadAllText("/proc/loadavg").Split(' ')[..3]);
        }
        catch (Exception exception) when (exception is System.IO.IOException or UnauthorizedAccessException)
        {
            return "unknown";
        }
    }
}
