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

    /// <summary>
    /// N2's int8 twin, calibrated on 500 other samples of the same distribution, after checking that its outputs on
    /// <paramref name="x"/> are within 5% (relative RMS) of the float network's <paramref name="expected"/>: an int8
    /// network is not the same function, but it must be the same network.
    /// </summary>
    public static N2Net.Quantized Int8(N2Net model, ReadOnlySpan<float> x, ReadOnlySpan<float> expected)
    {
        N2Net.Quantized int8 = model.Quantize(Uniform(500 * 784, seed: 99));
        var y = new float[expected.Length];
        int8.ForwardBatch(x, y);
        Int8Close("N2 int8", y, expected);
        return int8;
    }

    /// <summary>Throws unless an int8 twin's outputs are within 5% (relative RMS) of the float network's.</summary>
    public static void Int8Close(string what, ReadOnlySpan<float> int8, ReadOnlySpan<float> expected)
    {
        double errors = 0, squares = 0;
        for (int i = 0; i < int8.Length; i++)
        {
            errors += (int8[i] - (double)expected[i]) * (int8[i] - expected[i]);
            squares += expected[i] * (double)expected[i];
        }

        double relative = Math.Sqrt(errors / squares);
        if (!(relative < 0.05))
        {
            throw new InvalidOperationException($"{what}: outputs are {relative:P2} (relative RMS) from the float network's; expected under 5%.");
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

/// <summary>
/// Whether TorchSharp runs in this process and, if not, why: it is compiled in only with -p:WithTorchSharp=true, and
/// on Debian 12 its native library loads only after benchmarks/torchsharp/setup.sh (see docs/benchmarks.md).
/// </summary>
public static class TorchSharpStatus
{
    private static readonly Lazy<(bool Available, string Reason, int DefaultThreads)> s_status = new(Probe);

    /// <summary>True when the TorchSharp cases can run.</summary>
    public static bool Available => s_status.Value.Available;

    /// <summary>libtorch's intra-op thread count before anything changed it (0 when unavailable).</summary>
    public static int DefaultThreads => s_status.Value.DefaultThreads;

    /// <summary>One line for the console and the document.</summary>
    public static string Reason => s_status.Value.Reason;

    /// <summary>The exception a TorchSharp benchmark body throws when TorchSharp is unavailable.</summary>
    public static InvalidOperationException Unavailable() => new(Reason);

    private static (bool, string, int) Probe()
    {
#if TORCHSHARP
        try
        {
            TorchSharp.torch.InitializeDeviceType(TorchSharp.DeviceType.CPU);
            int threads = TorchSharp.torch.get_num_threads();
            using var probe = TorchSharp.torch.ones(2, 2).matmul(TorchSharp.torch.ones(2, 2));
            string version = typeof(TorchSharp.torch).Assembly.GetName().Version?.ToString() ?? "?";
            return (true, $"TorchSharp: available (TorchSharp {version}, libtorch {TorchSharp.torch.__version__}, {threads} default threads; {DisableNnpack()}).", threads);
        }
        catch (Exception e)
        {
            // First lines only: TorchSharp's own message is a page long and blames a missing libtorch reference.
            string message = e.Message.Split('\n')[0].Trim();
            for (Exception? inner = e.InnerException; inner != null; inner = inner.InnerException)
            {
                message += " <- " + inner.Message.Split('\n')[0].Trim();
            }

            return (false, $"TorchSharp: unavailable, its native library did not load ({e.GetType().Name}: {message}). {LibStdCxx()} "
                + "On Debian 12 run benchmarks/torchsharp/setup.sh first (a shim for GLIBCXX_3.4.32's std::ios_base_library_init, attached with patchelf).", 0);
        }
#else
        return (false, "TorchSharp: unavailable, not compiled in: TorchSharp-cpu is referenced only with -p:WithTorchSharp=true (its restore downloads "
            + $"libtorch, hundreds of MB); see docs/benchmarks.md. {LibStdCxx()}", 0);
#endif
    }

#if TORCHSHARP
    /// <summary>
    /// PyTorch's torch.backends.nnpack.set_flags(False), which TorchSharp does not expose: libtorch tries NNPACK for
    /// every inference convolution, and where NNPACK does not support the CPU (this machine) it prints "Could not
    /// initialize NNPACK! Reason: Unsupported hardware." to stderr on every call, which would be timed. Disabling it
    /// only skips that attempt (the convolution runs on the same fallback path either way).
    /// </summary>
    private static unsafe string DisableNnpack()
    {
        if (!NativeLibrary.TryLoad("torch_cpu", typeof(TorchSharp.torch).Assembly, null, out IntPtr library)
            || !NativeLibrary.TryGetExport(library, "_ZN2at13globalContextEv", out IntPtr globalContext)
            || !NativeLibrary.TryGetExport(library, "_ZN2at7Context20setUserEnabledNNPACKEb", out IntPtr setUserEnabledNnpack))
        {
            return "NNPACK left as is: at::Context::setUserEnabledNNPACK not found";
        }

        IntPtr context = ((delegate* unmanaged<IntPtr>)globalContext)();
        ((delegate* unmanaged<IntPtr, byte, void>)setUserEnabledNnpack)(context, 0);
        return "NNPACK disabled";
    }

#endif
    private static string LibStdCxx()
    {
        const string path = "/usr/lib/x86_64-linux-gnu/libstdc++.so.6";
        if (!OperatingSystem.IsLinux() || !System.IO.File.Exists(path))
        {
            return $"({RuntimeInformation.OSDescription}.)";
        }

        return $"(This machine's libstdc++ provides up to {HighestGlibcxx(path)}; TorchSharp 0.107's libLibTorchSharp.so asks for GLIBCXX_3.4.32. {RuntimeInformation.OSDescription}.)";
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
