using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using NetDsl.Generated;

namespace NetDsl.Training.Tests;

/// <summary>
/// A fully connected classifier of 35,332 parameters: above the count from which the optimizers share their update out
/// over the threads that <see cref="DataParallel{TNetwork}"/> lends (BlockedUpdate.MinimumTeamLength, 32,768).
/// </summary>
[Network]
[Input(64)]
[Linear(512, Name = "fc1"), ReLU]
[Linear(4, Name = "fc2")]
public partial class WideClassifier;

/// <summary>KernelClassifier with dropout between the layers: the replicas' masks must not depend on the thread count.</summary>
[Network]
[Input(16)]
[Linear(32, Name = "fc1"), ReLU]
[Dropout(0.3)]
[Linear(4, Name = "fc2")]
public partial class DropoutClassifier;

/// <summary>
/// A convolution large enough that a chunk of 16 samples splits over a kernel team (4.7 million multiply-adds, above the
/// channels-last kernel's threshold): a batch of one chunk on several threads uses the idle threads inside the kernel.
/// </summary>
[Network]
[Input(16, 8, 8)]
[Conv2D(32, Kernel = 3, Padding = 1, Name = "conv"), ReLU]
[Flatten]
[Linear(4, Name = "fc")]
public partial class WideConvolutionClassifier;

/// <summary>
/// An LSTM classifier (H = 32: the recurrent kernels' widest tiles) whose backward pass runs samples in groups: chunks
/// and thread counts must not change its bits.
/// </summary>
[Network]
[Input(9, 3)]
[LSTM(32, ReturnSequences = false, Name = "lstm")]
[Linear(4, Name = "fc")]
public partial class LstmClassifier;

/// <summary>A stacked bidirectional GRU: the recurrent backward pass with input gradients between its layers.</summary>
[Network]
[Input(6, 2)]
[GRU(7, Layers = 2, Bidirectional = true, ReturnSequences = false, Name = "gru")]
[Linear(4, Name = "fc")]
public partial class GruClassifier;

/// <summary>An MLP with batch normalization: its training pass depends on the whole batch, which chunks must share.</summary>
[Network]
[Input(16)]
[Linear(32, Name = "fc1")]
[BatchNorm1D(Name = "bn")]
[ReLU]
[Linear(4, Name = "fc2")]
public partial class BatchNormClassifier;

/// <summary>
/// A CNN with two batch normalizations (2-D over 16 positions per channel, then 1-D), so its training passes have three
/// segments: [2, 6, 6] -> conv [4, 4, 4] -> bn2d -> ReLU -> pool [4, 2, 2] -> fc [8] -> bn1d -> ReLU -> head [3].
/// </summary>
[Network]
[Input(2, 6, 6)]
[Conv2D(4, Kernel = 3, Name = "conv")]
[BatchNorm2D(Name = "bn2d"), ReLU]
[MaxPool2D(2)]
[Flatten]
[Linear(8, Name = "fc")]
[BatchNorm1D(Name = "bn1d"), ReLU]
[Linear(3, Name = "head")]
public partial class BatchNormCnn;

/// <summary>
/// <see cref="BatchNormClassifier"/> behind a hand-written <see cref="INetwork{TSelf}"/> that does not implement
/// <see cref="ISegmentedTraining"/>: a network with buffers whose training pass data-parallel training cannot split.
/// </summary>
public sealed class UnsplittableBatchNormNetwork : INetwork<UnsplittableBatchNormNetwork>
{
    private readonly BatchNormClassifier _inner;

    private UnsplittableBatchNormNetwork(int seed) => _inner = new BatchNormClassifier(seed);

    public static int InputSize => BatchNormClassifier.InputSize;

    public static int OutputSize => BatchNormClassifier.OutputSize;

    public static int ParameterCount => BatchNormClassifier.ParameterCount;

    public static ReadOnlySpan<int> InputShape => BatchNormClassifier.InputShape;

    public static ReadOnlySpan<int> OutputShape => BatchNormClassifier.OutputShape;

    public static string Summary => "UnsplittableBatchNormNetwork: BatchNormClassifier without ISegmentedTraining";

    public Span<float> Parameters => _inner.Parameters;

    public Span<float> Gradients => _inner.Gradients;

    public IReadOnlyList<TensorInfo> ParameterTensors => _inner.ParameterTensors;

    public Span<float> Buffers => _inner.Buffers;

    public IReadOnlyList<TensorInfo> BufferTensors => _inner.BufferTensors;

    public IReadOnlyList<LayerInfo> Layers => _inner.Layers;

