using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;
using Xunit;

namespace NetDsl.Training.Tests;

/// <summary>
/// The threading model of docs/reliability.md: inference on one model from many threads through
/// <see cref="InferencePool{TNetwork}"/>, bit for bit the sequential results; training one instance while others serve
/// inference corrupts neither; <see cref="DataParallel{TNetwork}"/> survives an exception inside a pass.
/// </summary>
public class ConcurrencyTests
{
    private const int Threads = 8;

    private const int TrainingSteps = 300;

    internal static float[] Fill(int length, int seed, float low = -1f, float high = 1f)
    {
        float[] values = new float[length];
        new SeededRandom(seed).FillUniform(values, low, high);
        return values;
    }

    /// <summary>Runs <paramref name="body"/> on <see cref="Threads"/> threads released together; rethrows the first failure.</summary>
    private static void OnThreads(int count, Action<int> body)
    {
        using var start = new Barrier(count);
        Exception? failure = null;
        Thread[] threads = Enumerable.Range(0, count).Select(t => new Thread(() =>
        {
            try
            {
                start.SignalAndWait();
                body(t);
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref failure, e, null);
            }
        })).ToArray();
        foreach (Thread thread in threads)
        {
            thread.Start();
        }

        foreach (Thread thread in threads)
        {
            thread.Join();
        }

