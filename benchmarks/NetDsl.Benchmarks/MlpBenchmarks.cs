using System;
using BenchmarkDotNet.Attributes;
using NetDsl.Onnx;

namespace NetDsl.Benchmarks;

/// <summary>N1 forward, batch 1: NetDsl (the by-value <c>Forward(in Input)</c>), naive C#, ONNX Runtime.</summary>
[Config(typeof(BenchmarkConfig))]
public partial class N1ForwardBatch1
{
    private N1Net _model = null!;
    private N1Net.Input _input;
    private NaiveMlp _naive = null!;
    private float[] _x = null!;
    private readonly float[] _y = new float[1];
    private OrtRunner _ort1 = null!;
    private OrtRunner _ortDefault = null!;

    /// <summary>Builds every system on the same weights and inputs and checks they agree.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _model = new N1Net(seed: 1);
        _x = Check.Uniform(3, seed: 2);
        _input = new N1Net.Input(_x);
        _naive = new NaiveMlp(3, 2, 1, maxBatch: 1);
        _model.Parameters.CopyTo(_naive.Parameters);
        float[] expected = [_model.Forward(in _input)[0]];
        _naive.Forward(_x, _y, 1);
        Check.Same("naive C#", _y, expected);
        byte[] onnx = OnnxExporter.ToBytes(_model);
        _ort1 = MlpFixtures.Ort(onnx, _x, 1, [3], 1, singleThread: true, expected);
        _ortDefault = MlpFixtures.Ort(onnx, _x, 1, [3], 1, singleThread: false, expected);
        SetupTorchSharp();
    }

    /// <summary>Releases the ONNX Runtime sessions.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _ort1.Dispose();
        _ortDefault.Dispose();
        CleanupTorchSharp();
    }

    /// <summary>NetDsl.</summary>
    [Benchmark(Baseline = true)]
    public float NetDsl() => _model.Forward(in _input)[0];

    /// <summary>Naive C# loops.</summary>
    [Benchmark]
    public float NaiveCSharp()
    {
        _naive.Forward(_x, _y, 1);
        return _y[0];
    }

    /// <summary>ONNX Runtime, 1 intra-op thread, IOBinding.</summary>
    [Benchmark]
    public void OnnxRuntime1Thread() => _ort1.Run();

    /// <summary>ONNX Runtime, default threads, IOBinding.</summary>
    [Benchmark]
    public void OnnxRuntimeDefault() => _ortDefault.Run();
}

/// <summary>N1 training step, batch 1, MSE, SGD: NetDsl and naive C#.</summary>
[Config(typeof(BenchmarkConfig))]
public partial class N1TrainStepBatch1
{
    private const float LearningRate = 1e-3f;
    private N1Net _model = null!;
    private NaiveMlp _naive = null!;
    private static readonly MeanSquaredErrorLoss Mse = new();
    private Sgd _sgd = null!;
    private float[] _x = null!;
    private float[] _t = null!;
    private readonly float[] _prediction = new float[1];
    private readonly float[] _gradient = new float[1];
    private readonly MeanSquaredErrorLoss _mse = new();
    private ILoss _lossInterface = null!;
    private N1Net.Input _input;

    /// <summary>Builds both systems on the same weights and checks one step's loss and gradients agree.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _model = new N1Net(seed: 1);
        _x = Check.Uniform(3, seed: 2);
        _t = [0.5f];
        _naive = new NaiveMlp(3, 2, 1, maxBatch: 1);
        _sgd = new Sgd(LearningRate);
        _input = new N1Net.Input(_x);
        _lossInterface = _mse;
        MlpFixtures.CheckTraining(_model, _naive, () => NetDsl(), () => NaiveCSharp());
        SetupTorchSharp();
    }

    /// <summary>NetDsl: zero gradients, forward, MSE, backward, SGD.</summary>
    [Benchmark(Baseline = true)]
    public float NetDsl()
    {
        _model.ZeroGradients();
        _model.ForwardTraining(_x, _prediction);
        float loss = Mse.ComputeWithGradient(_prediction, _t, _gradient);
        _model.Backward(_gradient);
        _sgd.Step(_model);
        return loss;
    }

    /// <summary>
    /// NetDsl's generated fused step (fully unrolled networks): the same step in one method, every value in a local;
    /// tests/NetDsl.Tests/FusedTrainStepTests.cs checks it equals the separate calls bit for bit.
    /// </summary>
    [Benchmark]
    public float NetDslFused() => _model.TrainStep(_input, _t, _mse, LearningRate);

    /// <summary>The fused step with the loss called through <see cref="ILoss"/> (a loss whose type is not known at compile time).</summary>
    [Benchmark]
    public float NetDslFusedThroughILoss() => _model.TrainStep(_input, _t, _lossInterface, LearningRate);

    /// <summary>Naive C# loops.</summary>
    [Benchmark]
    public float NaiveCSharp() => _naive.TrainStep(_x, _t, 1, NaiveLoss.MeanSquaredError, LearningRate);
}

