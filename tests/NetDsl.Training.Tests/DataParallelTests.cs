using System;
using System.Linq;
using Xunit;

namespace NetDsl.Training.Tests;

/// <summary>
/// <see cref="DataParallel{TNetwork}"/>: the same bits for any number of threads, the plain network's whole-batch gradient
/// within float rounding, any batch size, checked input, and its use by the trainer.
/// </summary>
public sealed class DataParallelTests
{
    private const int Chunk = 16;

    public static TheoryData<int> Batches => [7, 16, 100, 64];

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

    /// <summary>Outputs, loss, parameter gradients and input gradients of one data-parallel step from the given parameters.</summary>
    private static (float[] Outputs, float Loss, float[] Gradients, float[] InputGradients) Step<TNetwork>(
        float[] parameters, float[] inputs, float[] targets, ILoss loss, int threads, int chunkSize = Chunk, int seed = 0)
        where TNetwork : class, INetwork<TNetwork>
    {
        TNetwork model = TNetwork.Create(99);
        parameters.CopyTo(model.Parameters);
        using var parallel = new DataParallel<TNetwork>(model, threads, chunkSize, seed);
        var outputs = new float[inputs.Length / TNetwork.InputSize * TNetwork.OutputSize];
        var outputGradients = new float[outputs.Length];
        var inputGradients = new float[inputs.Length];
        model.ZeroGradients();
        parallel.ForwardTraining(inputs, outputs);
        float value = loss.ComputeWithGradient(outputs, targets, outputGradients);
        parallel.Backward(outputGradients, inputGradients);
        return (outputs, value, model.Gradients.ToArray(), inputGradients);
    }

    /// <summary>The same step on the plain network, the whole batch at once: the reference.</summary>
    private static (float[] Outputs, float Loss, float[] Gradients, float[] InputGradients) PlainStep<TNetwork>(float[] parameters, float[] inputs, float[] targets, ILoss loss)
        where TNetwork : class, INetwork<TNetwork>
    {
        TNetwork model = TNetwork.Create(99);
        parameters.CopyTo(model.Parameters);
        var outputs = new float[inputs.Length / TNetwork.InputSize * TNetwork.OutputSize];
        var outputGradients = new float[outputs.Length];
        var inputGradients = new float[inputs.Length];
        model.ZeroGradients();
        model.ForwardTraining(inputs, outputs);
        float value = loss.ComputeWithGradient(outputs, targets, outputGradients);
        model.Backward(outputGradients, inputGradients);
        return (outputs, value, model.Gradients.ToArray(), inputGradients);
    }

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

    [Theory]
    [MemberData(nameof(Batches))]
    public void Outputs_and_gradients_are_identical_bit_for_bit_on_1_2_and_3_threads(int batch)
    {
        float[] parameters = new KernelClassifier(seed: 1).Parameters.ToArray();
        float[] inputs = Fill(batch * KernelClassifier.InputSize, 2);
        float[] targets = Classes(batch, 4, 3);
        var loss = new CrossEntropyLoss(labelSmoothing: 0.1f, classWeights: [1f, 2f, 0.5f, 1f]);
        var one = Step<KernelClassifier>(parameters, inputs, targets, loss, threads: 1);
        foreach (int threads in new[] { 2, 3 })
        {
            var many = Step<KernelClassifier>(parameters, inputs, targets, loss, threads);
            Assert.Equal(Bits(one.Outputs), Bits(many.Outputs));
            Assert.Equal(BitConverter.SingleToInt32Bits(one.Loss), BitConverter.SingleToInt32Bits(many.Loss));
            Assert.Equal(Bits(one.Gradients), Bits(many.Gradients));
            Assert.Equal(Bits(one.InputGradients), Bits(many.InputGradients));
        }
    }