        if (failure is not null)
        {
            throw new Xunit.Sdk.XunitException($"A thread failed: {failure}");
        }
    }

    internal static void AssertSameBits(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
            {
                Assert.Fail($"{what}: element {i} is {actual[i]:R}, sequentially {expected[i]:R}.");
            }
        }
    }

    /// <summary>8 threads, each a different mix of single samples and batches of 1 to 9 (workspaces grow), many iterations.</summary>
    private static void StressForward<TNetwork>(TNetwork model, int iterations)
        where TNetwork : class, INetwork<TNetwork>
    {
        int inSize = TNetwork.InputSize, outSize = TNetwork.OutputSize;
        const int Samples = 64;
        float[] inputs = Fill(Samples * inSize, 11);
        float[] expected = new float[Samples * outSize];
        for (int n = 0; n < Samples; n++)
        {
            model.Forward(inputs.AsSpan(n * inSize, inSize), expected.AsSpan(n * outSize, outSize));
        }

        var pool = new InferencePool<TNetwork>(model);
        OnThreads(Threads, t =>
        {
            float[] outputs = new float[9 * outSize];
            for (int i = 0; i < iterations; i++)
            {
                int batch = 1 + ((i + t) % 9);
                int first = (i * 7 + t * 13) % (Samples - batch);
                if (batch == 1 && i % 2 == 0)
                {
                    pool.Forward(inputs.AsSpan(first * inSize, inSize), outputs.AsSpan(0, outSize));
                }
                else
                {
                    pool.ForwardBatch(inputs.AsSpan(first * inSize, batch * inSize), outputs.AsSpan(0, batch * outSize));
                }

                AssertSameBits(expected.AsSpan(first * outSize, batch * outSize), outputs.AsSpan(0, batch * outSize), $"thread {t}, iteration {i}");
            }
        });
        Assert.InRange(pool.ReplicaCount, 1, Threads);
    }

    [Fact]
    public void Eight_threads_of_inference_through_a_pool_give_the_sequential_bits_kernel_network() =>
        StressForward(new KernelClassifier(3), iterations: 3000);

    [Fact]
    public void Eight_threads_of_inference_through_a_pool_give_the_sequential_bits_unrolled_network() =>
        StressForward(new TinyClassifier(4), iterations: 3000);

    [Fact]
    public void Eight_threads_of_inference_through_a_pool_give_the_sequential_bits_batch_normalization_cnn()
    {
        var model = new BatchNormCnn(5);
        float[] batch = Fill(8 * BatchNormCnn.InputSize, 6);
        for (int i = 0; i < 3; i++)
        {
            model.ForwardTraining(batch, new float[8 * BatchNormCnn.OutputSize]); // running statistics away from their defaults
        }

        Assert.Contains(model.Buffers.ToArray(), b => b != 0f && b != 1f);
        StressForward(model, iterations: 300);
    }

    [Fact]
    public void A_lease_gives_the_typed_members_and_ends_once()
    {
        var model = new TinyClassifier(7);
        var pool = new InferencePool<TinyClassifier>(model);
        var input = new TinyClassifier.Input(0.5f, -1f, 2f, 0.25f);
        TinyClassifier.Output expected = model.Forward(in input);

        InferencePool<TinyClassifier>.Lease lease = pool.Rent();
        TinyClassifier replica = lease.Network;
        Assert.NotSame(model, replica);
        TinyClassifier.Output actual = replica.Forward(in input);
        AssertSameBits(expected, actual, "leased replica");

        InferencePool<TinyClassifier>.Lease copy = lease;
        lease.Dispose();
        copy.Dispose(); // a copy of a disposed lease does not return the replica twice
        Assert.Throws<ObjectDisposedException>(() => lease.Network);
        Assert.Throws<ObjectDisposedException>(() => default(InferencePool<TinyClassifier>.Lease).Network);

        using (InferencePool<TinyClassifier>.Lease first = pool.Rent())
        using (InferencePool<TinyClassifier>.Lease second = pool.Rent())
        {
            Assert.NotSame(first.Network, second.Network); // two leases at once: two replicas
            Assert.Same(replica, first.Network);           // the returned one, reused
        }

        Assert.Equal(2, pool.ReplicaCount);
    }

    [Fact]
    public void Replicas_read_one_frozen_snapshot_of_the_parameters_in_place()
    {
        var model = new TinyClassifier(12);
        var pool = new InferencePool<TinyClassifier>(model);
        using InferencePool<TinyClassifier>.Lease first = pool.Rent();
        using InferencePool<TinyClassifier>.Lease second = pool.Rent();

        Assert.True(first.Network.IsFrozen());
        Assert.Contains("frozen", Assert.Throws<InvalidOperationException>(() => first.Network.Parameters[0] = 1f).Message, StringComparison.Ordinal);
        Assert.Equal(model.Parameters.ToArray(), first.Network.ReadParameters().ToArray());
        Assert.True(Unsafe.AreSame(ref MemoryMarshal.GetReference(first.Network.ReadParameters()), ref MemoryMarshal.GetReference(second.Network.ReadParameters())), "two replicas read one snapshot");
        Assert.False(model.IsFrozen()); // the source stays trainable
    }

    [Fact]
    public void A_pooled_call_allocates_nothing_after_warm_up()
    {
        var pool = new InferencePool<KernelClassifier>(new KernelClassifier(10));
        float[] inputs = Fill(4 * KernelClassifier.InputSize, 11), outputs = new float[4 * KernelClassifier.OutputSize];
        AllocationAssert.None("InferencePool.ForwardBatch", () => pool.ForwardBatch(inputs, outputs), warmUps: 10, repetitions: 100);
        AllocationAssert.None("InferencePool.Forward", () => pool.Forward(inputs.AsSpan(0, KernelClassifier.InputSize), outputs.AsSpan(0, KernelClassifier.OutputSize)), warmUps: 10, repetitions: 100);
        AllocationAssert.None("InferencePool.Rent", () =>
        {
            using InferencePool<KernelClassifier>.Lease lease = pool.Rent();
            lease.Network.ForwardBatch(inputs, outputs);
        }, warmUps: 10, repetitions: 100);
    }

    [Fact]
    public void The_pool_serves_a_snapshot_until_refreshed()
    {
        var model = new TinyClassifier(8);
        var pool = new InferencePool<TinyClassifier>(model);
        float[] input = Fill(TinyClassifier.InputSize, 9), before = new float[3], after = new float[3], served = new float[3];
        model.Forward(input, before);

        model.Parameters[0] += 1f; // the source changes: the pool still serves the snapshot
        model.Forward(input, after);
        pool.Forward(input, served);
        AssertSameBits(before, served, "before Refresh");

        pool.Refresh();
        Assert.Equal(1, pool.Version);
        pool.Forward(input, served);
        AssertSameBits(after, served, "after Refresh");
        Assert.Throws<ArgumentException>(() => pool.Forward(new float[5], served));
    }

    /// <summary>A deterministic training run: 300 SGD steps of batch 8 on KernelClassifier; the parameters after each step.</summary>
    private static List<float[]> Train(KernelClassifier model, Action? afterStep = null)
    {
        var loss = new CrossEntropyLoss();
        var sgd = new Sgd(0.01f, momentum: 0.9f);
        float[] inputs = Fill(8 * KernelClassifier.InputSize, 21), outputs = new float[8 * KernelClassifier.OutputSize], dOut = new float[outputs.Length];
        float[] targets = Enumerable.Range(0, 8).Select(i => (float)(i % KernelClassifier.OutputSize)).ToArray();
        var history = new List<float[]>();
        for (int step = 0; step < TrainingSteps; step++)
        {
            model.ZeroGradients();
            model.ForwardTraining(inputs, outputs);
            loss.ComputeWithGradient(outputs, targets, dOut);
            model.Backward(dOut);
            sgd.Step(model);
            history.Add(model.Parameters.ToArray());
            afterStep?.Invoke();
        }

        return history;
    }

    [Fact]
    public void Training_one_instance_while_seven_threads_serve_another_corrupts_neither()
    {
        List<float[]> alone = Train(new KernelClassifier(12));

        var served = new KernelClassifier(13);
        float[] servedParameters = served.Parameters.ToArray();
        var pool = new InferencePool<KernelClassifier>(served);
        float[] inputs = Fill(16 * KernelClassifier.InputSize, 14);
        float[] expected = new float[16 * KernelClassifier.OutputSize];
        served.ForwardBatch(inputs, expected);

        var trainee = new KernelClassifier(12);
        List<float[]>? raced = null;
        int stop = 0;
        OnThreads(Threads, t =>
        {
            if (t == 0)
            {
                raced = Train(trainee);
                Volatile.Write(ref stop, 1);
                return;
            }

            float[] outputs = new float[expected.Length];
            int iterations = 0;
            while (Volatile.Read(ref stop) == 0 || iterations < 50)
            {
                // The served instance itself on one thread (its own workspace), the pool on the others.
                if (t == 1)
                {
                    served.ForwardBatch(inputs, outputs);
                }
                else
                {
                    pool.ForwardBatch(inputs, outputs);
                }

                AssertSameBits(expected, outputs, $"inference thread {t}, iteration {iterations}");
                iterations++;
            }
        });

        Assert.NotNull(raced);
        for (int step = 0; step < alone.Count; step++)
        {
            AssertSameBits(alone[step], raced[step], $"training step {step} with inference running");
        }

        AssertSameBits(servedParameters, served.Parameters, "the served instance's parameters");
    }

    [Fact]
    public void Refresh_between_training_steps_never_shows_a_mix_of_two_snapshots()
    {
        // Sequentially: the outputs of the probe batch under the parameters of every step (and of the start).
        var reference = new KernelClassifier(15);
        float[] probe = Fill(4 * KernelClassifier.InputSize, 16);
        var valid = new Dictionary<string, int>();
        void Record(KernelClassifier model, int step)
        {
            float[] outputs = new float[4 * KernelClassifier.OutputSize];
            model.ForwardBatch(probe, outputs);
            valid.TryAdd(Key(outputs), step);
        }

        Record(reference, -1);
        int completed = 0;
        Train(reference, () => Record(reference, completed++));
        Assert.True(valid.Count > TrainingSteps / 2, "the steps give distinct outputs");

        var source = new KernelClassifier(15);
        var pool = new InferencePool<KernelClassifier>(source);
        int stop = 0;
        OnThreads(Threads, t =>
        {
            if (t == 0)
            {
                Train(source, pool.Refresh);
                Volatile.Write(ref stop, 1);
                return;
            }

            float[] outputs = new float[4 * KernelClassifier.OutputSize];
            int lastStep = -1;
            while (Volatile.Read(ref stop) == 0)
            {
                pool.ForwardBatch(probe, outputs);
                Assert.True(valid.TryGetValue(Key(outputs), out int step), $"thread {t} got outputs of no snapshot: {string.Join(", ", outputs)}");
                Assert.True(step >= lastStep, $"thread {t} went back from step {lastStep} to {step}");
                lastStep = step;
            }
        });
        Assert.Equal(TrainingSteps, pool.Version);

        static string Key(float[] values) => string.Join(",", values.Select(BitConverter.SingleToInt32Bits));
    }
}

