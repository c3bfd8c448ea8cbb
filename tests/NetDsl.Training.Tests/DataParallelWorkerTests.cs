using System;
using System.Linq;
using System.Threading;
using Xunit;

namespace NetDsl.Training.Tests;

/// <summary>Tests that measure every thread of the process: they run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AloneCollection
{
    public const string Name = "Alone";
}

/// <summary>
/// <see cref="DataParallel{TNetwork}"/>'s threads: exceptions thrown on a worker reach the caller, <c>Dispose</c> stops the
/// workers, and after warm-up a step allocates nothing on any thread.
/// </summary>
[Collection(AloneCollection.Name)]
public sealed class DataParallelWorkerTests
{
    private static float[] Fill(int length, int seed)
    {
        var random = new SeededRandom(seed);
        float[] values = new float[length];
        random.FillUniform(values, -1f, 1f);
        return values;
    }

    [Fact]
    public void An_exception_on_a_worker_thread_is_rethrown_on_the_caller_and_the_instance_stays_usable()
    {
        var model = ProbeNetwork.Create(1);
        using var parallel = new DataParallel<ProbeNetwork>(model, threads: 2, chunkSize: 4);
        float[] inputs = Fill(8 * ProbeNetwork.InputSize, 2);
        var outputs = new float[8 * ProbeNetwork.OutputSize];

        // Two chunks, and each pass waits until both have started: the worker surely runs one of them.
        ProbeNetwork.Reset(rendezvous: 2, failOnWorkers: true);
        var error = Assert.Throws<InvalidOperationException>(() => parallel.ForwardTraining(inputs, outputs));
        Assert.StartsWith("ProbeNetwork failed on purpose on thread 'NetDsl DataParallel worker 1'.", error.Message);
        Assert.Contains(ProbeNetwork.TrainingThreads.Keys, t => t.Name == "NetDsl DataParallel worker 1");
        Assert.Throws<InvalidOperationException>(() => parallel.Backward(new float[outputs.Length])); // the failed pass is not recorded

        ProbeNetwork.Reset(rendezvous: 2);
        parallel.ForwardTraining(inputs, outputs);
        model.ZeroGradients();
        parallel.Backward(Fill(outputs.Length, 3));
        Assert.Contains(model.Gradients.ToArray(), g => g != 0f);
        Assert.Equal(2, ProbeNetwork.TrainingThreads.Count);
        ProbeNetwork.Reset();
    }