    [Theory]
    [InlineData(37)]
    [InlineData(16)]
    public void Recurrent_networks_give_the_same_bits_on_1_2_and_3_threads_and_the_plain_networks_gradient(int batch)
    {
        // The recurrent backward pass runs the samples of a chunk in groups; its sums must be those of one sample after another.
        Check<LstmClassifier>(seed: 21);
        Check<GruClassifier>(seed: 22);

        void Check<TNetwork>(int seed)
            where TNetwork : class, INetwork<TNetwork>
        {
            float[] parameters = TNetwork.Create(seed).Parameters.ToArray();
            float[] inputs = Fill(batch * TNetwork.InputSize, seed + 1);
            float[] targets = Classes(batch, 4, seed + 2);
            var loss = new CrossEntropyLoss();
            var one = Step<TNetwork>(parameters, inputs, targets, loss, threads: 1);
            foreach (int threads in new[] { 2, 3 })
            {
                var many = Step<TNetwork>(parameters, inputs, targets, loss, threads);
                Assert.Equal(Bits(one.Outputs), Bits(many.Outputs));
                Assert.Equal(Bits(one.Gradients), Bits(many.Gradients));
                Assert.Equal(Bits(one.InputGradients), Bits(many.InputGradients));
            }

            var plain = PlainStep<TNetwork>(parameters, inputs, targets, loss);
            Close(typeof(TNetwork).Name + " parameter gradients", one.Gradients, plain.Gradients);
            Close(typeof(TNetwork).Name + " input gradients", one.InputGradients, plain.InputGradients);
            Assert.Contains(one.Gradients, g => g != 0f);
        }
    }

    [Theory]
    [MemberData(nameof(Batches))]
    public void Gradients_equal_the_plain_networks_whole_batch_gradient_within_rounding(int batch)
    {
        // The reference is independent of the chunking: the plain network's own pass over the whole batch.
        float[] parameters = new KernelClassifier(seed: 4).Parameters.ToArray();
        float[] inputs = Fill(batch * KernelClassifier.InputSize, 5);
        float[] targets = Classes(batch, 4, 6);
        var loss = new CrossEntropyLoss();
        var plain = PlainStep<KernelClassifier>(parameters, inputs, targets, loss);
        var parallel = Step<KernelClassifier>(parameters, inputs, targets, loss, threads: 2);
        Close("outputs", parallel.Outputs, plain.Outputs);
        Assert.Equal(plain.Loss, parallel.Loss, 1e-6f);
        Close("parameter gradients", parallel.Gradients, plain.Gradients);
        Close("input gradients", parallel.InputGradients, plain.InputGradients);
        Assert.Contains(parallel.Gradients, g => g != 0f);
    }

    [Fact]
    public void Mse_gradients_of_an_unrolled_network_also_match_the_plain_network()
    {
        // Element-wise mean over every output of the batch, not per chunk: the loss sees the whole batch.
        const int batch = 37;
        float[] parameters = new TinyClassifier(seed: 7).Parameters.ToArray();
        float[] inputs = Fill(batch * TinyClassifier.InputSize, 8);
        float[] targets = Fill(batch * TinyClassifier.OutputSize, 9);
        var loss = new MeanSquaredErrorLoss();
        var plain = PlainStep<TinyClassifier>(parameters, inputs, targets, loss);
        var parallel = Step<TinyClassifier>(parameters, inputs, targets, loss, threads: 3, chunkSize: 5);
        Close("parameter gradients", parallel.Gradients, plain.Gradients);
        Close("input gradients", parallel.InputGradients, plain.InputGradients);
        Assert.Equal(Bits(parallel.Gradients), Bits(Step<TinyClassifier>(parameters, inputs, targets, loss, threads: 1, chunkSize: 5).Gradients));
    }