/// <summary>
/// <see cref="DataParallel{TNetwork}"/> after failures inside its passes; uses <see cref="ProbeNetwork"/>'s static
/// switches, so it runs alone.
/// </summary>
[Collection(AloneCollection.Name)]
public class DataParallelFailureTests
{
    [Fact]
    public void Data_parallel_survives_a_loss_that_throws_inside_a_pass_and_leaves_no_thread_after_dispose()
    {
        var model = ProbeNetwork.Create(17);
        var parallel = new DataParallel<ProbeNetwork>(model, threads: 3, chunkSize: 2);
        var fresh = new DataParallel<ProbeNetwork>(ProbeNetwork.Create(17), threads: 1, chunkSize: 2);
        try
        {
            ProbeNetwork.Reset();
            float[] inputs = ConcurrencyTests.Fill(12 * ProbeNetwork.InputSize, 18), outputs = new float[12 * ProbeNetwork.OutputSize];
            float[] good = Enumerable.Range(0, 12).Select(i => (float)(i % 3)).ToArray();
            float[] bad = (float[])good.Clone();
            bad[11] = 7f; // the last chunk's class index is out of range: its loss rows fail, on whichever thread runs them
            var loss = new CrossEntropyLoss();

            for (int attempt = 0; attempt < 20; attempt++)
            {
                var error = Assert.Throws<ArgumentException>(() => parallel.ComputeGradients(inputs, bad, loss, outputs));
                Assert.Contains("targets[11] is 7", error.Message);
            }

            model.ZeroGradients();
            float value = parallel.ComputeGradients(inputs, good, loss, outputs);
            fresh.Network.ZeroGradients();
            float[] freshOutputs = new float[outputs.Length];
            float freshValue = fresh.ComputeGradients(inputs, good, loss, freshOutputs);
            Assert.Equal(BitConverter.SingleToInt32Bits(freshValue), BitConverter.SingleToInt32Bits(value));
            ConcurrencyTests.AssertSameBits(freshOutputs, outputs, "outputs after the failures");
            ConcurrencyTests.AssertSameBits(fresh.Network.Gradients, model.Gradients, "gradients after the failures");

            Thread[] workers = ProbeNetwork.TrainingThreads.Keys.Where(t => t.Name?.StartsWith("NetDsl DataParallel worker", StringComparison.Ordinal) == true).ToArray();
            parallel.Dispose();
            Assert.All(workers, t => Assert.False(t.IsAlive, $"{t.Name} still runs after Dispose."));
        }
        finally
        {
            parallel.Dispose();
            fresh.Dispose();
            ProbeNetwork.Reset();
        }
    }
}
