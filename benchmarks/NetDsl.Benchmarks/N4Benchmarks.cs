using System;
using BenchmarkDotNet.Attributes;
using NetDsl.Onnx;

namespace NetDsl.Benchmarks;

// N4 (issue 12): forward at batch 1 and 64 (the network as trained and frozen for inference) against ONNX Runtime (and TorchSharp with -p:WithTorchSharp=true), and the
// training step at batch 64 on one thread and through DataParallel on 1 and 2 threads. N4 has no naive C# peer: its
// training checks use N4Reference, a double-precision oracle given the dropout masks each system drew.

/// <summary>N4 forward, batch 1.</summary>
[Config(typeof(BenchmarkConfig))]
public partial class N4ForwardBatch1
{
    private N4Net _model = null!;
    private N4Net _frozen = null!;
    private float[] _x = null!;
    private readonly float[] _y = new float[10];
    private OrtRunner _ort1 = null!;
    private OrtRunner _ortDefault = null!;

    /// <summary>Builds every system on the same weights and inputs and checks they agree.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _model = new N4Net(seed: 1);
        _x = Check.Uniform(28 * 28, seed: 2, lo: 0f, hi: 1f);
        _model.Forward(_x, _y);
        _frozen = N4Frozen.Create(_x, _y, batch: 1);
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

    /// <summary>NetDsl, the network frozen for inference (as ONNX Runtime's session is): its packed weights are not compared on every call.</summary>
    [Benchmark]
    public void NetDslFrozen() => _frozen.Forward(_x, _y);

    /// <summary>ONNX Runtime, 1 intra-op thread, IOBinding.</summary>
    [Benchmark]
    public void OnnxRuntime1Thread() => _ort1.Run();

    /// <summary>ONNX Runtime, default threads, IOBinding.</summary>
    [Benchmark]
    public void OnnxRuntimeDefault() => _ortDefault.Run();
}

/// <summary>N4 forward, batch 64.</summary>
[Config(typeof(BenchmarkConfig))]
public partial class N4ForwardBatch64
{
    private const int Batch = 64;
    private N4Net _model = null!;
    private N4Net _frozen = null!;
    private float[] _x = null!;
    private readonly float[] _y = new float[Batch * 10];
    private OrtRunner _ort1 = null!;
    private OrtRunner _ortDefault = null!;

    /// <summary>Builds every system on the same weights and inputs and checks they agree.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _model = new N4Net(seed: 1);
        _x = Check.Uniform(Batch * 28 * 28, seed: 2, lo: 0f, hi: 1f);
        _model.ForwardBatch(_x, _y);
        _frozen = N4Frozen.Create(_x, _y, Batch);
        byte[] onnx = OnnxExporter.ToBytes(_model);
        _ort1 = MlpFixtures.Ort(onnx, _x, Batch, [1, 28, 28], 10, singleThread: true, _y);
        _ortDefault = MlpFixtures.Ort(onnx, _x, Batch, [1, 28, 28], 10, singleThread: false, _y);
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
    public void NetDsl() => _model.ForwardBatch(_x, _y);

    /// <summary>NetDsl, the network frozen for inference.</summary>
    [Benchmark]
    public void NetDslFrozen() => _frozen.ForwardBatch(_x, _y);

    /// <summary>ONNX Runtime, 1 intra-op thread, IOBinding.</summary>
    [Benchmark]
    public void OnnxRuntime1Thread() => _ort1.Run();

    /// <summary>ONNX Runtime, default threads, IOBinding.</summary>
    [Benchmark]
    public void OnnxRuntimeDefault() => _ortDefault.Run();
}

/// <summary>
/// N4 training step, batch 64, softmax cross-entropy, SGD: the plain network on one thread, and
/// <see cref="DataParallel{TNetwork}"/> with chunks of 32 (so that each of 2 threads has a chunk) on 1 and 2 threads.
/// </summary>
[Config(typeof(BenchmarkConfig))]
public partial class N4TrainStepBatch64
{
    private const int Batch = 64;
    private const int ChunkSize = 32;
    private const float LearningRate = 1e-3f;
    private N4Net _model = null!;
    private Sgd _sgd = null!;
    private CrossEntropyLoss _loss = null!;
    private DataParallel<N4Net> _oneThread = null!;
    private DataParallel<N4Net> _twoThreads = null!;
    private float[] _x = null!;
    private float[] _t = null!;
    private readonly float[] _prediction = new float[Batch * 10];
    private readonly float[] _gradient = new float[Batch * 10];