    [Fact]
    public void A_batch_of_at_most_one_chunk_gives_exactly_the_plain_networks_result()
    {
        const int batch = 11; // < Chunk
        float[] parameters = new KernelClassifier(seed: 10).Parameters.ToArray();
        float[] inputs = Fill(batch * KernelClassifier.InputSize, 11);
        float[] targets = Classes(batch, 4, 12);
        var loss = new CrossEntropyLoss();
        var plain = PlainStep<KernelClassifier>(parameters, inputs, targets, loss);
        var parallel = Step<KernelClassifier>(parameters, inputs, targets, loss, threads: 2);
        Assert.Equal(plain.Outputs, parallel.Outputs);
        Assert.Equal(plain.Gradients, parallel.Gradients); // equal as floats: 0 + g is g, up to the sign of a zero
        Assert.Equal(plain.InputGradients, parallel.InputGradients);
    }

    /// <summary>
    /// A batch of one chunk runs on the network itself (its kernels on the lent threads): no replica, the network's own
    /// dropout masks and batch statistics, the plain network's bits on 1, 2 and 3 threads — training and inference.
    /// </summary>
    [Fact]
    public void A_single_chunk_runs_on_the_network_itself_with_its_own_dropout_masks_and_no_replica()
    {
        const int batch = 12; // < Chunk
        float[] inputs = Fill(batch * DropoutClassifier.InputSize, 31);
        float[] targets = Classes(batch, 4, 32);
        var loss = new CrossEntropyLoss();

        (int[] Outputs, int[] Gradients, int[] Inference) Plain()
        {
            var model = new DropoutClassifier(seed: 30);
            var outputs = new float[batch * DropoutClassifier.OutputSize];
            var outputGradients = new float[outputs.Length];
            var inference = new float[outputs.Length];
            for (int step = 0; step < 2; step++)
            {
                model.ZeroGradients();
                model.ForwardTraining(inputs, outputs);
                loss.ComputeWithGradient(outputs, targets, outputGradients);
                model.Backward(outputGradients);
            }

            model.ForwardBatch(inputs, inference);
            return (Bits(outputs), Bits(model.Gradients.ToArray()), Bits(inference));
        }

        var expected = Plain();
        foreach (int threads in new[] { 1, 2, 3 })
        {
            var model = new DropoutClassifier(seed: 30);
            using var parallel = new DataParallel<DropoutClassifier>(model, threads, Chunk, seed: 7);
            var outputs = new float[batch * DropoutClassifier.OutputSize];
            var inference = new float[outputs.Length];
            for (int step = 0; step < 2; step++)
            {
                model.ZeroGradients();
                parallel.ComputeGradients(inputs, targets, loss, outputs);
            }

            parallel.ForwardBatch(inputs, inference);
            Assert.Equal(expected.Outputs, Bits(outputs));
            Assert.Equal(expected.Gradients, Bits(model.Gradients.ToArray()));
            Assert.Equal(expected.Inference, Bits(inference));
            Assert.Equal(0, parallel.ReplicaCount);
        }
    }

    [Theory]
    [InlineData(16)]
    [InlineData(15)]
    public void A_single_chunk_split_inside_its_kernels_gives_the_plain_networks_bits_on_any_number_of_threads(int batch)
    {
        float[] parameters = new WideConvolutionClassifier(seed: 13).Parameters.ToArray();
        float[] inputs = Fill(batch * WideConvolutionClassifier.InputSize, 14);
        float[] targets = Classes(batch, 4, 15);
        var loss = new CrossEntropyLoss();
        var plain = PlainStep<WideConvolutionClassifier>(parameters, inputs, targets, loss);
        foreach (int threads in new[] { 1, 2, 3 })
        {
            var parallel = Step<WideConvolutionClassifier>(parameters, inputs, targets, loss, threads, chunkSize: 16);
            Assert.Equal(Bits(plain.Outputs), Bits(parallel.Outputs));
            Assert.Equal(plain.Gradients, parallel.Gradients); // equal as floats: 0 + g is g, up to the sign of a zero
            Assert.Equal(Bits(plain.InputGradients), Bits(parallel.InputGradients));
        }
    }

    public static TheoryData<string, int, int> LossCases => new()
    {
        { "weighted, smoothed cross-entropy", 100, 2 },
        { "weighted, smoothed cross-entropy", 100, 3 },
        { "weighted, smoothed cross-entropy", 7, 2 },
        { "summed cross-entropy", 50, 2 },
        { "mean squared error", 100, 2 },
    };

