using System;
using System.Threading;

namespace NetDsl.Quantization;

/// <summary>
/// Runs a <see cref="QuantizedNetwork"/>'s batches on several cores: the batch is cut into contiguous runs of whole
/// samples, one per thread, each computed by <see cref="QuantizedNetwork.ForwardBatch"/>. A sample's outputs do not
/// depend on the other samples of its batch (activation scales are fixed when quantizing, and integer sums are exact),
/// so the results are the same bits as one thread's, for any number of threads.
/// </summary>
/// <remarks>
/// The calling thread works as one of the <see cref="Threads"/>; the others are dedicated background threads created by
/// the constructor and stopped by <see cref="Dispose"/>. After each thread's first call a call allocates nothing. One call
/// at a time per instance; the network itself may meanwhile be used from other threads.
/// </remarks>
public sealed unsafe class QuantizedDataParallel : IDisposable
{
    /// <summary>
    /// Fewer samples than this per thread are not worth waking another thread for: the digits CNN takes about 2 µs per
    /// sample, a worker's wake-up and the barrier a few µs.
    /// </summary>
    public const int MinimumSamplesPerThread = 4;

    private readonly WorkerPool _pool;
    private bool _disposed;
    private int _busy;

    // The call being worked on: written by the caller before waking the workers, read by every worker.
    private float* _inputs;
    private float* _outputs;
    private int _count;
    private int _samplesPerItem;

    /// <summary>Creates the runner of <paramref name="network"/> and starts its worker threads.</summary>
    /// <param name="network">The quantized network.</param>
    /// <param name="threads">The number of threads working on a call, the calling thread included (1 runs everything on the caller).</param>
    /// <exception cref="ArgumentNullException"><paramref name="network"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threads"/> is less than 1.</exception>
    public QuantizedDataParallel(QuantizedNetwork network, int threads)
    {
        ArgumentNullException.ThrowIfNull(network);
        if (threads < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(threads), threads, $"Expected at least 1 thread (the calling thread counts as one), but got {threads}.");
        }

        Network = network;
        Threads = threads;
        _pool = new WorkerPool(threads, "NetDsl QuantizedDataParallel worker", new Items(this));
    }

    /// <summary>The quantized network every call runs.</summary>
    public QuantizedNetwork Network { get; }

    /// <summary>The number of threads working on a call, the calling thread included.</summary>
    public int Threads { get; }

    /// <summary>
    /// Computes the outputs of a batch as <see cref="QuantizedNetwork.ForwardBatch"/> does (the same bits), on up to
    /// <see cref="Threads"/> threads, each with at least <see cref="MinimumSamplesPerThread"/> samples.
    /// </summary>
    /// <exception cref="ArgumentException">The input is not a whole, non-zero number of samples, or the output does not hold one output per sample.</exception>
    /// <exception cref="InvalidOperationException">Another call on this instance is running.</exception>
    /// <exception cref="ObjectDisposedException">The instance is disposed.</exception>
    public void ForwardBatch(ReadOnlySpan<float> inputs, Span<float> outputs)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        int count = Guard.BatchSize(inputs.Length, Network.InputSize, outputs.Length, Network.OutputSize, nameof(inputs), nameof(outputs));
        int items = Math.Clamp(count / MinimumSamplesPerThread, 1, Threads);
        if (items == 1)
        {
            Network.ForwardBatch(inputs, outputs);
            return;
        }

        if (Interlocked.Exchange(ref _busy, 1) != 0)
        {
            throw new InvalidOperationException("Expected one call at a time on a QuantizedDataParallel, but another call is running; use one instance per calling thread.");
        }

        try
        {
            fixed (float* x = inputs)
            fixed (float* y = outputs)
            {
                _inputs = x;
                _outputs = y;
                _count = count;
                _samplesPerItem = (count + items - 1) / items;
                _pool.Run(items);
            }
        }
        finally
        {
            _inputs = null;
            _outputs = null;
            Volatile.Write(ref _busy, 0);
        }
    }

    /// <summary>Stops the worker threads.</summary>
    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            _pool.Dispose();
        }
    }

    private void Execute(int item)
    {
        int start = item * _samplesPerItem;
        int samples = Math.Min(_samplesPerItem, _count - start);
        if (samples <= 0)
        {
            return;
        }

        int inputSize = Network.InputSize;
        int outputSize = Network.OutputSize;
        Network.ForwardBatch(
            new ReadOnlySpan<float>(_inputs + ((long)start * inputSize), samples * inputSize),
            new Span<float>(_outputs + ((long)start * outputSize), samples * outputSize));
    }

    /// <summary>The pool's view of the instance: one work item is one thread's run of samples.</summary>
    private sealed class Items(QuantizedDataParallel owner) : IWorkItems
    {
        public void Execute(int worker, int item, ref bool prepared) => owner.Execute(item);
    }
}
