using System;
using System.Linq;
using NetDsl.Generated;
using Xunit;

namespace NetDsl.Training.Tests;

/// <summary>
/// Batch normalization in data-parallel training: every chunk is normalized with the statistics of the whole batch, so the
/// results are the same bits on any number of threads, equal the unchunked network's within float rounding (exactly for a
/// single chunk), and the running statistics are updated once per batch as the unchunked network updates them.
/// </summary>
public sealed class BatchNormParallelTests
{
    private static float[] Fill(int length, int seed)
    {
        var random = new SeededRandom(seed);
        float[] values = new float[length];
        random.FillUniform(values, -1f, 1f);
        return values;
    }

    private static float[] Classes(int batch, int classes, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, batch).Select(_ => (float)random.Next(classes)).ToArray();
    }

    private static int[] Bits(float[] values) => values.Select(BitConverter.SingleToInt32Bits).ToArray();

    /// <summary>max |a − b| ≤ tolerance · max(1, max |b|), with the worst index in the message.</summary>
    private static void Close(string what, float[] actual, float[] expected, double tolerance = 1e-5)
    {
        Assert.Equal(expected.Length, actual.Length);
        double scale = Math.Max(1.0, expected.Max(v => Math.Abs((double)v)));
        int worst = 0;
        double error = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double e = Math.Abs((double)actual[i] - expected[i]);
            if (e > error)
            {
                error = e;
                worst = i;
            }
        }

        Assert.True(error <= tolerance * scale, $"{what}: element {worst} is {actual[worst]:R}, expected {expected[worst]:R} (error {error:E2}, allowed {tolerance * scale:E2}).");
    }

    /// <summary>What one training step leaves behind: outputs, loss, parameter and input gradients, and the running statistics.</summary>
    private sealed record StepResult(float[] Outputs, float Loss, float[] Gradients, float[] InputGradients, float[] Buffers);

    private static TNetwork Model<TNetwork>(float[] parameters, float[] buffers)
        where TNetwork : class, INetwork<TNetwork>
    {
        TNetwork model = TNetwork.Create(99);
        parameters.CopyTo(model.Parameters);
        buffers.CopyTo(model.Buffers);
        return model;
    }

    /// <summary>Two data-parallel steps from the given state (the second starts from the running statistics the first left).</summary>
    private static StepResult ParallelSteps<TNetwork>(float[] parameters, float[] buffers, float[] inputs, float[] targets, int threads, int chunkSize)
        where TNetwork : class, INetwork<TNetwork>
    {
        TNetwork model = Model<TNetwork>(parameters, buffers);
        using var parallel = new DataParallel<TNetwork>(model, threads, chunkSize);
        var loss = new CrossEntropyLoss();
        var outputs = new float[inputs.Length / TNetwork.InputSize * TNetwork.OutputSize];
        var outputGradients = new float[outputs.Length];
        var inputGradients = new float[inputs.Length];
        float value = 0;
        for (int step = 0; step < 2; step++)
        {
            model.ZeroGradients();
            parallel.ForwardTraining(inputs, outputs);
            value = loss.ComputeWithGradient(outputs, targets, outputGradients);
            parallel.Backward(outputGradients, inputGradients);
        }

        return new StepResult(outputs, value, model.Gradients.ToArray(), inputGradients, model.Buffers.ToArray());
    }

    /// <summary>The same two steps on the plain network, the whole batch at once: the reference.</summary>
    private static StepResult PlainSteps<TNetwork>(float[] parameters, float[] buffers, float[] inputs, float[] targets)
        where TNetwork : class, INetwork<TNetwork>
    {
        TNetwork model = Model<TNetwork>(parameters, buffers);
        var loss = new CrossEntropyLoss();
        var outputs = new float[inputs.Length / TNetwork.InputSize * TNetwork.OutputSize];
        var outputGradients = new float[outputs.Length];
        var inputGradients = new float[inputs.Length];
        float value = 0;
        for (int step = 0; step < 2; step++)
        {
            model.ZeroGradients();
            model.ForwardTraining(inputs, outputs);
            value = loss.ComputeWithGradient(outputs, targets, outputGradients);
            model.Backward(outputGradients, inputGradients);
        }

        return new StepResult(outputs, value, model.Gradients.ToArray(), inputGradients, model.Buffers.ToArray());
    }

    /// <summary>Parameters of a seeded network, batch normalization's weights and biases moved away from 1 and 0, and running statistics away from 0 and 1.</summary>
    private static (float[] Parameters, float[] Buffers) State<TNetwork>(int seed)
        where TNetwork : class, INetwork<TNetwork>
    {
        TNetwork model = TNetwork.Create(seed);
        float[] parameters = model.Parameters.ToArray();
        float[] noise = Fill(parameters.Length, seed + 1);
        foreach (TensorInfo tensor in model.ParameterTensors.Where(t => t.Name.StartsWith("bn", StringComparison.Ordinal)))
        {
            for (int i = tensor.Offset; i < tensor.Offset + tensor.Length; i++)
            {
                parameters[i] += 0.5f * noise[i];
            }
        }

        float[] buffers = Fill(model.Buffers.Length, seed + 2).Select(v => Math.Abs(v) + 0.5f).ToArray();
        return (parameters, buffers);
    }

    public static TheoryData<string, int, int> Cases => new()
    {
        { "mlp", 7, 1 },
        { "mlp", 33, 5 },
        { "mlp", 64, 16 },
        { "mlp", 50, 48 },
        { "cnn", 7, 2 },
        { "cnn", 33, 5 },
        { "cnn", 40, 16 },
    };

    private static StepResult Parallel(string network, int seed, int batch, int threads, int chunkSize) => network == "mlp"
        ? Run<BatchNormClassifier>(seed, batch, (p, b, x, t) => ParallelSteps<BatchNormClassifier>(p, b, x, t, threads, chunkSize))
        : Run<BatchNormCnn>(seed, batch, (p, b, x, t) => ParallelSteps<BatchNormCnn>(p, b, x, t, threads, chunkSize));

    private static StepResult Plain(string network, int seed, int batch) => network == "mlp"
        ? Run<BatchNormClassifier>(seed, batch, PlainSteps<BatchNormClassifier>)
        : Run<BatchNormCnn>(seed, batch, PlainSteps<BatchNormCnn>);

    private static StepResult Run<TNetwork>(int seed, int batch, Func<float[], float[], float[], float[], StepResult> steps)
        where TNetwork : class, INetwork<TNetwork>
    {
        (float[] parameters, float[] buffers) = State<TNetwork>(seed);
        float[] inputs = Fill(batch * TNetwork.InputSize, seed + 3).Select(v => 2f * v + 0.7f).ToArray(); // a mean away from 0
        float[] targets = Classes(batch, TNetwork.OutputSize, seed + 4);
        return steps(parameters, buffers, inputs, targets);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Outputs_gradients_and_running_statistics_are_identical_bit_for_bit_on_1_2_and_3_threads(string network, int batch, int chunkSize)
    {
        StepResult one = Parallel(network, 1, batch, threads: 1, chunkSize);
        foreach (int threads in new[] { 2, 3 })
        {
            StepResult many = Parallel(network, 1, batch, threads, chunkSize);
            Assert.Equal(Bits(one.Outputs), Bits(many.Outputs));
            Assert.Equal(BitConverter.SingleToInt32Bits(one.Loss), BitConverter.SingleToInt32Bits(many.Loss));
            Assert.Equal(Bits(one.Gradients), Bits(many.Gradients));
            Assert.Equal(Bits(one.InputGradients), Bits(many.InputGradients));
            Assert.Equal(Bits(one.Buffers), Bits(many.Buffers));
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Chunks_are_normalized_with_the_whole_batch_as_the_unchunked_network_is(string network, int batch, int chunkSize)
    {
        StepResult plain = Plain(network, 2, batch);
        StepResult parallel = Parallel(network, 2, batch, threads: 2, chunkSize);
        Close("outputs", parallel.Outputs, plain.Outputs);
        Assert.Equal(plain.Loss, parallel.Loss, 1e-5f);
        Close("parameter gradients", parallel.Gradients, plain.Gradients);
        Close("input gradients", parallel.InputGradients, plain.InputGradients);
        Close("running statistics after two steps", parallel.Buffers, plain.Buffers);
    }

    [Fact]
    public void Per_chunk_statistics_would_be_far_from_the_whole_batchs()
    {
        // The tolerance above means something: normalizing each chunk on its own changes the outputs by far more.
        (float[] parameters, float[] buffers) = State<BatchNormClassifier>(3);
        float[] inputs = Fill(32 * BatchNormClassifier.InputSize, 6).Select(v => 2f * v + 0.7f).ToArray();
        var whole = new float[32 * BatchNormClassifier.OutputSize];
        Model<BatchNormClassifier>(parameters, buffers).ForwardTraining(inputs, whole);
        var perChunk = new float[whole.Length];
        BatchNormClassifier chunkModel = Model<BatchNormClassifier>(parameters, buffers);
        for (int start = 0; start < 32; start += 8)
        {
            chunkModel.ForwardTraining(inputs.AsSpan(start * 16, 8 * 16), perChunk.AsSpan(start * 4, 8 * 4));
        }

        double difference = whole.Zip(perChunk, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(difference > 1e-2, $"per-chunk statistics changed the outputs by only {difference:E2}");
    }

    [Theory]
    [InlineData("mlp", 16)]
    [InlineData("cnn", 9)]
    public void A_batch_of_one_chunk_gives_exactly_the_unchunked_networks_bits(string network, int batch)
    {
        StepResult plain = Plain(network, 4, batch);
        StepResult parallel = Parallel(network, 4, batch, threads: 2, chunkSize: batch);
        Assert.Equal(Bits(plain.Outputs), Bits(parallel.Outputs));
        Assert.Equal(Bits(plain.Gradients), Bits(parallel.Gradients));
        Assert.Equal(Bits(plain.InputGradients), Bits(parallel.InputGradients));
        Assert.Equal(Bits(plain.Buffers), Bits(parallel.Buffers));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void ComputeGradients_equals_forward_loss_and_backward_bit_for_bit(int threads)
    {
        (float[] parameters, float[] buffers) = State<BatchNormCnn>(5);
        float[] inputs = Fill(37 * BatchNormCnn.InputSize, 6);
        float[] targets = Classes(37, 3, 7);
        var loss = new CrossEntropyLoss(labelSmoothing: 0.1f);

        BatchNormCnn model = Model<BatchNormCnn>(parameters, buffers);
        using var parallel = new DataParallel<BatchNormCnn>(model, threads, chunkSize: 8);
        var outputs = new float[37 * BatchNormCnn.OutputSize];
        float value = 0;
        for (int step = 0; step < 2; step++)
        {
            model.ZeroGradients();
            value = parallel.ComputeGradients(inputs, targets, loss, outputs);
        }

        StepResult smoothed = ParallelStepsWith(parameters, buffers, inputs, targets, threads, loss);
        Assert.Equal(Bits(smoothed.Outputs), Bits(outputs));
        Assert.Equal(BitConverter.SingleToInt32Bits(smoothed.Loss), BitConverter.SingleToInt32Bits(value));
        Assert.Equal(Bits(smoothed.Gradients), Bits(model.Gradients.ToArray()));
        Assert.Equal(Bits(smoothed.Buffers), Bits(model.Buffers.ToArray()));
    }

    /// <summary><see cref="ParallelSteps{TNetwork}"/> of <see cref="BatchNormCnn"/> with a given loss, without input gradients.</summary>
    private static StepResult ParallelStepsWith(float[] parameters, float[] buffers, float[] inputs, float[] targets, int threads, ILoss loss)
    {
        BatchNormCnn model = Model<BatchNormCnn>(parameters, buffers);
        using var parallel = new DataParallel<BatchNormCnn>(model, threads, chunkSize: 8);
        var outputs = new float[inputs.Length / BatchNormCnn.InputSize * BatchNormCnn.OutputSize];
        var outputGradients = new float[outputs.Length];
        float value = 0;
        for (int step = 0; step < 2; step++)
        {
            model.ZeroGradients();
            parallel.ForwardTraining(inputs, outputs);
            value = loss.ComputeWithGradient(outputs, targets, outputGradients);
            parallel.Backward(outputGradients);
        }

        return new StepResult(outputs, value, model.Gradients.ToArray(), [], model.Buffers.ToArray());
    }

    [Fact]
    public void A_batch_with_one_value_per_channel_is_refused_as_the_unchunked_network_refuses_it()
    {
        var model = new BatchNormClassifier(seed: 8);
        float[] before = model.Buffers.ToArray();
        using var parallel = new DataParallel<BatchNormClassifier>(model, threads: 2, chunkSize: 1);
        var error = Assert.Throws<InvalidOperationException>(() => parallel.ForwardTraining(new float[16], new float[4]));
        Assert.Contains("needs more than one value per channel, but got a batch of 1", error.Message);
        Assert.Equal(before, model.Buffers.ToArray());

        // Two samples in two chunks of one are a batch of two: accepted.
        parallel.ForwardTraining(Fill(32, 9), new float[8]);
    }

    [Fact]
    public void A_network_with_buffers_that_cannot_be_split_is_still_refused_with_the_reason()
    {
        var model = UnsplittableBatchNormNetwork.Create(10);
        using var parallel = new DataParallel<UnsplittableBatchNormNetwork>(model, threads: 2, chunkSize: 16);
        Assert.False(parallel.SupportsTraining);
        var error = Assert.Throws<NotSupportedException>(() => parallel.ForwardTraining(new float[32 * 16], new float[32 * 4]));
        Assert.Contains("UnsplittableBatchNormNetwork has buffers (bn.running_mean, bn.running_var) and does not implement ISegmentedTraining", error.Message);

        var options = new TrainingOptions { Loss = new CrossEntropyLoss(), Optimizer = new Sgd(0.1f), Threads = 2 };
        var trainerError = Assert.Throws<ArgumentException>(() => new Trainer<UnsplittableBatchNormNetwork>(model, options));
        Assert.Contains("does not implement ISegmentedTraining", trainerError.Message);

        using var accepted = new DataParallel<BatchNormClassifier>(new BatchNormClassifier(seed: 10), threads: 2, chunkSize: 16);
        Assert.True(accepted.SupportsTraining);
    }

    [Fact]
    public void Segments_run_in_order_and_a_new_pass_starts_at_segment_0()
    {
        ISegmentedTraining model = new BatchNormCnn(seed: 11);
        Assert.Equal(2, model.BatchStatistics.Length);
        float[] inputs = Fill(4 * BatchNormCnn.InputSize, 12);
        var outputs = new float[4 * BatchNormCnn.OutputSize];
        var error = Assert.Throws<InvalidOperationException>(() => model.ForwardTrainingSegment(1, inputs, outputs));
        Assert.Contains("BatchNormCnn.ForwardTrainingSegment expected segment 0 to start a new pass", error.Message);

        model.ForwardTrainingSegment(0, inputs, outputs);
        error = Assert.Throws<InvalidOperationException>(() => model.ForwardTrainingSegment(2, inputs, outputs));
        Assert.Contains("expected segment 1 next", error.Message);
        Assert.Throws<ArgumentException>(() => model.ForwardTrainingSegment(1, inputs.AsSpan(0, 2 * BatchNormCnn.InputSize), outputs.AsSpan(0, 2 * BatchNormCnn.OutputSize)));

        model.ForwardTrainingSegment(0, inputs, outputs);
        model.ForwardTrainingSegment(1, inputs, outputs);
        Assert.Throws<InvalidOperationException>(() => model.BackwardSegment(0, outputs, default, computeInputGradients: false)); // nothing recorded yet
        model.ForwardTrainingSegment(2, inputs, outputs);
        model.BackwardSegment(0, outputs, default, computeInputGradients: false);
        error = Assert.Throws<InvalidOperationException>(() => model.BackwardSegment(2, outputs, default, computeInputGradients: false));
        Assert.Contains("BatchNormCnn.BackwardSegment expected segment 1 next", error.Message);
    }

    private static TrainingOptions TrainerOptions(int threads, int? chunkSize, int epochs, IOptimizer optimizer) => new()
    {
        Loss = new CrossEntropyLoss(),
        Optimizer = optimizer,
        Epochs = epochs,
        BatchSize = 24,
        Seed = 3,
        Threads = threads,
        ChunkSize = chunkSize,
    };

    private static Dataset Data<TNetwork>(int count, int seed)
        where TNetwork : class, INetwork<TNetwork> =>
        new(Fill(count * TNetwork.InputSize, seed), TNetwork.InputSize, Classes(count, TNetwork.OutputSize, seed + 1), 1, classCount: TNetwork.OutputSize);

    /// <summary>Adam for three epochs (bits across thread counts), or plain SGD for one (closeness to serial training, which Adam's division by small second moments would magnify).</summary>
    private static (float[] Parameters, float[] Buffers, double[] Losses) Train<TNetwork>(int threads, int? chunkSize, bool sgdForOneEpoch = false)
        where TNetwork : class, INetwork<TNetwork>
    {
        TNetwork model = TNetwork.Create(13);
        TrainingOptions options = sgdForOneEpoch ? TrainerOptions(threads, chunkSize, 1, new Sgd(0.05f)) : TrainerOptions(threads, chunkSize, 3, new Adam(0.01f));
        using var trainer = new Trainer<TNetwork>(model, options);
        TrainingResult result = trainer.Fit(Data<TNetwork>(100, 14), Data<TNetwork>(30, 16));
        return (model.Parameters.ToArray(), model.Buffers.ToArray(), result.History.SelectMany(e => new[] { e.TrainingLoss, e.Validation!.Loss }).ToArray());
    }

    [Theory]
    [InlineData("mlp", 5)]
    [InlineData("mlp", 7)]
    [InlineData("cnn", 5)]
    [InlineData("cnn", 16)]
    public void The_trainer_gives_the_same_parameters_running_statistics_and_losses_on_1_2_and_3_threads(string network, int chunkSize)
    {
        var one = network == "mlp" ? Train<BatchNormClassifier>(1, chunkSize) : Train<BatchNormCnn>(1, chunkSize);
        foreach (int threads in new[] { 2, 3 })
        {
            var many = network == "mlp" ? Train<BatchNormClassifier>(threads, chunkSize) : Train<BatchNormCnn>(threads, chunkSize);
            Assert.Equal(Bits(one.Parameters), Bits(many.Parameters));
            Assert.Equal(Bits(one.Buffers), Bits(many.Buffers));
            Assert.Equal(one.Losses, many.Losses);
        }
    }

    [Theory]
    [InlineData("mlp")]
    [InlineData("cnn")]
    public void The_trainer_on_2_threads_trains_as_the_unchunked_network_within_rounding(string network)
    {
        var serial = network == "mlp" ? Train<BatchNormClassifier>(1, null, sgdForOneEpoch: true) : Train<BatchNormCnn>(1, null, sgdForOneEpoch: true);
        var parallel = network == "mlp" ? Train<BatchNormClassifier>(2, 5, sgdForOneEpoch: true) : Train<BatchNormCnn>(2, 5, sgdForOneEpoch: true);
        Close("parameters after one epoch", parallel.Parameters, serial.Parameters);
        Close("running statistics after one epoch", parallel.Buffers, serial.Buffers);
        Close("losses", parallel.Losses.Select(v => (float)v).ToArray(), serial.Losses.Select(v => (float)v).ToArray());
    }
}