    private static ILoss LossNamed(string name) => name switch
    {
        "weighted, smoothed cross-entropy" => new CrossEntropyLoss(labelSmoothing: 0.1f, classWeights: [1f, 2f, 0.5f, 1f]),
        "summed cross-entropy" => new CrossEntropyLoss(LossReduction.Sum),
        _ => new MeanSquaredErrorLoss(),
    };

    [Theory]
    [MemberData(nameof(LossCases))]
    public void ComputeGradients_equals_forward_loss_and_backward_bit_for_bit(string lossName, int batch, int threads)
    {
        // Cross-entropy's gradient rows run chunk by chunk on the threads; other losses whole on the caller. Either way
        // the loss and the gradient are those of the three separate calls.
        ILoss loss = LossNamed(lossName);
        float[] parameters = new KernelClassifier(seed: 30).Parameters.ToArray();
        float[] inputs = Fill(batch * KernelClassifier.InputSize, 31);
        float[] targets = loss is CrossEntropyLoss ? Classes(batch, 4, 32) : Fill(batch * KernelClassifier.OutputSize, 32);
        AssertComputeGradientsEqualsTheSeparateCalls<KernelClassifier>(parameters, inputs, targets, loss, threads);
    }

    /// <summary>One <c>ComputeGradients</c> call gives the loss, outputs and gradients of forward, loss and backward called separately.</summary>
    private static void AssertComputeGradientsEqualsTheSeparateCalls<TNetwork>(float[] parameters, float[] inputs, float[] targets, ILoss loss, int threads)
        where TNetwork : class, INetwork<TNetwork>
    {
        var separate = Step<TNetwork>(parameters, inputs, targets, loss, threads);
        TNetwork model = TNetwork.Create(99);
        parameters.CopyTo(model.Parameters);
        using var parallel = new DataParallel<TNetwork>(model, threads, Chunk);
        var outputs = new float[inputs.Length / TNetwork.InputSize * TNetwork.OutputSize];
        model.ZeroGradients();
        float value = parallel.ComputeGradients(inputs, targets, loss, outputs);
        Assert.Equal(BitConverter.SingleToInt32Bits(separate.Loss), BitConverter.SingleToInt32Bits(value));
        Assert.Equal(Bits(separate.Outputs), Bits(outputs));
        Assert.Equal(Bits(separate.Gradients), Bits(model.Gradients.ToArray()));
    }

    [Theory]
    [InlineData(37, 2)]
    [InlineData(37, 3)]
    public void A_per_step_cross_entropy_gives_the_bits_of_the_separate_calls_on_any_number_of_threads(int batch, int threads)
    {
        // Rows of 5 logits per step, 6 steps per sample: each chunk's thread writes its samples' gradient rows; ignored
        // steps (-100) and class weights change the mean's divisor, which is computed once from the whole batch.
        var loss = new CrossEntropyLoss(labelSmoothing: 0.1f, classWeights: [1f, 2f, 0.5f, 1f, 3f], classes: 5);
        float[] parameters = new PerStepClassifier(seed: 40).Parameters.ToArray();
        float[] inputs = Fill(batch * PerStepClassifier.InputSize, 41);
        var random = new Random(42);
        float[] targets = Enumerable.Range(0, batch * 6).Select(_ => random.Next(7) is int c && c < 5 ? (float)c : -100f).ToArray();
        AssertComputeGradientsEqualsTheSeparateCalls<PerStepClassifier>(parameters, inputs, targets, loss, threads);
    }

