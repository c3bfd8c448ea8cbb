using System;
using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;

namespace NetDsl.Benchmarks;

/// <summary>Inputs, targets and the cross-system equality check every benchmark runs before it is timed.</summary>
public static class Check
{
    /// <summary>The tolerance: the largest difference relative to the largest magnitude of the reference.</summary>
    public const double Tolerance = 1e-4;

    /// <summary>max |a - e| / max |e| (0 when both are all zero).</summary>
    public static double RelativeError(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected)
    {
        if (actual.Length != expected.Length)
        {
            throw new ArgumentException($"Lengths differ: {actual.Length} vs {expected.Length}.");
        }

        double maxDiff = 0, maxRef = 0;
        for (int i = 0; i < actual.Length; i++)
        {
            if (!float.IsFinite(actual[i]))
            {
                return double.PositiveInfinity;
            }

            maxDiff = Math.Max(maxDiff, Math.Abs((double)actual[i] - expected[i]));
            maxRef = Math.Max(maxRef, Math.Abs((double)expected[i]));
        }

        return maxRef == 0 ? maxDiff : maxDiff / maxRef;
    }

    /// <summary>Throws unless <paramref name="actual"/> equals NetDsl's <paramref name="expected"/> within <see cref="Tolerance"/>.</summary>
    public static void Same(string what, ReadOnlySpan<float> actual, ReadOnlySpan<float> expected)
    {
        double error = RelativeError(actual, expected);
        if (!(error <= Tolerance))
        {
            throw new InvalidOperationException($"{what}: outputs differ from NetDsl's (relative error {error:G3} > {Tolerance:G1}); the comparison would not be fair.");
        }
    }

    /// <summary>Deterministic uniform values in [lo, hi).</summary>
    public static float[] Uniform(int count, int seed, float lo = -1f, float hi = 1f)
    {
        var random = new Random(seed);
        var values = new float[count];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = lo + (hi - lo) * (float)random.NextDouble();
        }

        return values;
    }

    /// <summary>Class-index targets (one float per sample).</summary>
    public static float[] Classes(int batch, int classes)
    {
        var targets = new float[batch];
        for (int n = 0; n < batch; n++)
        {
            targets[n] = (n * 7 + 3) % classes;
        }

        return targets;
    }
}

/// <summary>
/// One ONNX Runtime session on an exported model with pre-allocated input and output <see cref="OrtValue"/>s bound
/// once through <see cref="OrtIoBinding"/>, so a timed call is only <c>RunWithBinding</c>.
/// </summary>
public sealed class OrtRunner : IDisposable
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions;
    private readonly OrtValue _input;
    private readonly OrtValue _output;
    private readonly OrtIoBinding _binding;

    /// <summary>Loads <paramref name="model"/> for batches of <paramref name="batch"/> samples of <paramref name="sampleShape"/>.</summary>
    /// <param name="singleThread">1 intra-op thread when true; ONNX Runtime's default thread pool otherwise.</param>
    public OrtRunner(byte[] model, int batch, int[] sampleShape, int outputSize, bool singleThread)
    {
        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        if (singleThread)
        {
            options.IntraOpNumThreads = 1;
            options.InterOpNumThreads = 1;
        }

        _session = new InferenceSession(model, options);
        _runOptions = new RunOptions();
        long[] inputShape = new long[sampleShape.Length + 1];
        inputShape[0] = batch;
        int sampleSize = 1;
        for (int i = 0; i < sampleShape.Length; i++)
        {
            inputShape[i + 1] = sampleShape[i];
            sampleSize *= sampleShape[i];
        }

        Input = new float[batch * sampleSize];
        Output = new float[batch * outputSize];
        _input = OrtValue.CreateTensorValueFromMemory(Input, inputShape);
        _output = OrtValue.CreateTensorValueFromMemory(Output, [batch, outputSize]);
        _binding = _session.CreateIoBinding();
        _binding.BindInput("input", _input);
        _binding.BindOutput("output", _output);
    }

    /// <summary>The bound input (pinned; write samples here).</summary>
    public float[] Input { get; }

    /// <summary>The bound output (pinned; ONNX Runtime writes here).</summary>
    public float[] Output { get; }

    /// <summary>Runs the model on <see cref="Input"/> into <see cref="Output"/>.</summary>
    public void Run() => _session.RunWithBinding(_runOptions, _binding);

    /// <inheritdoc/>
    public void Dispose()
    {
        _binding.Dispose();
        _input.Dispose();
        _output.Dispose();
        _runOptions.Dispose();
        _session.Dispose();
    }
}

/// <summary>Why TorchSharp is not among the measured systems on this machine.</summary>
public static class TorchSharpStatus
{
    /// <summary>The reason, for the console and the document.</summary>
    public static string Reason
    {
        get
        {
            string glibcxx = "unknown";
            if (OperatingSystem.IsLinux())
            {
                glibcxx = System.IO.File.Exists("/usr/lib/x86_64-linux-gnu/libstdc++.so.6") ? HighestGlibcxx("/usr/lib/x86_64-linux-gnu/libstdc++.so.6") : "not found";
            }

            return "TorchSharp: unavailable. TorchSharp-cpu is not referenced by this project: its restore downloads libtorch (hundreds of MB), "
                + "and TorchSharp 0.107's libLibTorchSharp.so requires GLIBCXX_3.4.32 (std::ios_base_library_init), while this machine's libstdc++ "
                + $"provides up to {glibcxx} ({RuntimeInformation.OSDescription}); it needs a shim library attached with patchelf (issue 6) to load.";
        }
    }

    private static string HighestGlibcxx(string path)
    {
        byte[] bytes = System.IO.File.ReadAllBytes(path);
        string text = System.Text.Encoding.ASCII.GetString(bytes);
        int best = -1;
        string found = "none";
        int at = 0;
        while ((at = text.IndexOf("GLIBCXX_3.4.", at, StringComparison.Ordinal)) >= 0)
        {
            int end = at + "GLIBCXX_3.4.".Length;
            int stop = end;
            while (stop < text.Length && char.IsAsciiDigit(text[stop]))
            {
                stop++;
            }

            if (stop > end && int.TryParse(text.AsSpan(end, stop - end), out int minor) && minor > best)
            {
                best = minor;
                found = text.Substring(at, stop - at);
            }

            at = stop;
        }

        return found;
    }
}
