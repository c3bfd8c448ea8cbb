using System;
using System.Collections.Generic;
using System.Numerics.Tensors;
using System.Threading;

namespace NetDsl;

/// <summary>
/// Runs a network's batched inference and training passes on several cores: data-parallel over the samples of a batch,
/// with one replica of the network per chunk and a deterministic reduction of the gradients, so that the results are the
/// same, bit for bit, for any number of threads.
/// </summary>
/// <typeparam name="TNetwork">The generated network class.</typeparam>
/// <remarks>
/// <para><b>Chunks, not threads, decide the bits.</b> A batch is cut into chunks of <see cref="ChunkSize"/> samples (the
/// last one may be smaller), whatever the number of threads. Each chunk runs on its own replica of the network (created
/// with <c>TNetwork.Create</c>; a generated network's replicas read <see cref="Network"/>'s parameters in place, another
/// network's get them copied at every pass) and each chunk's
/// parameter gradient is added into <see cref="Network"/>'s <see cref="INetwork.Gradients"/> in chunk order, chunk 0
/// first. Which thread runs which chunk changes nothing, so 1, 2 or 16 threads give identical outputs and gradients.
/// A different chunk size sums the samples' contributions in a different order and may change the last bits. A batch of
/// at most one chunk is run by <see cref="Network"/> itself, with its kernels split over the threads (by outputs, so
/// without changing a bit): it gives exactly the network's own result, dropout masks included, and needs no
/// replica.</para>
/// <para><b>Training</b> is split the way the loss needs it: <see cref="ForwardTraining"/> records every chunk on its
/// replica, the caller computes the loss and its gradient on the whole batch (so any <see cref="ILoss"/>, with any
/// reduction or class weights, sees exactly what it would see without chunks), and <see cref="Backward(ReadOnlySpan{float})"/>
/// back-propagates every chunk and reduces. This is the sequence of a plain network:
/// <c>ZeroGradients</c> on <see cref="Network"/>, <c>ForwardTraining</c>, the loss, <c>Backward</c>, the optimizer on
/// <see cref="Network"/>. <see cref="ComputeGradients"/> makes the middle three one call with the same bits, and computes
/// <see cref="CrossEntropyLoss"/>'s gradient rows on the threads as well.</para>
/// <para><b>Batch normalization</b> normalizes over the whole batch in training mode, and so it does here: a generated
/// network with batch normalization implements <see cref="ISegmentedTraining"/>, its training passes split at those
/// layers, and between two segments the chunks' statistics (forward: per-channel means and squared deviations;
/// backward: per-channel gradient sums) are combined in chunk order, chunk 0 first, and handed back to every chunk. The
/// running statistics are updated once per batch with the whole batch's statistics and copied back to
/// <see cref="Network"/>'s buffers. The results equal the unchunked network's up to the order of the sums (a batch of
/// one chunk gives its bits exactly) and, like everything else here, do not depend on the number of threads. A network
/// with buffers that does not implement <see cref="ISegmentedTraining"/> (a hand-written one) is refused for training.
/// Inference (<see cref="ForwardBatch"/>) uses the running statistics, copied to the replicas.</para>
/// <para><b>Dropout</b> in a batch of several chunks draws its masks from each replica's own random stream, seeded from the
/// constructor's seed and the chunk's index; chunk <c>k</c> of every batch always runs on replica <c>k</c>. The masks
/// therefore depend on the seed, the chunk size and the sequence of batches, never on the number of threads. They are not
/// the masks <see cref="Network"/> itself would draw (a different random stream), but they have the same distribution.
/// A batch of one chunk draws <see cref="Network"/>'s own masks.</para>
/// <para><b>Threads.</b> The calling thread works as one of the <see cref="Threads"/>; the others are dedicated background
/// threads created by the constructor, waiting between calls, and stopped by <see cref="Dispose"/>. After the first call at
/// a given batch size (which may create replicas and size their workspaces), a call allocates nothing on any thread.
/// Exceptions thrown by a replica on any thread are rethrown on the calling thread once every thread has stopped
/// working on the call.</para>
/// <para>An instance is not thread-safe: one call at a time. The <see cref="Network"/> must not be used from another
/// thread during a call.</para>
/// </remarks>
public sealed unsafe class DataParallel<TNetwork> : IDisposable
    where TNetwork : class, INetwork<TNetwork>
{
    /// <summary>
    /// The chunk size used when none is given: 32 samples, so that the common batch of 64 keeps two cores busy with a chunk
    /// each (a batch of one chunk uses the other threads inside its large kernels instead, with less to split).
    /// </summary>
    public const int DefaultChunkSize = 32;

    /// <summary>Floats per work item of the gradient reduction (fixed, so that the split never depends on the thread count).</summary>
    private const int ReductionBlock = 16 * 1024;

    private readonly WorkerPool _pool;
    private readonly KernelTeam? _kernelTeam;
    private readonly int _seed;
    private readonly int _lastSegment;
    private TNetwork[] _replicas = [];
    private bool _disposed;
    private int _busy;

    // The call being worked on: written by the caller before waking the workers, read by every worker.
    private Phase _phase;
    private int _segment;
    private int _count;
    private int _chunkCount;
    private float* _inputs;
    private float* _outputs;
    private float* _outputGradients;
    private float* _inputGradients;
    private float* _targets;
    private int _targetLength;
    private IChunkedLoss? _chunkedLoss;
    private double _lossScale;
    private float[] _lossGradients = [];
    private double[] _targetLosses = [];

    private int _recorded;

    /// <summary>Creates the data-parallel runner of <paramref name="network"/> and starts its worker threads.</summary>
    /// <param name="network">The network whose parameters are used and whose gradients receive the batch's gradient.</param>
    /// <param name="threads">The number of threads working on a call, the calling thread included (1 runs every chunk on the caller).</param>
    /// <param name="chunkSize">The number of samples per chunk (default <see cref="DefaultChunkSize"/>).</param>
    /// <param name="seed">The seed of the replicas' dropout masks (replica <c>k</c> is <c>TNetwork.Create</c> of a seed mixed from it and <c>k</c>).</param>
    /// <exception cref="ArgumentNullException"><paramref name="network"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threads"/> or <paramref name="chunkSize"/> is less than 1.</exception>
    public DataParallel(TNetwork network, int threads, int chunkSize = DefaultChunkSize, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(network);
        if (threads < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(threads), threads, $"Expected at least 1 thread (the calling thread counts as one), but got {threads}.");
        }

        if (chunkSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(chunkSize), chunkSize, $"Expected a chunk size of at least 1 sample, but got {chunkSize}.");
        }

        Network = network;
        Threads = threads;
        ChunkSize = chunkSize;
        _seed = seed;
        _lastSegment = network is ISegmentedTraining segmented ? segmented.BatchStatistics.Length : 0;
        _pool = new WorkerPool(threads, "NetDsl DataParallel worker", new Items(this));
        _kernelTeam = threads > 1 ? new KernelTeam(threads) : null;
    }

    private enum Phase
    {
        Inference,
        Forward,
        Backward,
        LossAndBackward,
        Reduce,
    }

    /// <summary>The network whose parameters every pass uses and whose gradients <see cref="Backward(ReadOnlySpan{float})"/> adds to.</summary>
    public TNetwork Network { get; }

    /// <summary>The number of threads working on a call, the calling thread included.</summary>
    public int Threads { get; }

    /// <summary>The number of samples per chunk: with the seed, the only setting that decides the results' bits.</summary>
    public int ChunkSize { get; }

    /// <summary>
    /// The number of replicas created so far: one per chunk of the largest training batch of several chunks, and one per
    /// thread used by inference of several chunks (a batch of one chunk runs on <see cref="Network"/>).
    /// </summary>
    public int ReplicaCount => _replicas.Length;

    /// <summary>
    /// Whether <see cref="ForwardTraining"/> accepts the network: true unless it has buffers and does not implement
    /// <see cref="ISegmentedTraining"/> (every generated network is accepted, batch normalization included).
    /// </summary>
    public bool SupportsTraining => TrainingRefusal(Network) is null;

    /// <summary>
    /// Computes the outputs of a batch in inference mode, as <see cref="INetwork.ForwardBatch"/> of <see cref="Network"/>
    /// does, chunk by chunk on the threads.
    /// </summary>
    /// <exception cref="ArgumentException">The input is not a whole, non-zero number of samples, or the output does not hold one output per sample.</exception>
    /// <exception cref="ObjectDisposedException">The instance is disposed.</exception>
    public void ForwardBatch(ReadOnlySpan<float> inputs, Span<float> outputs)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        int count = Guard.BatchSize(inputs.Length, TNetwork.InputSize, outputs.Length, TNetwork.OutputSize, nameof(inputs), nameof(outputs));
        int chunks = ChunkCount(count);
        Enter();
        try
        {
            if (chunks == 1)
            {
                using (LendThreads())
                {
                    Network.ForwardBatch(inputs, outputs);
                }

                return;
            }

            EnsureReplicas(Math.Min(Threads, chunks));
            fixed (float* x = inputs)
            fixed (float* y = outputs)
            {
                _inputs = x;
                _outputs = y;
                _count = count;
                Run(Phase.Inference, chunks);
            }
        }
        finally
        {
            Leave();
        }
    }

    /// <summary>
    /// Computes the outputs of a batch in training mode, chunk by chunk on the replicas, and records what
    /// <see cref="Backward(ReadOnlySpan{float})"/> needs. The buffers of <see cref="Network"/> are copied to the replicas
    /// first, and the parameters read in place (a batch of one chunk runs on <see cref="Network"/> itself, which then holds the record); batch normalization normalizes every chunk with the whole batch's statistics and updates <see cref="Network"/>'s running statistics once.
    /// </summary>
    /// <exception cref="ArgumentException">The input is not a whole, non-zero number of samples, or the output does not hold one output per sample.</exception>
    /// <exception cref="NotSupportedException">The network has buffers but does not implement <see cref="ISegmentedTraining"/> (see <see cref="SupportsTraining"/>).</exception>
    /// <exception cref="ObjectDisposedException">The instance is disposed.</exception>
    public void ForwardTraining(ReadOnlySpan<float> inputs, Span<float> outputs)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (TrainingRefusal(Network) is string refusal)
        {
            throw new NotSupportedException(refusal);
        }

        int count = Guard.BatchSize(inputs.Length, TNetwork.InputSize, outputs.Length, TNetwork.OutputSize, nameof(inputs), nameof(outputs));
        int chunks = ChunkCount(count);
        Enter();
        try
        {
            _recorded = 0;
            if (chunks == 1)
            {
                // One chunk is the whole batch: the network itself runs it (its kernels on the lent threads), which
                // spares copying the parameters to a replica and adding its gradients back.
                using (LendThreads())
                {
                    Network.ForwardTraining(inputs, outputs);
                }

                _recorded = count;
                return;
            }

            EnsureReplicas(chunks);
            fixed (float* x = inputs)
            fixed (float* y = outputs)
            {
                _inputs = x;
                _outputs = y;
                _count = count;
                for (int segment = 0; segment <= _lastSegment; segment++)
                {
                    _segment = segment;
                    Run(Phase.Forward, chunks);
                    if (segment < _lastSegment)
                    {
                        ShareBatchStatistics(segment, chunks, forward: true);
                    }
                }
            }

            // Every replica updated its running statistics with the whole batch's statistics, starting from the network's.
            _replicas[0].Buffers.CopyTo(Network.Buffers);
            _recorded = count;
        }
        finally
        {
            Leave();
        }
    }

    /// <summary>
    /// Back-propagates the gradient of the loss with respect to the outputs of the last <see cref="ForwardTraining"/>
    /// call, chunk by chunk, and <b>adds</b> the batch's parameter gradient to <see cref="Network"/>'s gradients (the
    /// chunks' gradients in chunk order), as <see cref="INetwork.Backward(ReadOnlySpan{float})"/> does.
    /// </summary>
    /// <exception cref="InvalidOperationException">No <see cref="ForwardTraining"/> call was recorded (or the last one failed).</exception>
    /// <exception cref="ArgumentException">The gradient does not hold one output gradient per recorded sample.</exception>
    /// <exception cref="ObjectDisposedException">The instance is disposed.</exception>
    public void Backward(ReadOnlySpan<float> outputGradients) => Backward(outputGradients, Span<float>.Empty, withInputGradients: false);

    /// <summary>
    /// As <see cref="Backward(ReadOnlySpan{float})"/>, and also writes the gradient of the loss with respect to the recorded
    /// inputs into <paramref name="inputGradients"/> (overwritten, not accumulated).
    /// </summary>
    /// <exception cref="InvalidOperationException">No <see cref="ForwardTraining"/> call was recorded (or the last one failed).</exception>
    /// <exception cref="ArgumentException">A span does not hold one gradient per recorded sample.</exception>
    /// <exception cref="ObjectDisposedException">The instance is disposed.</exception>
    public void Backward(ReadOnlySpan<float> outputGradients, Span<float> inputGradients) => Backward(outputGradients, inputGradients, withInputGradients: true);

    /// <summary>
    /// One training pass over a batch — <see cref="ForwardTraining"/>, the loss and its gradient on the whole batch,
    /// <see cref="Backward(ReadOnlySpan{float})"/> — returning the batch's loss; the batch's gradient is <b>added</b> to
    /// <see cref="Network"/>'s gradients and the outputs are left in <paramref name="outputs"/>. Equal, bit for bit, to
    /// those three calls with <see cref="ILoss.ComputeWithGradient"/> in between; for <see cref="CrossEntropyLoss"/>
    /// the loss's gradient rows are computed chunk by chunk on the threads too, with the whole batch's reduction.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="loss"/> is null.</exception>
    /// <exception cref="ArgumentException">The spans do not describe the same batch, or a target is out of range for the loss.</exception>
    /// <exception cref="NotSupportedException">The network has buffers but does not implement <see cref="ISegmentedTraining"/> (see <see cref="SupportsTraining"/>).</exception>
    /// <exception cref="ObjectDisposedException">The instance is disposed.</exception>
    public float ComputeGradients(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, ILoss loss, Span<float> outputs)
    {
        ArgumentNullException.ThrowIfNull(loss);
        CheckTargets(inputs.Length, targets.Length, loss);
        ForwardTraining(inputs, outputs);
        int count = _recorded;
        if (_lossGradients.Length < outputs.Length)
        {
            _lossGradients = new float[outputs.Length];
        }

        if (_targetLosses.Length < targets.Length)
        {
            _targetLosses = new double[targets.Length];
        }

        Span<float> outputGradients = _lossGradients.AsSpan(0, outputs.Length);
        int chunks = ChunkCount(count);
        if (loss is not IChunkedLoss chunked || chunks == 1)
        {
            float value = loss.ComputeWithGradient(outputs, targets, outputGradients);
            Backward(outputGradients);
            return value;
        }

        double scale = chunked.Scale(outputs, targets, outputGradients.Length);
        Enter();
        try
        {
            fixed (float* y = outputs)
            fixed (float* t = targets)
            fixed (float* dy = outputGradients)
            {
                _outputs = y;
                _targets = t;
                _targetLength = targets.Length;
                _outputGradients = dy;
                _inputGradients = null;
                _chunkedLoss = chunked;
                _lossScale = scale;
                _count = count;
                _segment = 0;
                Run(Phase.LossAndBackward, chunks);
                RunRemainingBackwardSegments(chunks);
            }

            _chunkCount = chunks;
            Run(Phase.Reduce, (int)(((long)TNetwork.ParameterCount + ReductionBlock - 1) / ReductionBlock));
        }
        finally
        {
            _chunkedLoss = null;
            _targets = null;
            Leave();
        }

        // The targets' losses in target order: the sum ComputeWithGradient makes.
        double total = 0;
        foreach (double targetLoss in _targetLosses.AsSpan(0, targets.Length))
        {
            total += targetLoss;
        }

        return (float)(total * scale);
    }

    /// <summary>
    /// Applies <paramref name="optimizer"/> to <see cref="Network"/>'s parameters and gradients, as
    /// <c>optimizer.Step(network.Parameters, network.Gradients)</c> does, with this instance's threads lent to the
    /// update: the built-in optimizers share it out in fixed blocks of parameters, so the bits do not depend on the number
    /// of threads (an optimizer of your own runs on the calling thread).
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="optimizer"/> is null.</exception>
    /// <exception cref="ObjectDisposedException">The instance is disposed.</exception>
    public void Step(IOptimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        ObjectDisposedException.ThrowIf(_disposed, this);
        Enter();
        try
        {
            using (LendThreads())
            {
                optimizer.Step(Network.Parameters, Network.Gradients);
            }
        }
        finally
        {
            Leave();
        }
    }

    /// <summary>
    /// Lends this instance's threads to the kernels that the calling thread runs until the scope is disposed (as a phase
    /// of one chunk does): for the work between batches, such as the optimizer's update.
    /// </summary>
    internal KernelTeam.Scope LendThreads()
    {
        _pool.IdleSpinning.Withdraw();
        return KernelTeam.Lend(_kernelTeam);
    }

    /// <summary>Stops the worker threads (after the call in progress, if any); later calls throw <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _pool.Dispose();
        _kernelTeam?.Dispose();
        _recorded = 0;
    }

    /// <summary>Why data-parallel training refuses <paramref name="network"/>, or null when it accepts it.</summary>
    internal static string? TrainingRefusal(INetwork network)
    {
        if (network.Buffers.IsEmpty || network is ISegmentedTraining)
        {
            return null;
        }

        var names = new List<string>();
        foreach (TensorInfo tensor in network.BufferTensors)
        {
            names.Add(tensor.Name);
        }

        return $"Data-parallel training needs a training pass that treats every sample on its own, or one split where it needs the whole batch "
            + $"(ISegmentedTraining, which NetDsl generates for batch normalization), but {typeof(TNetwork).Name} has buffers "
            + $"({string.Join(", ", names)}) and does not implement ISegmentedTraining, so its training pass may depend on the whole batch "
            + "and per-chunk passes could train a different network. Train it on one thread without chunks (TrainingOptions.Threads = 1 "
            + "and no ChunkSize); DataParallel.ForwardBatch (inference) is supported.";
    }

    /// <summary>
    /// Checks the targets against the network's output size, which the loss alone cannot know: 4 samples of 3 logits
    /// with 6 class-index targets would otherwise read as 6 samples of 2 classes. Inputs that are not whole samples are
    /// left to <see cref="ForwardTraining"/>'s check.
    /// </summary>
    private static void CheckTargets(int inputLength, int targetLength, ILoss loss)
    {
        if (inputLength == 0 || inputLength % TNetwork.InputSize != 0)
        {
            return;
        }

        int count = inputLength / TNetwork.InputSize;
        int perSample = loss.TargetSize(TNetwork.OutputSize);
        if (targetLength != (long)count * perSample)
        {
            throw new ArgumentException(
                $"Expected {(long)count * perSample} targets ({count} samples, {perSample} each for {loss.GetType().Name} on {TNetwork.OutputSize} outputs), but got length {targetLength}.",
                "targets");
        }
    }

    private void Backward(ReadOnlySpan<float> outputGradients, Span<float> inputGradients, bool withInputGradients)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        int count = _recorded;
        if (count == 0)
        {
            throw new InvalidOperationException("Expected a ForwardTraining call before Backward, but none was recorded (or the last one failed).");
        }

        if (outputGradients.Length != (long)count * TNetwork.OutputSize)
        {
            throw new ArgumentException(
                $"Expected {(long)count * TNetwork.OutputSize} output gradients ({count} samples recorded by ForwardTraining, {TNetwork.OutputSize} each), but got length {outputGradients.Length}.",
                nameof(outputGradients));
        }

        if (withInputGradients && inputGradients.Length != (long)count * TNetwork.InputSize)
        {
            throw new ArgumentException(
                $"Expected {(long)count * TNetwork.InputSize} input gradients ({count} samples recorded by ForwardTraining, {TNetwork.InputSize} each), but got length {inputGradients.Length}.",
                nameof(inputGradients));
        }

        int chunks = ChunkCount(count);
        Enter();
        try
        {
            if (chunks == 1)
            {
                // ForwardTraining ran this batch on the network itself, which holds the record.
                using (LendThreads())
                {
                    if (withInputGradients)
                    {
                        Network.Backward(outputGradients, inputGradients);
                    }
                    else
                    {
                        Network.Backward(outputGradients);
                    }
                }

                return;
            }

            fixed (float* dy = outputGradients)
            fixed (float* dx = inputGradients)
            {
                _outputGradients = dy;
                _inputGradients = withInputGradients ? dx : null;
                _count = count;
                _segment = 0;
                Run(Phase.Backward, chunks);
                RunRemainingBackwardSegments(chunks);
            }

            _chunkCount = chunks;
            Run(Phase.Reduce, (int)(((long)TNetwork.ParameterCount + ReductionBlock - 1) / ReductionBlock));
        }
        finally
        {
            Leave();
        }
    }

    /// <summary>After backward segment 0 of every chunk: the other segments, each after sharing the batch statistics the previous one measured.</summary>
    private void RunRemainingBackwardSegments(int chunks)
    {
        for (int segment = 1; segment <= _lastSegment; segment++)
        {
            ShareBatchStatistics(_lastSegment - segment, chunks, forward: false);
            _segment = segment;
            Run(Phase.Backward, chunks);
        }
    }

    /// <summary>
    /// Combines batch normalization <paramref name="layer"/>'s statistics of every chunk into the whole batch's, in chunk
    /// order (forward: the moments; backward: the gradient sums), and copies them back into every chunk's replica.
    /// A few numbers per channel: done on the calling thread.
    /// </summary>
    private void ShareBatchStatistics(int layer, int chunks, bool forward)
    {
        BatchNormStatistics whole = Statistics(0, layer);
        for (int k = 1; k < chunks; k++)
        {
            if (forward)
            {
                whole.MergeMoments(Statistics(k, layer));
            }
            else
            {
                whole.AddGradientSums(Statistics(k, layer));
            }
        }

        for (int k = 1; k < chunks; k++)
        {
            Statistics(k, layer).CopyFrom(whole);
        }
    }

    private BatchNormStatistics Statistics(int replica, int layer) => ((ISegmentedTraining)_replicas[replica]).BatchStatistics[layer];

    private int ChunkCount(int count) => (int)(((long)count + ChunkSize - 1) / ChunkSize);

    private void Enter()
    {
        if (Interlocked.Exchange(ref _busy, 1) != 0)
        {
            throw new InvalidOperationException("DataParallel is not thread-safe: another call on this instance is in progress.");
        }
    }

    private void Leave()
    {
        _inputs = _outputs = _outputGradients = _inputGradients = null;
        Volatile.Write(ref _busy, 0);
    }

    /// <summary>Creates replicas up to <paramref name="count"/>; replica <c>k</c> always comes from the same seed.</summary>
    private void EnsureReplicas(int count)
    {
        if (_replicas.Length >= count)
        {
            return;
        }

        var grown = new TNetwork[count];
        _replicas.CopyTo(grown, 0);
        for (int k = _replicas.Length; k < count; k++)
        {
            grown[k] = TNetwork.Create(ReplicaSeed(_seed, k));
            if (grown[k] is IParameterStorage replica && Network is IParameterStorage network)
            {
                // The replicas only read the parameters: they read the network's in place instead of a copy made at every pass.
                replica.ParameterStorage.ReadFrom(network.ParameterStorage);
            }
        }

        _replicas = grown;
    }

    /// <summary>Copies the network's parameters into <paramref name="replica"/>, unless it reads them in place (every generated network does).</summary>
    private void CopyParameters(TNetwork replica)
    {
        if (replica is not IParameterStorage)
        {
            Network.ReadParameters().CopyTo(replica.Parameters);
        }
    }

    /// <summary>A seed per replica, mixed from the instance's seed and the replica's index (SplitMix64's finalizer).</summary>
    private static int ReplicaSeed(int seed, int index)
    {
        ulong z = unchecked(((ulong)(uint)seed << 32) + (ulong)index + 0x9E3779B97F4A7C15UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return (int)(uint)(z ^ (z >> 31));
    }

    /// <summary>Runs one phase over <paramref name="items"/> work items on the calling thread and as many workers as help.</summary>
    private void Run(Phase phase, int items)
    {
        _phase = phase;
        if (Math.Min(Threads, items) == 1 && _kernelTeam is not null)
        {
            // One chunk for several threads: its large kernels split their outputs over the kernel team instead, which
            // changes no bits (see KernelTeam), so a batch of one chunk keeps every core busy too. The pool's idle
            // workers stop spinning meanwhile, and the team's stop when the pool's workers are called: one group at a
            // time on the cores.
            using (LendThreads())
            {
                _pool.Run(items);
            }
        }
        else
        {
            _kernelTeam?.IdleSpinning.Withdraw();
            _pool.Run(items);
        }
    }

    private void Execute(int worker, int item, ref bool copied)
    {
        int inputSize = TNetwork.InputSize;
        int outputSize = TNetwork.OutputSize;
        switch (_phase)
        {
            case Phase.Inference:
            {
                TNetwork replica = _replicas[worker];
                if (!copied)
                {
                    CopyParameters(replica);
                    Network.Buffers.CopyTo(replica.Buffers);
                    copied = true;
                }

                (int start, int n) = Chunk(item);
                replica.ForwardBatch(
                    new ReadOnlySpan<float>(_inputs + ((long)start * inputSize), n * inputSize),
                    new Span<float>(_outputs + ((long)start * outputSize), n * outputSize));
                break;
            }

            case Phase.Forward:
            {
                TNetwork replica = _replicas[item];
                (int start, int n) = Chunk(item);
                var inputs = new ReadOnlySpan<float>(_inputs + ((long)start * inputSize), n * inputSize);
                var outputs = new Span<float>(_outputs + ((long)start * outputSize), n * outputSize);
                if (_segment == 0)
                {
                    CopyParameters(replica);
                    Network.Buffers.CopyTo(replica.Buffers);
                }

                if (replica is ISegmentedTraining segmented)
                {
                    segmented.ForwardTrainingSegment(_segment, inputs, outputs);
                }
                else
                {
                    replica.ForwardTraining(inputs, outputs);
                }

                break;
            }

            case Phase.LossAndBackward:
            {
                (int start, int n) = Chunk(item);
                int all = _count * outputSize;
                int targetsPerSample = _targetLength / _count;
                _chunkedLoss!.Rows(
                    new ReadOnlySpan<float>(_outputs, all), new ReadOnlySpan<float>(_targets, _targetLength), new Span<float>(_outputGradients, all),
                    _lossScale, start * targetsPerSample, n * targetsPerSample, _targetLosses);
                BackwardChunk(item);
                break;
            }

            case Phase.Backward:
            {
                BackwardChunk(item);
                break;
            }

            default:
            {
                int start = item * ReductionBlock;
                int length = Math.Min(ReductionBlock, TNetwork.ParameterCount - start);
                Span<float> sum = Network.Gradients.Slice(start, length);
                for (int k = 0; k < _chunkCount; k++)
                {
                    TensorPrimitives.Add(sum, _replicas[k].Gradients.Slice(start, length), sum);
                }

                break;
            }
        }
    }

    /// <summary>Backward (segment <see cref="_segment"/>, for a segmented network) of chunk <paramref name="item"/> into its replica's gradients, zeroed first.</summary>
    private void BackwardChunk(int item)
    {
        TNetwork replica = _replicas[item];
        (int start, int n) = Chunk(item);
        int inputSize = TNetwork.InputSize;
        int outputSize = TNetwork.OutputSize;
        var outputGradients = new ReadOnlySpan<float>(_outputGradients + ((long)start * outputSize), n * outputSize);
        Span<float> inputGradients = _inputGradients is null ? default : new Span<float>(_inputGradients + ((long)start * inputSize), n * inputSize);
        if (_segment == 0)
        {
            replica.ZeroGradients();
        }

        if (replica is ISegmentedTraining segmented)
        {
            segmented.BackwardSegment(_segment, outputGradients, inputGradients, computeInputGradients: _inputGradients is not null);
        }
        else if (_inputGradients is null)
        {
            replica.Backward(outputGradients);
        }
        else
        {
            replica.Backward(outputGradients, inputGradients);
        }
    }

    private (int Start, int Count) Chunk(int item)
    {
        int start = item * ChunkSize;
        return (start, Math.Min(ChunkSize, _count - start));
    }

    /// <summary>The pool's view of the instance: one work item is a chunk, or a block of the reduction, of the current phase.</summary>
    private sealed class Items(DataParallel<TNetwork> owner) : IWorkItems
    {
        public void Execute(int worker, int item, ref bool prepared) => owner.Execute(worker, item, ref prepared);
    }
}