    [Fact]
    public void ComputeGradients_rejects_a_bad_target_before_touching_the_gradients()
    {
        var model = new KernelClassifier(seed: 33);
        using var parallel = new DataParallel<KernelClassifier>(model, threads: 2, Chunk);
        float[] targets = Classes(40, 4, 34);
        targets[37] = 4f;
        model.ZeroGradients();
        var error = Assert.Throws<ArgumentException>(() => parallel.ComputeGradients(Fill(40 * 16, 35), targets, new CrossEntropyLoss(), new float[40 * 4]));
        Assert.Contains("Expected class indices 0 to 3 as whole numbers (or the ignored index -100), but targets[37] is 4.", error.Message);
        Assert.All(model.Gradients.ToArray(), g => Assert.Equal(0f, g));
        Assert.Throws<ArgumentNullException>(() => parallel.ComputeGradients(new float[16], [0f], null!, new float[4]));
    }

    [Fact]
    public void Backward_adds_to_the_networks_gradients_as_the_plain_backward_does()
    {
        var model = new KernelClassifier(seed: 13);
        using var parallel = new DataParallel<KernelClassifier>(model, threads: 2, Chunk);
        float[] inputs = Fill(40 * KernelClassifier.InputSize, 14);
        var outputs = new float[40 * KernelClassifier.OutputSize];
        float[] outputGradients = Fill(outputs.Length, 15);
        model.ZeroGradients();
        parallel.ForwardTraining(inputs, outputs);
        parallel.Backward(outputGradients);
        float[] once = model.Gradients.ToArray();
        parallel.Backward(outputGradients); // the recording stays valid, as for the plain network
        Close("twice the gradient", model.Gradients.ToArray(), once.Select(g => 2 * g).ToArray(), 1e-6);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(33)]
    [InlineData(200)]
    public void Inference_matches_the_plain_network_and_is_identical_on_any_number_of_threads(int batch)
    {
        var model = new KernelClassifier(seed: 16);
        float[] inputs = Fill(batch * KernelClassifier.InputSize, 17);
        var plain = new float[batch * KernelClassifier.OutputSize];
        model.ForwardBatch(inputs, plain);
        float[]? first = null;
        foreach (int threads in new[] { 1, 2, 3 })
        {
            using var parallel = new DataParallel<KernelClassifier>(model, threads, Chunk);
            var outputs = new float[plain.Length];
            parallel.ForwardBatch(inputs, outputs);
            Close("inference outputs", outputs, plain);
            first ??= outputs;
            Assert.Equal(Bits(first), Bits(outputs));
        }
    }

    [Fact]
    public void Inference_of_a_batch_normalization_network_uses_the_networks_running_statistics()
    {
        var model = new BatchNormClassifier(seed: 18);
        Fill(model.Buffers.Length, 19).Select(v => Math.Abs(v) + 0.5f).ToArray().CopyTo(model.Buffers); // means and variances, all positive
        float[] inputs = Fill(50 * BatchNormClassifier.InputSize, 20);
        var plain = new float[50 * BatchNormClassifier.OutputSize];
        model.ForwardBatch(inputs, plain);
        using var parallel = new DataParallel<BatchNormClassifier>(model, threads: 2, Chunk);
        var outputs = new float[plain.Length];
        parallel.ForwardBatch(inputs, outputs);
        Close("inference outputs", outputs, plain);
        Assert.True(parallel.SupportsTraining);
    }

