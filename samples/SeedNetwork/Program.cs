using System;
using System.Globalization;
using System.Linq;
using SeedNetwork;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
SeedReport report = SeedExample.Run();

Console.WriteLine("NetDsl seed example: Linear(3, 2) -> ReLU -> Linear(2, 1), MSELoss, SGD(lr = 0.1)");
Console.WriteLine();
Console.WriteLine(SimpleNN.Summary);
Console.WriteLine();
Console.WriteLine("Initial parameters (PyTorch state_dict order and layouts)");
PrintParameters(report.InitialParameters);
Console.WriteLine();
Console.WriteLine($"Forward   x = {Format(SeedExample.Input)}  ->  prediction = {report.Prediction:R}   (target {Format(SeedExample.Target)})");
Console.WriteLine($"Loss      MSE = {report.Loss:R}");
Console.WriteLine();
Console.WriteLine("Gradients after backward");
PrintParameters(report.ParameterGradients, ".grad");
Console.WriteLine($"  {"x.grad",-16}{Format(report.InputGradient)}");
Console.WriteLine();
Console.WriteLine($"Parameters after one SGD step (p -= {SeedExample.LearningRate} * grad)");
PrintParameters(report.UpdatedParameters);
Console.WriteLine();
Console.WriteLine(report.FinalLoss < SeedExample.TargetLoss
    ? $"Training on the same sample: loss {report.FinalLoss:R} < {SeedExample.TargetLoss:R} after {report.StepsToConverge} SGD steps (prediction {report.FinalPrediction:R})."
    : $"Training on the same sample did not reach loss {SeedExample.TargetLoss:R} in {report.StepsToConverge} steps (loss {report.FinalLoss:R}).");
return report.FinalLoss < SeedExample.TargetLoss ? 0 : 1;

static void PrintParameters(float[] flat, string suffix = "")
{
    // The same tensors the model's typed views expose (model.Fc1.Weight, ...), printed from a snapshot of the flat array.
    var model = new SimpleNN(seed: 0);
    flat.CopyTo(model.Parameters);
    foreach (var tensor in new[] { model.Fc1.Weight, model.Fc1.Bias, model.Fc2.Weight, model.Fc2.Bias })
    {
        string rows = tensor.IsVector
            ? Format(tensor.ToArray())
            : "[" + string.Join(", ", Enumerable.Range(0, tensor.Rows).Select(r => Format(tensor.ToArray().Skip(r * tensor.Columns).Take(tensor.Columns).ToArray()))) + "]";
        Console.WriteLine($"  {tensor.Name + suffix,-16}{rows}");
    }
}

static string Format(float[] values) => "[" + string.Join(", ", values.Select(v => v.ToString("0.0######", CultureInfo.InvariantCulture))) + "]";