/// <summary>N2 forward, batch 1.</summary>
[Config(typeof(BenchmarkConfig))]
public partial class N2ForwardBatch1
{
    private N2Net _model = null!;
    private N2Net.Quantized _int8 = null!;
    private OrtRunner _ortInt8 = null!;
    private NaiveMlp _naive = null!;
    private float[] _x = null!;
    private readonly float[] _y = new float[10];
    private readonly float[] _naiveY = new float[10];
    private OrtRunner _ort1 = null!;
    private OrtRunner _ortDefault = null!;

    /// <summary>Builds every system on the same weights and inputs and checks they agree.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _model = new N2Net(seed: 1);
        _x = Check.Uniform(784, seed: 2);
        _naive = new NaiveMlp(784, 128, 10, maxBatch: 1);
        _model.Parameters.CopyTo(_naive.Parameters);
        _model.Forward(_x, _y);
        _naive.Forward(_x, _naiveY, 1);
        Check.Same("naive C#", _naiveY, _y);
        _int8 = Check.Int8(_model, _x, _y);
        _ortInt8 = MlpFixtures.OrtInt8(_int8, _x, 1);
        byte[] onnx = OnnxExporter.ToBytes(_model);
        _ort1 = MlpFixtures.Ort(onnx, _x, 1, [784], 10, singleThread: true, _y);
        _ortDefault = MlpFixtures.Ort(onnx, _x, 1, [784], 10, singleThread: false, _y);
        SetupTorchSharp();
    }

    /// <summary>Releases the ONNX Runtime sessions.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _ort1.Dispose();
        _ortDefault.Dispose();
        _ortInt8.Dispose();
        CleanupTorchSharp();
    }

    /// <summary>NetDsl.</summary>
    [Benchmark(Baseline = true)]
    public void NetDsl() => _model.Forward(_x, _y);

    /// <summary>NetDsl's int8 twin (issue 15).</summary>
    [Benchmark]
    public void NetDslInt8() => _int8.Forward(_x, _y);

    /// <summary>Naive C# loops.</summary>
    [Benchmark]
    public void NaiveCSharp() => _naive.Forward(_x, _naiveY, 1);

    /// <summary>ONNX Runtime, 1 intra-op thread, IOBinding.</summary>
    [Benchmark]
    public void OnnxRuntime1Thread() => _ort1.Run();

    /// <summary>ONNX Runtime, default threads, IOBinding.</summary>
    [Benchmark]
    public void OnnxRuntimeDefault() => _ortDefault.Run();

    /// <summary>ONNX Runtime, 1 intra-op thread, on the QDQ export of the int8 twin (issue 15).</summary>
    [Benchmark]
    public void OnnxRuntimeInt8OneThread() => _ortInt8.Run();
}

/// <summary>N2 forward, batch 64.</summary>
[Config(typeof(BenchmarkConfig))]
public partial class N2ForwardBatch64
{
    private const int Batch = 64;
    private N2Net _model = null!;
    private N2Net.Quantized _int8 = null!;
    private OrtRunner _ortInt8 = null!;
    private OrtRunner _ortInt8Default = null!;
    private NetDsl.Quantization.QuantizedDataParallel _int8Parallel = null!;
    private NaiveMlp _naive = null!;
    private float[] _x = null!;
    private readonly float[] _y = new float[Batch * 10];
    private readonly float[] _naiveY = new float[Batch * 10];
    private OrtRunner _ort1 = null!;
    private OrtRunner _ortDefault = null!;

