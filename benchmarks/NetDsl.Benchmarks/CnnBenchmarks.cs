using System;
using BenchmarkDotNet.Attributes;
using NetDsl.Onnx;

namespace NetDsl.Benchmarks;

/// <summary>N3 forward, batch 1.</summary>
[Config(typeof(BenchmarkConfig))]
public partial class N3ForwardBatch1
{
    private N3Net _model = null!;
    private NaiveCnn _naive = null!;
    private float[] _x = null!;
    private readonly float[] _y = new float[10];
    private readonly float[] _naiveY = new float[10];
    private OrtRunner _ort1 = null!;
    private OrtRunner _ortDefault = null!;

    /// <summary>Builds every system on the same weights and inputs and checks they agree.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _model = new N3Net(seed: 1);
        _x = Check.Uniform(28 * 28, seed: 2, lo: 0f, hi: 1f);
        _naive = new NaiveCnn(maxBatch: 1);
        _model.Parameters.CopyTo(_naive.Parameters);
        _model.Forward(_x, _y);
        _naive.Forward(_x, _naiveY, 1);
        Check.Same("naive C#", _naiveY, _y);
        byte[] onnx = OnnxExporter.ToBytes(_model);
        _ort1 = MlpFixtures.Ort(onnx, _x, 1, [1, 28, 28], 10, singleThread: true, _y);
        _ortDefault = MlpFixtures.Ort(onnx, _x, 1, [1, 28, 28], 10, singleThread: false, _y);
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
    public void NetDsl() => _model.Forward(_x, _y);

    /// <summary>Naive C# loops.</summary>
    [Benchmark]
    public void NaiveCSharp() => _naive.Forward(_x, _naiveY, 1);

    /// <summary>ONNX Runtime, 1 intra-op thread, IOBinding.</summary>
    [Benchmark]
    public void OnnxRuntime1Thread() => _ort1.Run();

    /// <summary>ONNX Runtime, default threads, IOBinding.</summary>
    [Benchmark]
    public void OnnxRuntimeDefault() => _ortDefault.Run();
}

/// <summary>N3 training step, batch 32, softmax cross-entropy, SGD: NetDsl and naive C#.</summary>
[Config(typeof(BenchmarkConfig))]
public partial class N3TrainStepBatch32
{
    private const int Batch = 32;
    private const float LearningRate = 1e-3f;
    private N3Net _model = null!;
    private NaiveCnn _naive = null!;
    private Sgd _sgd = null!;
    private CrossEntropyLoss _loss = null!;
    private float[] _x = null!;
    private float[] _t = null!;
    private readonly float[] _prediction = new float[Batch * 10];
    private readonly float[] _gradient = new float[Batch * 10];

    /// <summary>Builds both systems on the same weights and checks one step's loss, gradients and update agree.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _model = new N3Net(seed: 1);
        _x = Check.Uniform(Batch * 28 * 28, seed: 2, lo: 0f, hi: 1f);
        _t = Check.Classes(Batch, 10);
        _naive = new NaiveCnn(maxBatch: Batch);
        _sgd = new Sgd(LearningRate);
        _loss = new CrossEntropyLoss();
        float[] initial = _model.Parameters.ToArray();
        initial.CopyTo(_naive.Parameters, 0);
        float netDslLoss = NetDsl();
        float naiveLoss = NaiveCSharp();
        Check.Same("naive C# loss", [naiveLoss], [netDslLoss]);
        Check.Same("naive C# gradients", _naive.Gradients, _model.Gradients);
        Check.Same("naive C# updated parameters", _naive.Parameters, _model.Parameters);
        initial.AsSpan().CopyTo(_model.Parameters);
        initial.CopyTo(_naive.Parameters, 0);
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
    public float NaiveCSharp() => _naive.TrainStep(_x, _t, Batch, LearningRate);
}
