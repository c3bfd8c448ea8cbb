using System;
using NetDsl;

namespace SeedNetwork;

/// <summary>What the seed example computes, so that tests can check every number it prints.</summary>
public sealed record SeedReport(
    float[] InitialParameters,
    float Prediction,
    float Loss,
    float[] ParameterGradients,
    float[] InputGradient,
    float[] UpdatedParameters,
    int StepsToConverge,
    float FinalLoss,
    float FinalPrediction);

/// <summary>
/// The seed document's program: Linear(3, 2) -> ReLU -> Linear(2, 1), MSELoss, SGD with lr = 0.1 on
/// x = [1, 2, 3], y = [1], from fixed initial parameters; one step shown in full, then training until the loss is below 1e-6.
/// </summary>
public static class SeedExample
{
    public const float LearningRate = 0.1f;
    public const float TargetLoss = 1e-6f;
    public const int MaxSteps = 10_000;

    public static readonly float[] Input = [1f, 2f, 3f];
    public static readonly float[] Target = [1f];

    /// <summary>The fixed initial parameters, in PyTorch's state_dict order: fc1.weight [2, 3], fc1.bias, fc2.weight [1, 2], fc2.bias.</summary>
    public static readonly float[] InitialParameters =
    [
        0.1f, 0.2f, 0.3f,
        -0.4f, 0.1f, -0.2f,
        0.1f, -0.1f,
        0.5f, -0.3f,
        0.1f,
    ];

    public static SeedReport Run()
    {
        var model = new SimpleNN(seed: 0);
        InitialParameters.CopyTo(model.Parameters);
        var optimizer = new Sgd(LearningRate);
        var loss = new MeanSquaredErrorLoss();
        Span<float> prediction = stackalloc float[SimpleNN.OutputSize];
        Span<float> lossGradient = stackalloc float[SimpleNN.OutputSize];
        float[] inputGradient = new float[SimpleNN.InputSize];

        // One step, every intermediate kept: forward, loss, backward, update.
        model.ZeroGradients();
        model.ForwardTraining(Input, prediction);
        float firstLoss = loss.ComputeWithGradient(prediction, Target, lossGradient);
        model.Backward(lossGradient, inputGradient);
        float firstPrediction = prediction[0];
        float[] gradients = model.Gradients.ToArray();
        optimizer.Step(model);
        float[] updated = model.Parameters.ToArray();

        // Keep going on the same sample until the loss is below the target.
        int steps = 1;
        float currentLoss;
        while (true)
        {
            model.ForwardTraining(Input, prediction);
            currentLoss = loss.ComputeWithGradient(prediction, Target, lossGradient);
            if (currentLoss < TargetLoss || steps == MaxSteps)
            {
                break;
            }

            model.ZeroGradients();
            model.Backward(lossGradient);
            optimizer.Step(model);
            steps++;
        }

        return new SeedReport((float[])InitialParameters.Clone(), firstPrediction, firstLoss, gradients, inputGradient, updated, steps, currentLoss, prediction[0]);
    }
}
