using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using NetDsl.Benchmarks.ConvSweep;

namespace NetDsl.Benchmarks;

/// <summary>
/// <c>--recurrent-phases</c>: where the time of issue 13's training step (c) goes. Times each phase of the step at batch 32
/// (zero gradients, forward and cross-entropy; backward; SGD update) for <see cref="LstmNet"/> and <see cref="GruNet"/>,
/// NetDsl on one thread and, in a <c>-p:WithTorchSharp=true</c> build, TorchSharp on one thread with libtorch's oneDNN
/// (MKLDNN) enabled as shipped and disabled, which decides whether nn.LSTM runs as oneDNN's fused RNN primitive. Stopwatch,
/// medians over the rounds of about 2 s per row after 0.5 s of warm-up; outside BenchmarkDotNet, so compare within one run.
/// </summary>
internal static partial class RecurrentPhaseProbe
{
    private const int Batch = 32;
    private const float LearningRate = 1e-2f;

    public static void Run(TextWriter log)
    {
        log.WriteLine($"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC; {SweepMachine.CpuModel()}; load average {SweepMachine.LoadAverage()}; {TorchSharpStatus.Reason}");
        log.WriteLine("| network | system | zero grad + forward + loss | backward | update | whole step |");
        log.WriteLine("| --- | --- | ---: | ---: | ---: | ---: |");
        Probe(log, "LSTM(32)", new LstmNet(seed: 1));
        Probe(log, "GRU(32) x2, bidirectional", new GruNet(seed: 1));
        log.WriteLine($"load average after: {SweepMachine.LoadAverage()}");
    }

    private static void Probe<TNetwork>(TextWriter log, string name, TNetwork model)
        where TNetwork : class, INetwork<TNetwork>
    {
        float[] x = Check.Uniform(Batch * TNetwork.InputSize, seed: 2);
        float[] t = Check.Classes(Batch, TNetwork.OutputSize);
        var prediction = new float[Batch * TNetwork.OutputSize];
        var gradient = new float[prediction.Length];
        var loss = new CrossEntropyLoss();
        var sgd = new Sgd(LearningRate);
        float[] initial = model.Parameters.ToArray();
        Row(log, name, "NetDsl", () =>
        {
            model.ZeroGradients();
            model.ForwardTraining(x, prediction);
            loss.ComputeWithGradient(prediction, t, gradient);
            long forward = Stopwatch.GetTimestamp();
            model.Backward(gradient);
            long backward = Stopwatch.GetTimestamp();
            sgd.Step(model);
            return (forward, backward, Stopwatch.GetTimestamp());
        });
        initial.AsSpan().CopyTo(model.Parameters);
        ProbeTorchSharp(log, name, model, x, t);
    }

    /// <summary>The TorchSharp rows (TorchSharpCases.cs); without -p:WithTorchSharp=true the call is removed.</summary>
    static partial void ProbeTorchSharp<TNetwork>(TextWriter log, string name, TNetwork model, float[] x, float[] t)
        where TNetwork : class, INetwork<TNetwork>;

    /// <summary>Times <paramref name="step"/>, which returns the timestamps at the end of its first three phases.</summary>
    private static void Row(TextWriter log, string name, string system, Func<(long Forward, long Backward, long Update)> step)
    {
        long warmUpEnd = Stopwatch.GetTimestamp() + Stopwatch.Frequency / 2;
        while (Stopwatch.GetTimestamp() < warmUpEnd)
        {
            step();
        }

        var phases = new List<double>[4];
        for (int p = 0; p < phases.Length; p++)
        {
            phases[p] = [];
        }

        long end = Stopwatch.GetTimestamp() + 2 * Stopwatch.Frequency;
        while (Stopwatch.GetTimestamp() < end || phases[0].Count < 20)
        {
            long start = Stopwatch.GetTimestamp();
            (long forward, long backward, long update) = step();
            phases[0].Add(Stopwatch.GetElapsedTime(start, forward).TotalMicroseconds);
            phases[1].Add(Stopwatch.GetElapsedTime(forward, backward).TotalMicroseconds);
            phases[2].Add(Stopwatch.GetElapsedTime(backward, update).TotalMicroseconds);
            phases[3].Add(Stopwatch.GetElapsedTime(start, update).TotalMicroseconds);
        }

        log.WriteLine($"| {name} | {system} | {string.Join(" | ", phases.Select(p => Microseconds(Median(p))))} |");
    }

    private static string Microseconds(double value) => value < 10 ? $"{value:F1} µs" : $"{value:N0} µs";

    private static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }
}