    /// <summary>Builds every system on the same weights and inputs and checks they agree.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _model = new N2Net(seed: 1);
        _x = Check.Uniform(Batch * 784, seed: 2);
        _naive = new NaiveMlp(784, 128, 10, maxBatch: Batch);
        _model.Parameters.CopyTo(_naive.Parameters);
        _model.ForwardBatch(_x, _y);
        _naive.Forward(_x, _naiveY, Batch);
        Check.Same("naive C#", _naiveY, _y);
        _int8 = Check.Int8(_model, _x, _y);
        _ortInt8 = MlpFixtures.OrtInt8(_int8, _x, Batch);
        _ortInt8Default = MlpFixtures.OrtInt8(_int8.Network, _x, Batch, [784], singleThread: false);
        _int8Parallel = new NetDsl.Quantization.QuantizedDataParallel(_int8.Network, threads: 2);
        var int8Y = new float[Batch * 10];
        var parallelY = new float[Batch * 10];
        _int8.ForwardBatch(_x, int8Y);
        _int8Parallel.ForwardBatch(_x, parallelY);
        Check.Same("N2 int8 on 2 threads", parallelY, int8Y);
        byte[] onnx = OnnxExporter.ToBytes(_model);
        _ort1 = MlpFixtures.Ort(onnx, _x, Batch, [784], 10, singleThread: true, _y);
        _ortDefault = MlpFixtures.Ort(onnx, _x, Batch, [784], 10, singleThread: false, _y);
        SetupTorchSharp();
    }

    /// <summary>Releases the ONNX Runtime sessions.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _ort1.Dispose();
        _ortDefault.Dispose();
        _ortInt8.Dispose();
        _ortInt8Default.Dispose();
        _int8Parallel.Dispose();
        CleanupTorchSharp();
    }

    /// <summary>NetDsl.</summary>
    [Benchmark(Baseline = true)]
    public void NetDsl() => _model.ForwardBatch(_x, _y);

    /// <summary>NetDsl's int8 twin (issue 15).</summary>
    [Benchmark]
    public void NetDslInt8() => _int8.ForwardBatch(_x, _y);

    /// <summary>NetDsl's int8 twin on 2 threads (<see cref="NetDsl.Quantization.QuantizedDataParallel"/>).</summary>
    [Benchmark]
    public void NetDslInt8TwoThreads() => _int8Parallel.ForwardBatch(_x, _y);

    /// <summary>Naive C# loops.</summary>
    [Benchmark]
    public void NaiveCSharp() => _naive.Forward(_x, _naiveY, Batch);

    /// <summary>ONNX Runtime, 1 intra-op thread, IOBinding.</summary>
    [Benchmark]
    public void OnnxRuntime1Thread() => _ort1.Run();

    /// <summary>ONNX Runtime, default threads, IOBinding.</summary>
    [Benchmark]
    public void OnnxRuntimeDefault() => _ortDefault.Run();

    /// <summary>ONNX Runtime, 1 intra-op thread, on the QDQ export of the int8 twin (issue 15).</summary>
    [Benchmark]
    public void OnnxRuntimeInt8OneThread() => _ortInt8.Run();

    /// <summary>ONNX Runtime, default threads, on the QDQ export of the int8 twin.</summary>
    [Benchmark]
    public void OnnxRuntimeInt8Default() => _ortInt8Default.Run();
}

/// <summary>N2 training step, batch 32, softmax cross-entropy, SGD: NetDsl and naive C#.</summary>
[Config(typeof(BenchmarkConfig))]
public partial class N2TrainStepBatch32
{
    private const int Batch = 32;
    private const float LearningRate = 1e-3f;
    private N2Net _model = null!;
    private NaiveMlp _naive = null!;
    private Sgd _sgd = null!;
    private CrossEntropyLoss _loss = null!;
    private float[] _x = null!;
    private float[] _t = null!;
    private readonly float[] _prediction = new float[Batch * 10];
    private readonly float[] _gradient = new float[Batch * 10];