    /// <summary>
    /// From the same parameters: each step (plain, DataParallel on 1 thread) must give the double-precision reference's
    /// loss, gradients and update on the dropout masks it drew (read back); the 1- and 2-thread DataParallel steps must
    /// be identical bit for bit. Then the parameters are reset.
    /// </summary>
    [GlobalSetup]
    public void Setup()
    {
        _model = new N4Net(seed: 1);
        if (N4Net.ParameterCount != N4Reference.ParameterCount)
        {
            throw new InvalidOperationException($"N4Net has {N4Net.ParameterCount} parameters, the reference {N4Reference.ParameterCount}.");
        }

        _x = Check.Uniform(Batch * 28 * 28, seed: 2, lo: 0f, hi: 1f);
        _t = Check.Classes(Batch, 10);
        _sgd = new Sgd(LearningRate);
        _loss = new CrossEntropyLoss();
        _oneThread = new DataParallel<N4Net>(_model, threads: 1, ChunkSize, seed: 3);
        _twoThreads = new DataParallel<N4Net>(_model, threads: 2, ChunkSize, seed: 3);
        float[] initial = _model.Parameters.ToArray();

        // The plain step, exactly as timed; then its masks, read back through the recorded forward pass.
        float plainLoss = NetDsl();
        float[] plainGradients = _model.Gradients.ToArray();
        float[] plainUpdated = _model.Parameters.ToArray();
        bool[] plainMasks = DropoutMaskReader.Read(_model, g => _model.Backward(g), Batch);
        N4Reference.CheckStep("NetDsl", initial, _x, _t, plainMasks, Batch, LearningRate, plainLoss, plainGradients, plainUpdated);
        PlainStep = (initial, plainMasks, plainLoss, plainGradients, plainUpdated);

        // DataParallel: the same for 1 thread; 2 threads must repeat its bits (same seed, same chunks, so same masks).
        initial.AsSpan().CopyTo(_model.Parameters);
        float oneLoss = DataParallel1Thread();
        float[] oneGradients = _model.Gradients.ToArray();
        float[] oneUpdated = _model.Parameters.ToArray();
        bool[] oneMasks = DropoutMaskReader.Read(_model, g => _oneThread.Backward(g), Batch);
        N4Reference.CheckStep("DataParallel (1 thread)", initial, _x, _t, oneMasks, Batch, LearningRate, oneLoss, oneGradients, oneUpdated);
        initial.AsSpan().CopyTo(_model.Parameters);
        float twoLoss = DataParallel2Threads();
        if (twoLoss != oneLoss || !_model.Gradients.SequenceEqual(oneGradients) || !_model.Parameters.SequenceEqual(oneUpdated))
        {
            throw new InvalidOperationException("DataParallel gave different results on 1 and 2 threads.");
        }

        initial.AsSpan().CopyTo(_model.Parameters);
        _model.ZeroGradients();
        SetupTorchSharp();
    }

    /// <summary>The plain step checked in the setup: initial parameters, the masks it drew, its loss, gradients and update.</summary>
    private (float[] Initial, bool[] Masks, float Loss, float[] Gradients, float[] Updated) PlainStep { get; set; }

    /// <summary>Stops the worker threads.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _oneThread.Dispose();
        _twoThreads.Dispose();
        CleanupTorchSharp();
    }

    /// <summary>The plain network on one thread: zero gradients, forward (dropout drawing masks), cross-entropy, backward, SGD.</summary>
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

    /// <summary>The same step through <see cref="DataParallel{TNetwork}"/>, chunks of 32, 1 thread.</summary>
    [Benchmark]
    public float DataParallel1Thread() => Step(_oneThread);

    /// <summary>The same step through <see cref="DataParallel{TNetwork}"/>, chunks of 32, 2 threads.</summary>
    [Benchmark]
    public float DataParallel2Threads() => Step(_twoThreads);

    private float Step(DataParallel<N4Net> parallel)
    {
        _model.ZeroGradients();
        float loss = parallel.ComputeGradients(_x, _t, _loss, _prediction); // forward, loss and backward, as the trainer calls it
        _sgd.Step(_model);
        return loss;
    }
}

/// <summary>What the forward benchmarks share.</summary>
internal static class N4Frozen
{
    /// <summary>A second copy of N4 on the same weights, frozen, after checking that it gives <paramref name="expected"/>'s bits.</summary>
    public static N4Net Create(float[] x, float[] expected, int batch)
    {
        var frozen = new N4Net(seed: 1);
        frozen.Freeze();
        var y = new float[expected.Length];
        frozen.ForwardBatch(x, y);
        if (!y.AsSpan().SequenceEqual(expected))
        {
            throw new InvalidOperationException($"N4 frozen at batch {batch}: the outputs differ from the network's before freezing.");
        }

        return frozen;
    }
}
