using System;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Emit;

/// <summary>The code of an activation that could not be fused into a preceding layer.</summary>
internal sealed class ActivationStageEmitter : IStageEmitter
{
    public static readonly ActivationStageEmitter Instance = new();

    public string[] EmitSampleForward(SourceWriter writer, NetworkPlan plan, Stage stage, Func<int, string> input)
    {
        writer.WriteLine(StageDescription.Of(plan, stage));
        var outputs = new string[stage.OutputWidth];
        for (int i = 0; i < outputs.Length; i++)
        {
            outputs[i] = "h" + Literals.Int(stage.Index) + "_" + Literals.Int(i);
            writer.WriteLine("float " + outputs[i] + " = " + ActivationCode.Apply(stage.Activation, input(i)) + ";");
        }

        writer.WriteLine();
        return outputs;
    }

    public void EmitBatchForward(SourceWriter writer, NetworkPlan plan, Stage stage, string source, string destination)
    {
        writer.WriteLine(StageDescription.Of(plan, stage));
        if (!stage.IsUnrolled)
        {
            writer.WriteLine(ActivationCode.KernelForward(stage.Activation, source, destination));
            writer.WriteLine();
            return;
        }

        string width = Literals.Int(stage.OutputWidth);
        writer.OpenBlock("for (int n = 0; n < batch; n++)");
        writer.WriteLine(TypeNames.ReadOnlySpan + " x = " + source + ".Slice(n * " + width + ", " + width + ");");
        writer.WriteLine(TypeNames.Span + " y = " + destination + ".Slice(n * " + width + ", " + width + ");");
        for (int i = 0; i < stage.OutputWidth; i++)
        {
            string index = "[" + Literals.Int(i) + "]";
            writer.WriteLine("y" + index + " = " + ActivationCode.Apply(stage.Activation, "x" + index) + ";");
        }

        writer.CloseBlock();
        writer.WriteLine();
    }

    public void EmitBatchBackward(SourceWriter writer, NetworkPlan plan, Stage stage, string input, string output, string outputGradient, string inputGradient, string? inputGradientCondition)
    {
        writer.WriteLine(StageDescription.Of(plan, stage).Replace("// Stage", "// Backward of stage"));
        string guard = inputGradientCondition is null ? string.Empty : "if (" + inputGradientCondition + ") ";
        if (!stage.IsUnrolled)
        {
            writer.WriteLine(guard + ActivationCode.KernelBackward(stage.Activation, output, outputGradient, inputGradient));
            writer.WriteLine();
            return;
        }

        string width = Literals.Int(stage.OutputWidth);
        writer.OpenBlock(guard + "for (int n = 0; n < batch; n++)");
        writer.WriteLine(TypeNames.ReadOnlySpan + " y = " + output + ".Slice(n * " + width + ", " + width + ");");
        writer.WriteLine(TypeNames.ReadOnlySpan + " dy = " + outputGradient + ".Slice(n * " + width + ", " + width + ");");
        writer.WriteLine(TypeNames.Span + " dx = " + inputGradient + ".Slice(n * " + width + ", " + width + ");");
        for (int i = 0; i < stage.OutputWidth; i++)
        {
            string index = "[" + Literals.Int(i) + "]";
            writer.WriteLine("dx" + index + " = " + ActivationCode.Backward(stage.Activation, "y" + index, "dy" + index) + ";");
        }

        writer.CloseBlock();
        writer.WriteLine();
    }
}