    /// <summary>Builds both systems on the same weights and checks one step's loss and gradients agree.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _model = new N2Net(seed: 1);
        _x = Check.Uniform(Batch * 784, seed: 2);
        _t = Check.Classes(Batch, 10);
        _naive = new NaiveMlp(784, 128, 10, maxBatch: Batch);
        _sgd = new Sgd(LearningRate);
        _loss = new CrossEntropyLoss();
        MlpFixtures.CheckTraining(_model, _naive, () => NetDsl(), () => NaiveCSharp());
        SetupTorchSharp();
    }

    /// <summary>NetDsl: zero gradients, forward, cross-entropy, backward, SGD.</summary>
    [Benchmark(Baseline = true)]
    public float NetDsl()
    {
        _model.ZeroGradients();
        _model.ForwardTraining(_x, _prediction);
        float loss = _loss.ComputeWithGradient(_prediction, _t, _gradient);
        _model.Backward(_gradient);
        _sgd.Step(_model);
        return loss;
    }

    /// <summary>Naive C# loops.</summary>
    [Benchmark]
    public float NaiveCSharp() => _naive.TrainStep(_x, _t, Batch, NaiveLoss.CrossEntropy, LearningRate);
}

/// <summary>Helpers shared by the MLP and CNN benchmarks.</summary>
public static class MlpFixtures
{
    /// <summary>An ONNX Runtime runner on <paramref name="x"/>, checked against NetDsl's <paramref name="expected"/>.</summary>
    public static OrtRunner Ort(byte[] onnx, float[] x, int batch, int[] sampleShape, int outputSize, bool singleThread, float[] expected)
    {
        var runner = new OrtRunner(onnx, batch, sampleShape, outputSize, singleThread);
        x.CopyTo(runner.Input);
        runner.Run();
        Check.Same(singleThread ? "ONNX Runtime (1 thread)" : "ONNX Runtime (default threads)", runner.Output, expected);
        return runner;
    }

    /// <summary>
    /// ONNX Runtime (one thread) on the QDQ export of NetDsl's int8 twin, after checking that it gives the twin's outputs:
    /// within 1% of their largest magnitude (rounding ties can differ by a step inside; the exact bound, one step of the last
    /// layer's inputs, is tested in NetDsl.Onnx.Tests).
    /// </summary>
    public static OrtRunner OrtInt8(N2Net.Quantized int8, float[] x, int batch) => OrtInt8(int8.Network, x, batch, [784], singleThread: true);

    /// <summary>As <see cref="OrtInt8(N2Net.Quantized, float[], int)"/> for any int8 network, on one thread or ONNX Runtime's default threads.</summary>
    public static OrtRunner OrtInt8(NetDsl.Quantization.QuantizedNetwork int8, float[] x, int batch, int[] sampleShape, bool singleThread)
    {
        var runner = new OrtRunner(OnnxExporter.ToBytes(int8), batch, sampleShape, int8.OutputSize, singleThread);
        x.CopyTo(runner.Input);
        runner.Run();
        var expected = new float[batch * int8.OutputSize];
        int8.ForwardBatch(x, expected);
        double error = Check.RelativeError(runner.Output, expected);
        if (!(error <= 0.01))
        {
            throw new InvalidOperationException($"ONNX Runtime on the QDQ model: outputs differ from NetDsl's int8 ones by {error:G3} of their largest magnitude; expected at most 1%.");
        }

        return runner;
    }

    /// <summary>
    /// From the same parameters, one NetDsl step and one naive step must give the same loss and gradients; afterwards
    /// both are reset to those parameters.
    /// </summary>
    public static void CheckTraining(INetwork model, NaiveMlp naive, Func<float> netDslStep, Func<float> naiveStep)
    {
        float[] initial = model.Parameters.ToArray();
        initial.CopyTo(naive.Parameters, 0);
        float netDslLoss = netDslStep();
        float naiveLoss = naiveStep();
        Check.Same("naive C# loss", [naiveLoss], [netDslLoss]);
        Check.Same("naive C# gradients", naive.Gradients, model.Gradients);
        Check.Same("naive C# updated parameters", naive.Parameters, model.Parameters);
        initial.AsSpan().CopyTo(model.Parameters);
        initial.CopyTo(naive.Parameters, 0);
    }
}