    public string Architecture => _inner.Architecture;

    public static UnsplittableBatchNormNetwork Create(int seed) => new(seed);

    public void Forward(ReadOnlySpan<float> input, Span<float> output) => _inner.Forward(input, output);

    public void ForwardBatch(ReadOnlySpan<float> inputs, Span<float> outputs) => _inner.ForwardBatch(inputs, outputs);

    public void ForwardTraining(ReadOnlySpan<float> inputs, Span<float> outputs) => _inner.ForwardTraining(inputs, outputs);

    public void Backward(ReadOnlySpan<float> outputGradients) => _inner.Backward(outputGradients);

    public void Backward(ReadOnlySpan<float> outputGradients, Span<float> inputGradients) => _inner.Backward(outputGradients, inputGradients);

    public void ZeroGradients() => _inner.ZeroGradients();
}

/// <summary>
/// <see cref="TinyClassifier"/> behind a hand-written <see cref="INetwork{TSelf}"/> that records the threads running its
/// training passes, can wait until several threads are inside one (so that a worker thread surely runs a chunk), and can
/// throw on worker threads. Its switches are static: only <see cref="DataParallelWorkerTests"/> uses it, one test at a time.
/// </summary>
public sealed class ProbeNetwork : INetwork<ProbeNetwork>
{
    private static int s_entered;
    private readonly TinyClassifier _inner;

    private ProbeNetwork(int seed) => _inner = new TinyClassifier(seed);

    /// <summary>The threads that ran a training pass since the last <see cref="Reset"/>.</summary>
    public static ConcurrentDictionary<Thread, bool> TrainingThreads { get; } = new();

    /// <summary>A training pass waits (up to 10 s) until this many passes have started since the last <see cref="Reset"/>.</summary>
    public static int Rendezvous { get; set; }

    /// <summary>Whether a training pass on a thread other than <see cref="Caller"/> throws.</summary>
    public static bool FailOnWorkers { get; set; }

    /// <summary>The test's own thread.</summary>
    public static Thread? Caller { get; set; }

    public static int InputSize => TinyClassifier.InputSize;

    public static int OutputSize => TinyClassifier.OutputSize;

    public static int ParameterCount => TinyClassifier.ParameterCount;

    public static ReadOnlySpan<int> InputShape => [TinyClassifier.InputSize];

    public static ReadOnlySpan<int> OutputShape => [TinyClassifier.OutputSize];

    public static string Summary => "ProbeNetwork: TinyClassifier behind a test probe";

    public Span<float> Parameters => _inner.Parameters;

    public Span<float> Gradients => _inner.Gradients;

    public IReadOnlyList<TensorInfo> ParameterTensors => _inner.ParameterTensors;

    public Span<float> Buffers => _inner.Buffers;

    public IReadOnlyList<TensorInfo> BufferTensors => _inner.BufferTensors;

    public IReadOnlyList<LayerInfo> Layers => _inner.Layers;

    public string Architecture => _inner.Architecture;

    public static ProbeNetwork Create(int seed) => new(seed);

    public static void Reset(int rendezvous = 0, bool failOnWorkers = false)
    {
        TrainingThreads.Clear();
        s_entered = 0;
        Rendezvous = rendezvous;
        FailOnWorkers = failOnWorkers;
        Caller = Thread.CurrentThread;
    }

    public void Forward(ReadOnlySpan<float> input, Span<float> output) => _inner.Forward(input, output);

    public void ForwardBatch(ReadOnlySpan<float> inputs, Span<float> outputs) => _inner.ForwardBatch(inputs, outputs);

    public void ForwardTraining(ReadOnlySpan<float> inputs, Span<float> outputs)
    {
        TrainingThreads[Thread.CurrentThread] = true;
        Interlocked.Increment(ref s_entered);
        SpinWait.SpinUntil(() => Volatile.Read(ref s_entered) >= Rendezvous, TimeSpan.FromSeconds(10));
        if (FailOnWorkers && Thread.CurrentThread != Caller)
        {
            throw new InvalidOperationException($"ProbeNetwork failed on purpose on thread '{Thread.CurrentThread.Name}'.");
        }

        _inner.ForwardTraining(inputs, outputs);
    }

    public void Backward(ReadOnlySpan<float> outputGradients) => _inner.Backward(outputGradients);

    public void Backward(ReadOnlySpan<float> outputGradients, Span<float> inputGradients) => _inner.Backward(outputGradients, inputGradients);

    public void ZeroGradients() => _inner.ZeroGradients();
}
