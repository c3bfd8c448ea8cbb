using System;
using Xunit;

namespace NetDsl.Training.Tests;

/// <summary>After warm-up, a training step — forward, loss, backward, optimizer step — allocates nothing, for every optimizer.</summary>
// Alone: a clean clone's full run once measured 4576 bytes in one step, with this session's multi-threaded stress tests
// (ConcurrencyTests) running beside it; not reproduced in isolation or under load. A measurement wants a quiet process.
[Collection(AloneCollection.Name)]
public class AllocationTests
{
    public static TheoryData<string> Optimizers => OptimizerTests.Cases;

    private static float[] Fill(int length, int seed)
    {
        var random = new SeededRandom(seed);
        float[] values = new float[length];
        random.FillUniform(values, -1f, 1f);
        return values;
    }

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void A_manual_training_step_allocates_nothing(string optimizerName)
    {
        IOptimizer optimizer = OptimizerTests.Create(optimizerName).Optimizer;
        var model = new KernelClassifier(seed: 1);
        ILoss loss = new CrossEntropyLoss(labelSmoothing: 0.1f, classWeights: [1f, 2f, 0.5f, 1f]);
        const int batch = 8;
        float[] inputs = Fill(batch * KernelClassifier.InputSize, 2);
        float[] targets = [0f, 1f, 2f, 3f, 3f, 2f, 1f, 0f];
        float[] outputs = new float[batch * KernelClassifier.OutputSize];
        float[] outputGradients = new float[outputs.Length];

        void Step()
        {
            model.ZeroGradients();
            model.ForwardTraining(inputs, outputs);
            loss.ComputeWithGradient(outputs, targets, outputGradients);
            model.Backward(outputGradients);
            optimizer.Step(model.Parameters, model.Gradients);
        }

        AllocationAssert.None($"A step with {optimizerName}", Step, warmUps: 5, repetitions: 20);
        Assert.True(float.IsFinite(model.Parameters[0]));
    }

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void A_trainer_step_with_clipping_allocates_nothing(string optimizerName)
    {
        IOptimizer optimizer = OptimizerTests.Create(optimizerName).Optimizer;
        var trainer = new Trainer<TinyClassifier>(new TinyClassifier(seed: 1), new TrainingOptions
        {
            Loss = new CrossEntropyLoss(),
            Optimizer = optimizer,
            BatchSize = 6,
            MaxGradientNorm = 1f,
            GradientClipValue = 0.5f,
        });
        float[] inputs = Fill(6 * TinyClassifier.InputSize, 3);
        float[] targets = [0f, 1f, 2f, 2f, 1f, 0f];
        AllocationAssert.None("Trainer.TrainBatch", () => trainer.TrainBatch(inputs, targets), warmUps: 5, repetitions: 20);
    }

    public static TheoryData<string> Losses => ["mse", "l1", "smoothl1", "huber", "bce"];

    [Theory]
    [MemberData(nameof(Losses))]
    public void Every_loss_computes_its_gradient_without_allocating(string name)
    {
        ILoss loss = name switch
        {
            "mse" => new MeanSquaredErrorLoss(),
            "l1" => new L1Loss(LossReduction.Sum),
            "smoothl1" => new SmoothL1Loss(beta: 0.5f),
            "huber" => new HuberLoss(delta: 2f),
            _ => new BceWithLogitsLoss(positiveWeights: [2f, 1f]),
        };
        float[] predictions = Fill(16, 4);
        float[] targets = name == "bce" ? [.. new float[8], .. new float[] { 1f, 1f, 1f, 1f, 1f, 1f, 1f, 1f }] : Fill(16, 5);
        float[] gradients = new float[16];
        void Both()
        {
            loss.ComputeWithGradient(predictions, targets, gradients);
            loss.Compute(predictions, targets);
        }

        AllocationAssert.None($"The {name} loss", Both, warmUps: 1, repetitions: 10);
    }
}