    [Fact]
    public void Dispose_stops_every_worker_and_later_calls_throw()
    {
        var model = ProbeNetwork.Create(4);
        var parallel = new DataParallel<ProbeNetwork>(model, threads: 3, chunkSize: 2);
        ProbeNetwork.Reset(rendezvous: 3);
        parallel.ForwardTraining(Fill(6 * ProbeNetwork.InputSize, 5), new float[6 * ProbeNetwork.OutputSize]);
        Thread[] workers = ProbeNetwork.TrainingThreads.Keys.Where(t => t != Thread.CurrentThread).ToArray();
        Assert.Equal(2, workers.Length);
        Assert.All(workers, t => Assert.True(t.IsAlive && t.IsBackground));

        parallel.Dispose();
        Assert.All(workers, t => Assert.False(t.IsAlive, $"{t.Name} still runs after Dispose."));
        parallel.Dispose(); // twice is harmless
        Assert.Throws<ObjectDisposedException>(() => parallel.ForwardTraining(new float[ProbeNetwork.InputSize], new float[ProbeNetwork.OutputSize]));
        Assert.Throws<ObjectDisposedException>(() => parallel.ForwardBatch(new float[ProbeNetwork.InputSize], new float[ProbeNetwork.OutputSize]));
        Assert.Throws<ObjectDisposedException>(() => parallel.Backward(new float[ProbeNetwork.OutputSize]));
        ProbeNetwork.Reset();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void A_step_allocates_nothing_on_any_thread_after_warm_up(int threads)
    {
        var model = new KernelClassifier(seed: 6);
        using var parallel = new DataParallel<KernelClassifier>(model, threads, chunkSize: 16);
        var loss = new CrossEntropyLoss();
        var optimizer = new Adam(1e-3f);
        const int batch = 100;
        float[] inputs = Fill(batch * KernelClassifier.InputSize, 7);
        float[] targets = Enumerable.Range(0, batch).Select(i => (float)(i % 4)).ToArray();
        var outputs = new float[batch * KernelClassifier.OutputSize];
        var outputGradients = new float[outputs.Length];
        var inputGradients = new float[inputs.Length];
        AllocationAssert.NoneOnAnyThread($"DataParallel step on {threads} thread(s)", () =>
        {
            model.ZeroGradients();
            parallel.ForwardTraining(inputs, outputs);
            loss.ComputeWithGradient(outputs, targets, outputGradients);
            parallel.Backward(outputGradients, inputGradients);
            optimizer.Step(model);
            parallel.ForwardBatch(inputs, outputs);
            model.ZeroGradients();
            parallel.ComputeGradients(inputs, targets, loss, outputs);
            optimizer.Step(model);
        });
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void A_batch_normalization_step_allocates_nothing_on_any_thread_after_warm_up(int threads)
    {
        // Two batch normalizations: every segment and every exchange of statistics between them.
        var model = new BatchNormCnn(seed: 10);
        using var parallel = new DataParallel<BatchNormCnn>(model, threads, chunkSize: 8);
        var loss = new CrossEntropyLoss();
        var optimizer = new Adam(1e-3f);
        const int batch = 30;
        float[] inputs = Fill(batch * BatchNormCnn.InputSize, 11);
        float[] targets = Enumerable.Range(0, batch).Select(i => (float)(i % 3)).ToArray();
        var outputs = new float[batch * BatchNormCnn.OutputSize];
        var outputGradients = new float[outputs.Length];
        var inputGradients = new float[inputs.Length];
        AllocationAssert.NoneOnAnyThread($"DataParallel batch normalization step on {threads} thread(s)", () =>
        {
            model.ZeroGradients();
            parallel.ForwardTraining(inputs, outputs);
            loss.ComputeWithGradient(outputs, targets, outputGradients);
            parallel.Backward(outputGradients, inputGradients);
            optimizer.Step(model);
            parallel.ForwardBatch(inputs, outputs);
            model.ZeroGradients();
            parallel.ComputeGradients(inputs, targets, loss, outputs);
            optimizer.Step(model);
        });
    }

    [Fact]
    public void A_data_parallel_trainer_step_of_a_batch_normalization_network_allocates_nothing_on_any_thread()
    {
        using var trainer = new Trainer<BatchNormClassifier>(new BatchNormClassifier(seed: 12), new TrainingOptions
        {
            Loss = new CrossEntropyLoss(),
            Optimizer = new AdamW(1e-3f),
            BatchSize = 64,
            Threads = 2,
            ChunkSize = 16,
        });
        float[] inputs = Fill(64 * BatchNormClassifier.InputSize, 13);
        float[] targets = Enumerable.Range(0, 64).Select(i => (float)(i % 4)).ToArray();
        AllocationAssert.NoneOnAnyThread("Trainer.TrainBatch of a batch normalization network on 2 threads", () => trainer.TrainBatch(inputs, targets));
    }

    [Fact]
    public void A_single_chunk_split_over_the_kernel_team_allocates_nothing_on_any_thread()
    {
        var model = new WideConvolutionClassifier(seed: 16);
        using var parallel = new DataParallel<WideConvolutionClassifier>(model, threads: 2, chunkSize: 16);
        var loss = new CrossEntropyLoss();
        var optimizer = new Sgd(1e-2f);
        const int batch = 16;
        float[] inputs = Fill(batch * WideConvolutionClassifier.InputSize, 17);
        float[] targets = Enumerable.Range(0, batch).Select(i => (float)(i % 4)).ToArray();
        var outputs = new float[batch * WideConvolutionClassifier.OutputSize];
        AllocationAssert.NoneOnAnyThread("a one-chunk step on 2 threads", () =>
        {
            model.ZeroGradients();
            parallel.ComputeGradients(inputs, targets, loss, outputs);
            optimizer.Step(model);
            parallel.ForwardBatch(inputs, outputs);
        });
    }

    [Fact]
    public void The_measurement_itself_allocates_nothing() => AllocationAssert.NoneOnAnyThread("an empty step", () => { });

    [Fact]
    public void A_data_parallel_trainer_step_allocates_nothing_on_any_thread_after_warm_up()
    {
        using var trainer = new Trainer<KernelClassifier>(new KernelClassifier(seed: 8), new TrainingOptions
        {
            Loss = new CrossEntropyLoss(),
            Optimizer = new AdamW(1e-3f),
            BatchSize = 64,
            Threads = 2,
            ChunkSize = 16,
            MaxGradientNorm = 1f,
        });
        float[] inputs = Fill(64 * KernelClassifier.InputSize, 9);
        float[] targets = Enumerable.Range(0, 64).Select(i => (float)(i % 4)).ToArray();
        AllocationAssert.NoneOnAnyThread("Trainer.TrainBatch on 2 threads", () => trainer.TrainBatch(inputs, targets));
    }
}