    [Theory]
    [InlineData(48)]
    [InlineData(41)]
    public void Dropout_masks_depend_on_the_seed_and_chunks_never_on_the_thread_count(int batch)
    {
        float[] parameters = new DropoutClassifier(seed: 22).Parameters.ToArray();
        float[] inputs = Fill(batch * DropoutClassifier.InputSize, 23);
        float[] targets = Classes(batch, 4, 24);
        var loss = new CrossEntropyLoss();

        // Three steps in a row (each replica's mask stream moves on), compared bit for bit across thread counts.
        float[][] Run(int threads, int seed)
        {
            var model = new DropoutClassifier(seed: 99);
            parameters.CopyTo(model.Parameters);
            using var parallel = new DataParallel<DropoutClassifier>(model, threads, Chunk, seed);
            var outputs = new float[batch * DropoutClassifier.OutputSize];
            var outputGradients = new float[outputs.Length];
            return Enumerable.Range(0, 3).SelectMany(_ =>
            {
                model.ZeroGradients();
                parallel.ForwardTraining(inputs, outputs);
                loss.ComputeWithGradient(outputs, targets, outputGradients);
                parallel.Backward(outputGradients);
                return new[] { outputs.ToArray(), model.Gradients.ToArray() };
            }).ToArray();
        }

        float[][] one = Run(1, seed: 5);
        foreach (int threads in new[] { 2, 3 })
        {
            float[][] many = Run(threads, seed: 5);
            for (int k = 0; k < one.Length; k++)
            {
                Assert.Equal(Bits(one[k]), Bits(many[k]));
            }
        }

        Assert.NotEqual(Bits(one[0]), Bits(one[2])); // new masks at every step
        Assert.NotEqual(Bits(one[0]), Bits(Run(2, seed: 6)[0])); // and other masks for another seed
    }

    [Fact]
    public void Bad_arguments_say_what_was_expected_and_what_arrived()
    {
        var model = new KernelClassifier(seed: 25);
        var threads = Assert.Throws<ArgumentOutOfRangeException>(() => new DataParallel<KernelClassifier>(model, threads: 0));
        Assert.Contains("Expected at least 1 thread (the calling thread counts as one), but got 0.", threads.Message);
        var chunk = Assert.Throws<ArgumentOutOfRangeException>(() => new DataParallel<KernelClassifier>(model, threads: 2, chunkSize: 0));
        Assert.Contains("Expected a chunk size of at least 1 sample, but got 0.", chunk.Message);
        Assert.Throws<ArgumentNullException>(() => new DataParallel<KernelClassifier>(null!, threads: 2));

        using var parallel = new DataParallel<KernelClassifier>(model, threads: 2, Chunk);
        var notWhole = Assert.Throws<ArgumentException>(() => parallel.ForwardTraining(new float[17], new float[4]));
        Assert.Equal("inputs", notWhole.ParamName);
        Assert.Contains("Expected a whole, non-zero number of samples of 16 floats each, but got length 17.", notWhole.Message);
        var empty = Assert.Throws<ArgumentException>(() => parallel.ForwardBatch([], []));
        Assert.Contains("but got length 0", empty.Message);
        var outputs = Assert.Throws<ArgumentException>(() => parallel.ForwardBatch(new float[32], new float[9]));
        Assert.Equal("outputs", outputs.ParamName);
        Assert.Contains("Expected length 8 (2 samples of 4 floats), but got length 9.", outputs.Message);

        var none = Assert.Throws<InvalidOperationException>(() => parallel.Backward(new float[8]));
        Assert.Contains("Expected a ForwardTraining call before Backward", none.Message);
        parallel.ForwardTraining(new float[3 * 16], new float[3 * 4]);
        var gradients = Assert.Throws<ArgumentException>(() => parallel.Backward(new float[8]));
        Assert.Equal("outputGradients", gradients.ParamName);
        Assert.Contains("Expected 12 output gradients (3 samples recorded by ForwardTraining, 4 each), but got length 8.", gradients.Message);
        var inputGradients = Assert.Throws<ArgumentException>(() => parallel.Backward(new float[12], new float[16]));
        Assert.Equal("inputGradients", inputGradients.ParamName);
        Assert.Contains("Expected 48 input gradients (3 samples recorded by ForwardTraining, 16 each), but got length 16.", inputGradients.Message);

        var optionThreads = Assert.Throws<ArgumentOutOfRangeException>(() => new Trainer<KernelClassifier>(model, new TrainingOptions { Loss = new CrossEntropyLoss(), Optimizer = new Sgd(0.1f), Threads = 0 }));
        Assert.Contains("Expected at least 1 thread, but Threads is 0.", optionThreads.Message);
        var optionChunk = Assert.Throws<ArgumentOutOfRangeException>(() => new Trainer<KernelClassifier>(model, new TrainingOptions { Loss = new CrossEntropyLoss(), Optimizer = new Sgd(0.1f), ChunkSize = -3 }));
        Assert.Contains("Expected a chunk size of at least 1 sample, but ChunkSize is -3.", optionChunk.Message);
    }

