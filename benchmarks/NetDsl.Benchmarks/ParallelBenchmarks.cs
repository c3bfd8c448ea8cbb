using System;
using BenchmarkDotNet.Attributes;

namespace NetDsl.Benchmarks;

/// <summary>
/// N2 training step, batch 256, softmax cross-entropy, SGD: one thread without chunks (the plain network), and
/// <see cref="DataParallel{TNetwork}"/> with chunks of 64 on 1 and 2 threads (issue 6, "Multi-core").
/// </summary>
[Config(typeof(BenchmarkConfig))]
public class N2TrainStepBatch256
{
    private const int Batch = 256;
    private const int ChunkSize = 64;
    private const float LearningRate = 1e-3f;
    private N2Net _model = null!;
    private Sgd _sgd = null!;
    private CrossEntropyLoss _loss = null!;
    private DataParallel<N2Net> _oneThread = null!;
    private DataParallel<N2Net> _twoThreads = null!;
    private float[] _x = null!;
    private float[] _t = null!;
    private readonly float[] _prediction = new float[Batch * 10];
    private readonly float[] _gradient = new float[Batch * 10];

    /// <summary>
    /// Checks, from the same parameters, that the data-parallel gradients on 1 and 2 threads are identical bit for bit and
    /// equal the plain network's (relative 1e-4); then resets the parameters.
    /// </summary>
    [GlobalSetup]
    public void Setup()
    {
        _model = new N2Net(seed: 1);
        _x = Check.Uniform(Batch * 784, seed: 2);
        _t = Check.Classes(Batch, 10);
        _sgd = new Sgd(LearningRate);
        _loss = new CrossEntropyLoss();
        _oneThread = new DataParallel<N2Net>(_model, threads: 1, ChunkSize);
        _twoThreads = new DataParallel<N2Net>(_model, threads: 2, ChunkSize);

        float[] initial = _model.Parameters.ToArray();
        float[] Gradients(Func<float> step)
        {
            initial.AsSpan().CopyTo(_model.Parameters);
            step();
            return _model.Gradients.ToArray();
        }

        float[] plain = Gradients(NetDsl);
        float[] one = Gradients(DataParallel1Thread);
        float[] two = Gradients(DataParallel2Threads);
        Check.Same("DataParallel (1 thread) gradients", one, plain);
        if (!one.AsSpan().SequenceEqual(two))
        {
            throw new InvalidOperationException("DataParallel gave different gradients on 1 and 2 threads.");
        }

        initial.AsSpan().CopyTo(_model.Parameters);
    }

    /// <summary>Stops the worker threads.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _oneThread.Dispose();
        _twoThreads.Dispose();
    }

    /// <summary>The plain network on one thread: zero gradients, forward, cross-entropy, backward, SGD.</summary>
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

    /// <summary>The same step through <see cref="DataParallel{TNetwork}"/>, chunks of 64, 1 thread.</summary>
    [Benchmark]
    public float DataParallel1Thread() => Step(_oneThread);

    /// <summary>The same step through <see cref="DataParallel{TNetwork}"/>, chunks of 64, 2 threads.</summary>
    [Benchmark]
    public float DataParallel2Threads() => Step(_twoThreads);

    private float Step(DataParallel<N2Net> parallel)
    {
        _model.ZeroGradients();
        float loss = parallel.ComputeGradients(_x, _t, _loss, _prediction); // forward, loss and backward, as the trainer calls it
        _sgd.Step(_model);
        return loss;
    }
}
