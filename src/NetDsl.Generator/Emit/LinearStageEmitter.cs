using System;
using System.Text;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Emit;

/// <summary>The code of a Linear layer with its fused activation: <c>y = act(x W^T + b)</c>.</summary>
internal sealed class LinearStageEmitter : IStageEmitter
{
    public static readonly LinearStageEmitter Instance = new();

    public string[] EmitSampleForward(SourceWriter writer, NetworkPlan plan, Stage stage, Func<int, string> input)
    {
        PlannedLayer layer = plan.Layers[stage.LayerIndex];
        string k = Literals.Int(stage.Index);
        writer.WriteLine(StageDescription.Of(plan, stage));
        writer.WriteLine(TypeNames.ReadOnlySpan + " w" + k + " = p.Slice(" + Literals.Int(layer.WeightOffset) + ", " + Literals.Int(layer.InFeatures * layer.OutFeatures) + ");");
        if (layer.BiasOffset >= 0)
        {
            writer.WriteLine(TypeNames.ReadOnlySpan + " b" + k + " = p.Slice(" + Literals.Int(layer.BiasOffset) + ", " + Literals.Int(layer.OutFeatures) + ");");
        }

        var outputs = new string[layer.OutFeatures];
        for (int o = 0; o < layer.OutFeatures; o++)
        {
            outputs[o] = "h" + k + "_" + Literals.Int(o);
            string sum = WeightedSum(layer, o, "w" + k, layer.BiasOffset >= 0 ? "b" + k : null, input);
            writer.WriteLine("float " + outputs[o] + " = " + ActivationCode.Apply(stage.Activation, sum) + ";");
        }

        writer.WriteLine();
        return outputs;
    }

    public void EmitBatchForward(SourceWriter writer, NetworkPlan plan, Stage stage, string source, string destination)
    {
        PlannedLayer layer = plan.Layers[stage.LayerIndex];
        string weight = "p.Slice(" + Literals.Int(layer.WeightOffset) + ", " + Literals.Int(layer.InFeatures * layer.OutFeatures) + ")";
        string bias = layer.BiasOffset >= 0 ? "p.Slice(" + Literals.Int(layer.BiasOffset) + ", " + Literals.Int(layer.OutFeatures) + ")" : "default";
        writer.WriteLine(StageDescription.Of(plan, stage));
        if (!stage.IsUnrolled)
        {
            writer.WriteLine(TypeNames.LinearKernels + ".Forward(" + source + ", " + weight + ", " + bias + ", " + destination + ", batch, " + Literals.Int(layer.InFeatures) + ", " + Literals.Int(layer.OutFeatures) + ");");
            if (stage.Activation != Activation.None)
            {
                writer.WriteLine(ActivationCode.KernelForward(stage.Activation, destination, destination));
            }

            writer.WriteLine();
            return;
        }

        writer.OpenBlock();
        writer.WriteLine(TypeNames.ReadOnlySpan + " w = " + weight + ";");
        if (layer.BiasOffset >= 0)
        {
            writer.WriteLine(TypeNames.ReadOnlySpan + " b = " + bias + ";");
        }

        writer.OpenBlock("for (int n = 0; n < batch; n++)");
        writer.WriteLine(TypeNames.ReadOnlySpan + " x = " + source + ".Slice(n * " + Literals.Int(layer.InFeatures) + ", " + Literals.Int(layer.InFeatures) + ");");
        writer.WriteLine(TypeNames.Span + " y = " + destination + ".Slice(n * " + Literals.Int(layer.OutFeatures) + ", " + Literals.Int(layer.OutFeatures) + ");");
        for (int o = 0; o < layer.OutFeatures; o++)
        {
            string sum = WeightedSum(layer, o, "w", layer.BiasOffset >= 0 ? "b" : null, j => "x[" + Literals.Int(j) + "]");
            writer.WriteLine("y[" + Literals.Int(o) + "] = " + ActivationCode.Apply(stage.Activation, sum) + ";");
        }

        writer.CloseBlock();
        writer.CloseBlock();
        writer.WriteLine();
    }