    [Fact]
    public void Replicas_are_one_per_chunk_of_the_largest_training_batch()
    {
        var model = new KernelClassifier(seed: 26);
        using var parallel = new DataParallel<KernelClassifier>(model, threads: 3, Chunk);
        Assert.Equal(0, parallel.ReplicaCount);
        parallel.ForwardBatch(new float[100 * 16], new float[100 * 4]);
        Assert.Equal(3, parallel.ReplicaCount); // inference: one per thread
        parallel.ForwardTraining(new float[100 * 16], new float[100 * 4]);
        Assert.Equal(7, parallel.ReplicaCount); // training: ceil(100 / 16)
        parallel.ForwardTraining(new float[20 * 16], new float[20 * 4]);
        Assert.Equal(7, parallel.ReplicaCount);
    }

    private static TrainingOptions TrainerOptions(int threads, int? chunkSize, int batchSize = 24) => new()
    {
        Loss = new CrossEntropyLoss(),
        Optimizer = new Adam(0.02f),
        Epochs = 6,
        BatchSize = batchSize,
        Seed = 3,
        Threads = threads,
        ChunkSize = chunkSize,
        MaxGradientNorm = 2f,
    };

    public static TheoryData<string> Optimizers => OptimizerTests.Cases;

    /// <summary>
    /// DataParallel.Step lends its threads to the optimizer, which shares its update out in fixed blocks of parameters:
    /// three steps on 1, 2 and 3 threads give the bits of the optimizer's own steps on the plain network.
    /// </summary>
    [Theory]
    [MemberData(nameof(Optimizers))]
    public void The_optimizers_step_on_the_threads_gives_the_bits_of_its_step_alone(string optimizerName)
    {
        float[] inputs = Fill(24 * WideClassifier.InputSize, 5);
        float[] targets = Classes(24, 4, 6);
        float[] outputs = new float[24 * WideClassifier.OutputSize];
        var loss = new CrossEntropyLoss();

        float[] Train(int threads)
        {
            var model = new WideClassifier(seed: 4);
            IOptimizer optimizer = OptimizerTests.Create(optimizerName).Optimizer;
            using var parallel = new DataParallel<WideClassifier>(model, threads, chunkSize: 8);
            for (int step = 0; step < 3; step++)
            {
                model.ZeroGradients();
                parallel.ComputeGradients(inputs, targets, loss, outputs);
                if (threads == 1)
                {
                    optimizer.Step(model.Parameters, model.Gradients);
                }
                else
                {
                    parallel.Step(optimizer);
                }
            }

            return model.Parameters.ToArray();
        }

        int[] alone = Bits(Train(1));
        Assert.Equal(alone, Bits(Train(2)));
        Assert.Equal(alone, Bits(Train(3)));
    }

    [Fact]
    public void The_optimizers_step_on_the_threads_allocates_nothing_and_refuses_a_null_optimizer()
    {
        var model = new WideClassifier(seed: 4);
        model.Gradients.Fill(0.01f);
        using var parallel = new DataParallel<WideClassifier>(model, 2);
        var adam = new Adam(1e-3f, weightDecay: 0.01f, amsGrad: true);
        AllocationAssert.None("DataParallel.Step(Adam) on 2 threads", () => parallel.Step(adam), warmUps: 3, repetitions: 10);
        Assert.Throws<ArgumentNullException>(() => parallel.Step(null!));
        parallel.Dispose();
        Assert.Throws<ObjectDisposedException>(() => parallel.Step(adam));
    }

