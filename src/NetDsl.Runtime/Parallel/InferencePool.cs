using System;
using System.Threading;
using NetDsl.Generated;

namespace NetDsl;

/// <summary>
/// Inference on one model from many threads. A generated network is not thread-safe: its forward pass keeps its
/// intermediate values in a workspace of the instance (grown on the first larger batch), so two threads calling
/// <c>Forward</c> on one instance overwrite each other's activations. An <see cref="InferencePool{TNetwork}"/> hands each
/// concurrent call its own replica of <see cref="Source"/>, created with <c>TNetwork.Create</c>, reading the pool's frozen
/// copy of the source's parameters and holding a copy of its buffers (batch normalization's running statistics), so any number of threads may call
/// <see cref="Forward"/>, <see cref="ForwardBatch"/> or <see cref="Rent"/> at once. Results are bit for bit those of
/// <see cref="Source"/>'s own <c>Forward</c>/<c>ForwardBatch</c>: the same code on the same parameters.
/// </summary>
/// <typeparam name="TNetwork">The generated network class.</typeparam>
/// <remarks>
/// <para><b>Parameters are a snapshot.</b> The pool copies <see cref="Source"/>'s parameters and buffers when it is
/// created and again at each <see cref="Refresh"/>, the parameters into a frozen storage; a replica of a generated network
/// reads the latest snapshot's parameters in place (and copies its buffers) when it is rented and its snapshot is older. A call that started before a <see cref="Refresh"/> finishes with the parameters it started with: a call never
/// sees half of one snapshot and half of another. Training <see cref="Source"/> does not change what the pool computes
/// until <see cref="Refresh"/> is called, which must not overlap a training step on <see cref="Source"/> (call it from the
/// training thread, between steps); everything else may run on any thread at any time.</para>
/// <para><b>Replicas</b> are created on demand, one per call running at the same moment (at most the number of threads
/// that use the pool), and kept for reuse. After warm-up a call allocates nothing.</para>
/// </remarks>
public sealed class InferencePool<TNetwork>
    where TNetwork : class, INetwork<TNetwork>
{
    private readonly Lock _lock = new();
    private Replica[] _free = new Replica[4];
    private int _freeCount;
    private int _replicaCount;
    private Snapshot _snapshot;

    /// <summary>Creates a pool that serves <paramref name="source"/>'s current parameters and buffers.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> is null.</exception>
    public InferencePool(TNetwork source)
    {
        ArgumentNullException.ThrowIfNull(source);
        Source = source;
        _snapshot = Take(source, 0);
    }

    /// <summary>The network whose parameters the pool serves, as of the last <see cref="Refresh"/>.</summary>
    public TNetwork Source { get; }

    /// <summary>The number of replicas created so far: the most calls that have run at the same moment.</summary>
    public int ReplicaCount => Volatile.Read(ref _replicaCount);

    /// <summary>How many times the parameters were snapshotted again (<see cref="Refresh"/>).</summary>
    public int Version => Volatile.Read(ref _snapshot).Version;

    /// <summary>
    /// Copies <see cref="Source"/>'s parameters and buffers again; calls that start afterwards use them. Must not overlap a
    /// training step (or any other write) on <see cref="Source"/>; calls on the pool may run meanwhile.
    /// </summary>
    public void Refresh()
    {
        Snapshot next = Take(Source, Volatile.Read(ref _snapshot).Version + 1);
        Volatile.Write(ref _snapshot, next);
    }

    /// <summary>Computes the output of one sample in inference mode on a replica, as <see cref="INetwork.Forward"/> of <see cref="Source"/> would. Thread-safe.</summary>
    /// <exception cref="ArgumentException"><paramref name="input"/> or <paramref name="output"/> does not have the network's size.</exception>
    public void Forward(ReadOnlySpan<float> input, Span<float> output)
    {
        Replica replica = Take();
        try
        {
            replica.Network.Forward(input, output);
        }
        finally
        {
            Return(replica);
        }
    }

    /// <summary>Computes the outputs of a batch in inference mode on a replica, as <see cref="INetwork.ForwardBatch"/> of <see cref="Source"/> would. Thread-safe.</summary>
    /// <exception cref="ArgumentException">The input is not a whole, non-zero number of samples, or the output does not hold one output per sample.</exception>
    public void ForwardBatch(ReadOnlySpan<float> inputs, Span<float> outputs)
    {
        Replica replica = Take();
        try
        {
            replica.Network.ForwardBatch(inputs, outputs);
        }
        finally
        {
            Return(replica);
        }
    }

    /// <summary>
    /// Rents a replica for the calling thread's exclusive use until the lease is disposed, for the network's typed
    /// members (<c>lease.Network.Forward(in input)</c>). The replica is for inference: a generated network's replica is
    /// frozen (<see cref="NetworkFreezing.Freeze"/>; it reads the pool's snapshot, and writing its parameters throws),
    /// and gradients or training passes on it serve nobody.
    /// </summary>
    public Lease Rent()
    {
        Replica replica = Take();
        return new Lease(this, replica, replica.Generation);
    }

    // The parameters are copied once per snapshot into a frozen storage that every replica of a generated network reads
    // in place: no copy per replica, and the convolutions keep their packed weights without comparing them per call.
    private static Snapshot Take(TNetwork source, int version) =>
        new(AlignedStorage.FrozenCopy(source.ReadParameters()), source.Buffers.ToArray(), version);

    private Replica Take()
    {
        Replica? replica = null;
        lock (_lock)
        {
            if (_freeCount > 0)
            {
                replica = _free[--_freeCount];
                _free[_freeCount] = null!;
            }
        }

        if (replica is null)
        {
            replica = new Replica(TNetwork.Create(0));
            Interlocked.Increment(ref _replicaCount);
        }

        Snapshot snapshot = Volatile.Read(ref _snapshot);
        if (!ReferenceEquals(replica.Snapshot, snapshot))
        {
            if (replica.Network is IParameterStorage generated)
            {
                generated.ParameterStorage.ReadFrom(snapshot.Parameters);
            }
            else
            {
                snapshot.Parameters.ReadOnlySpan.CopyTo(replica.Network.Parameters);
            }

            snapshot.Buffers.CopyTo(replica.Network.Buffers);
            replica.Snapshot = snapshot;
        }

        return replica;
    }

    private void Return(Replica replica)
    {
        lock (_lock)
        {
            if (_freeCount == _free.Length)
            {
                Array.Resize(ref _free, 2 * _free.Length);
            }

            _free[_freeCount++] = replica;
        }
    }

    /// <summary>A replica rented by <see cref="Rent"/>: use <see cref="Network"/> on one thread, then dispose the lease.</summary>
    public readonly struct Lease : IDisposable
    {
        private readonly InferencePool<TNetwork>? _pool;
        private readonly Replica? _replica;
        private readonly int _generation;

        internal Lease(InferencePool<TNetwork> pool, Replica replica, int generation)
        {
            _pool = pool;
            _replica = replica;
            _generation = generation;
        }

        /// <summary>The rented replica.</summary>
        /// <exception cref="ObjectDisposedException">The lease was disposed (or is a default value).</exception>
        public TNetwork Network
        {
            get
            {
                if (_replica is null || Volatile.Read(ref _replica.Generation) != _generation)
                {
                    throw new ObjectDisposedException(nameof(Lease), "The lease was disposed: its replica went back to the pool. Rent another.");
                }

                return _replica.Network;
            }
        }

        /// <summary>Returns the replica to the pool; a second dispose (of this lease or a copy of it) does nothing.</summary>
        public void Dispose()
        {
            if (_replica is not null && Interlocked.CompareExchange(ref _replica.Generation, _generation + 1, _generation) == _generation)
            {
                _pool!.Return(_replica);
            }
        }
    }

    /// <summary>A pooled network and the snapshot its parameters were copied from.</summary>
    internal sealed class Replica(TNetwork network)
    {
        public readonly TNetwork Network = network;
        public Snapshot? Snapshot;
        public int Generation;
    }

    /// <summary>Parameters and buffers as they were at one moment; never written after construction.</summary>
    internal sealed record Snapshot(AlignedStorage Parameters, float[] Buffers, int Version);
}