    public void EmitBatchBackward(SourceWriter writer, NetworkPlan plan, Stage stage, string input, string output, string outputGradient, string inputGradient, string? inputGradientCondition)
    {
        PlannedLayer layer = plan.Layers[stage.LayerIndex];
        int inFeatures = layer.InFeatures;
        int outFeatures = layer.OutFeatures;
        string weightRange = Literals.Int(layer.WeightOffset) + ", " + Literals.Int(inFeatures * outFeatures);
        string biasRange = Literals.Int(layer.BiasOffset) + ", " + Literals.Int(outFeatures);
        writer.WriteLine(StageDescription.Of(plan, stage).Replace("// Stage", "// Backward of stage"));
        if (!stage.IsUnrolled)
        {
            if (stage.Activation != Activation.None)
            {
                writer.WriteLine(ActivationCode.KernelBackward(stage.Activation, output, outputGradient, outputGradient));
            }

            string biasGradient = layer.BiasOffset >= 0 ? "g.Slice(" + biasRange + ")" : "default";
            string sizes = ", batch, " + Literals.Int(inFeatures) + ", " + Literals.Int(outFeatures) + ");";
            writer.WriteLine(TypeNames.LinearKernels + ".AccumulateParameterGradients(" + input + ", " + outputGradient + ", g.Slice(" + weightRange + "), " + biasGradient + sizes);
            string backwardInput = TypeNames.LinearKernels + ".BackwardInput(" + outputGradient + ", p.Slice(" + weightRange + "), " + inputGradient + sizes;
            writer.WriteLine(inputGradientCondition is null ? backwardInput : "if (" + inputGradientCondition + ") " + backwardInput);
            writer.WriteLine();
            return;
        }

        writer.OpenBlock();
        writer.WriteLine(TypeNames.ReadOnlySpan + " w = p.Slice(" + weightRange + ");");
        writer.WriteLine(TypeNames.Span + " gw = g.Slice(" + weightRange + ");");
        if (layer.BiasOffset >= 0)
        {
            writer.WriteLine(TypeNames.Span + " gb = g.Slice(" + biasRange + ");");
        }

        writer.OpenBlock("for (int n = 0; n < batch; n++)");
        writer.WriteLine(TypeNames.ReadOnlySpan + " x = " + input + ".Slice(n * " + Literals.Int(inFeatures) + ", " + Literals.Int(inFeatures) + ");");
        if (stage.Activation != Activation.None)
        {
            writer.WriteLine(TypeNames.ReadOnlySpan + " y = " + output + ".Slice(n * " + Literals.Int(outFeatures) + ", " + Literals.Int(outFeatures) + ");");
        }

        writer.WriteLine(TypeNames.ReadOnlySpan + " dy = " + outputGradient + ".Slice(n * " + Literals.Int(outFeatures) + ", " + Literals.Int(outFeatures) + ");");
        for (int o = 0; o < outFeatures; o++)
        {
            string index = "[" + Literals.Int(o) + "]";
            writer.WriteLine("float dz" + Literals.Int(o) + " = " + ActivationCode.Backward(stage.Activation, "y" + index, "dy" + index) + ";");
        }

        for (int o = 0; o < outFeatures; o++)
        {
            for (int j = 0; j < inFeatures; j++)
            {
                writer.WriteLine("gw[" + Literals.Int(o * inFeatures + j) + "] += dz" + Literals.Int(o) + " * x[" + Literals.Int(j) + "];");
            }
        }

        if (layer.BiasOffset >= 0)
        {
            for (int o = 0; o < outFeatures; o++)
            {
                writer.WriteLine("gb[" + Literals.Int(o) + "] += dz" + Literals.Int(o) + ";");
            }
        }

        if (inputGradientCondition is not null)
        {
            writer.OpenBlock("if (" + inputGradientCondition + ")");
        }

        writer.WriteLine(TypeNames.Span + " dx = " + inputGradient + ".Slice(n * " + Literals.Int(inFeatures) + ", " + Literals.Int(inFeatures) + ");");
        for (int j = 0; j < inFeatures; j++)
        {
            var sum = new StringBuilder();
            for (int o = 0; o < outFeatures; o++)
            {
                sum.Append(o == 0 ? string.Empty : " + ").Append("w[").Append(Literals.Int(o * inFeatures + j)).Append("] * dz").Append(Literals.Int(o));
            }

            writer.WriteLine("dx[" + Literals.Int(j) + "] = " + sum + ";");
        }

        if (inputGradientCondition is not null)
        {
            writer.CloseBlock();
        }

        writer.CloseBlock();
        writer.CloseBlock();
        writer.WriteLine();
    }

    /// <summary><c>b[o] + w[o*in + 0] * x0 + w[o*in + 1] * x1 + ...</c>, summed left to right.</summary>
    private static string WeightedSum(PlannedLayer layer, int o, string weight, string? bias, Func<int, string> input)
    {
        var sum = new StringBuilder();
        if (bias is not null)
        {
            sum.Append(bias).Append('[').Append(Literals.Int(o)).Append(']');
        }

        for (int j = 0; j < layer.InFeatures; j++)
        {
            if (sum.Length > 0)
            {
                sum.Append(" + ");
            }

            sum.Append(weight).Append('[').Append(Literals.Int(o * layer.InFeatures + j)).Append("] * ").Append(input(j));
        }

        return sum.ToString();
    }
}