    [Fact]
    public void The_trainer_on_a_network_whose_update_splits_gives_the_same_bits_on_1_and_2_threads()
    {
        float[] Train(int threads)
        {
            var model = new WideClassifier(seed: 5);
            var options = new TrainingOptions { Loss = new CrossEntropyLoss(), Optimizer = new AdamW(1e-3f), Epochs = 2, BatchSize = 16, Seed = 3, Threads = threads, ChunkSize = 8, MaxGradientNorm = 1f };
            using var trainer = new Trainer<WideClassifier>(model, options);
            float[] features = Fill(64 * WideClassifier.InputSize, 7);
            float[] labels = Classes(64, 4, 8);
            trainer.Fit(new Dataset(features, WideClassifier.InputSize, labels, classCount: 4));
            return model.Parameters.ToArray();
        }

        Assert.Equal(Bits(Train(1)), Bits(Train(2)));
    }

    [Fact]
    public void The_trainer_gives_the_same_bits_on_1_2_and_3_threads_at_one_chunk_size()
    {
        (float[] Parameters, double[] Losses) Train(int threads)
        {
            var model = new TinyClassifier(seed: 1);
            using var trainer = new Trainer<TinyClassifier>(model, TrainerOptions(threads, chunkSize: 5));
            TrainingResult result = trainer.Fit(SyntheticData.Blobs(200, seed: 1), SyntheticData.Blobs(60, seed: 2));
            Assert.True(result.Last!.Validation!.Accuracy > 0.9, $"validation accuracy {result.Last.Validation.Accuracy} on {threads} threads");
            return (model.Parameters.ToArray(), result.History.SelectMany(e => new[] { e.TrainingLoss, e.Validation!.Loss }).ToArray());
        }

        var one = Train(1);
        foreach (int threads in new[] { 2, 3 })
        {
            var many = Train(threads);
            Assert.Equal(Bits(one.Parameters), Bits(many.Parameters));
            Assert.Equal(one.Losses, many.Losses);
        }
    }

    [Fact]
    public void The_trainer_with_batches_of_at_most_one_chunk_trains_exactly_as_without_threads()
    {
        float[] Train(int threads, int? chunkSize)
        {
            var model = new TinyClassifier(seed: 2);
            using var trainer = new Trainer<TinyClassifier>(model, TrainerOptions(threads, chunkSize, batchSize: 16));
            trainer.Fit(SyntheticData.Blobs(150, seed: 4));
            return model.Parameters.ToArray();
        }

        Assert.Equal(Train(1, null), Train(2, chunkSize: 16));
    }

    [Fact]
    public void The_trainers_data_parallel_default_is_the_default_chunk_size_and_close_to_serial_training()
    {
        var serialModel = new KernelClassifier(seed: 3);
        var parallelModel = new KernelClassifier(seed: 3);
        var data = new Dataset(Fill(256 * 16, 27), 16, Classes(256, 4, 28), 1, classCount: 4);
        var options = new TrainingOptions { Loss = new CrossEntropyLoss(), Optimizer = new Sgd(0.05f), Epochs = 1, BatchSize = 128, Shuffle = false };
        new Trainer<KernelClassifier>(serialModel, options).Fit(data);
        using var trainer = new Trainer<KernelClassifier>(parallelModel, new TrainingOptions
        {
            Loss = new CrossEntropyLoss(), Optimizer = new Sgd(0.05f), Epochs = 1, BatchSize = 128, Shuffle = false, Threads = 2,
        });
        Assert.Equal(DataParallel<KernelClassifier>.DefaultChunkSize, trainer.Parallel!.ChunkSize);
        Assert.Equal(2, trainer.Parallel.Threads);
        trainer.Fit(data);
        Close("parameters after one epoch", parallelModel.Parameters.ToArray(), serialModel.Parameters.ToArray(), 1e-5);
        Assert.Null(new Trainer<KernelClassifier>(serialModel, options).Parallel);
    }
}

// Six steps of 3 features, a GRU returning every step, a per-step head of 5 logits: [6, 3] -> [6, 8] -> [6, 5].
[Network]
[Input(6, 3)]
[GRU(8)]
[Linear(5)]
public partial class PerStepClassifier;
