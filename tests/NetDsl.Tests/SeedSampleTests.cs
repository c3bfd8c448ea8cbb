using System;
using NetDsl.Tests.Reference;
using SeedNetwork;
using Xunit;

namespace NetDsl.Tests;

/// <summary>
/// Every number the seed sample prints, checked against the double-precision reference and against the values
/// derived by hand (PyTorch computes the same: see samples/SeedNetwork/seed_pytorch.py).
/// </summary>
public sealed class SeedSampleTests
{
    private static readonly ReferenceNetwork Reference = new(3, ReferenceLayer.Linear(3, 2), ReferenceLayer.ReLU, ReferenceLayer.Linear(2, 1));

    [Fact]
    public void OneStepMatchesTheReferenceAndTheHandDerivedValues()
    {
        SeedReport report = SeedExample.Run();
        double[] parameters = ReferenceNetwork.ToDouble(SeedExample.InitialParameters);
        double[] input = ReferenceNetwork.ToDouble(SeedExample.Input);
        double[] target = ReferenceNetwork.ToDouble(SeedExample.Target);

        double[] prediction = Reference.Forward(parameters, input, 1);
        double loss = ReferenceNetwork.MseLoss(prediction, target);
        ReferenceGradients gradients = Reference.Backward(parameters, input, 1, ReferenceNetwork.MseGradient(prediction, target));
        double[] updated = ReferenceNetwork.SgdStep(parameters, gradients.Parameters, SeedExample.LearningRate);

        Tolerance.AssertClose(prediction, [report.Prediction], "prediction", floor: 1);
        Tolerance.AssertClose([loss], [report.Loss], "loss", floor: 1);
        Tolerance.AssertClose(gradients.Parameters, report.ParameterGradients, "parameter gradients", floor: 1);
        Tolerance.AssertClose(gradients.Inputs, report.InputGradient, "input gradient", floor: 1);
        Tolerance.AssertClose(updated, report.UpdatedParameters, "updated parameters", floor: 1);

        // By hand: h = relu([1.5, -0.9]) = [1.5, 0]; y = 0.5 * 1.5 + 0.1 = 0.85; loss = 0.15^2; dL/dy = -0.3.
        Assert.Equal(0.85, report.Prediction, 1e-6);
        Assert.Equal(0.0225, report.Loss, 1e-6);
        double[] expectedGradients = [-0.15, -0.3, -0.45, 0, 0, 0, -0.15, 0, -0.45, 0, -0.3];
        for (int i = 0; i < expectedGradients.Length; i++)
        {
            Assert.Equal(expectedGradients[i], report.ParameterGradients[i], 1e-6);
        }

        Assert.Equal([-0.015, -0.03, -0.045], Array.ConvertAll(report.InputGradient, v => Math.Round(v, 6)));
    }

    [Fact]
    public void TrainingReachesTheTargetLossInTheSameNumberOfStepsAsTheReference()
    {
        SeedReport report = SeedExample.Run();
        double[] parameters = ReferenceNetwork.ToDouble(SeedExample.InitialParameters);
        double[] input = ReferenceNetwork.ToDouble(SeedExample.Input);
        double[] target = ReferenceNetwork.ToDouble(SeedExample.Target);
        int steps = 0;
        while (true)
        {
            double[] prediction = Reference.Forward(parameters, input, 1);
            if (ReferenceNetwork.MseLoss(prediction, target) < SeedExample.TargetLoss || steps == SeedExample.MaxSteps)
            {
                break;
            }

            ReferenceGradients gradients = Reference.Backward(parameters, input, 1, ReferenceNetwork.MseGradient(prediction, target));
            parameters = ReferenceNetwork.SgdStep(parameters, gradients.Parameters, SeedExample.LearningRate);
            steps++;
        }

        Assert.True(report.FinalLoss < SeedExample.TargetLoss, $"final loss {report.FinalLoss}");
        Assert.Equal(steps, report.StepsToConverge);
    }
}
