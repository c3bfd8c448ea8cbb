using System;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Emit;

/// <summary>An element-wise activation that is not fused into a preceding layer.</summary>
internal sealed class ActivationStageEmitter : IStageEmitter
{
    public static readonly ActivationStageEmitter Instance = new();

    public string[] EmitSampleForward(SourceWriter writer, NetworkPlan plan, Stage stage, Func<int, string> input, Func<int, Func<int, string>> outputsOfStage)
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

    public void EmitForward(SourceWriter writer, NetworkPlan plan, Stage stage, StageContext context)
    {
        writer.WriteLine(StageDescription.Of(plan, stage));
        if (!stage.IsUnrolled)
        {
            writer.WriteLine(ActivationCode.KernelForward(stage.Activation!, context.Input, context.Output));
            writer.WriteLine();
            return;
        }

        string width = Literals.Int(stage.OutputWidth);
        writer.OpenBlock("for (int n = 0; n < batch; n++)");
        writer.WriteLine(TypeNames.ReadOnlySpan + " x = " + AffineStageEmitter.SampleSlice(context.Input, stage.OutputWidth) + ";");
        writer.WriteLine(TypeNames.Span + " y = " + AffineStageEmitter.SampleSlice(context.Output, stage.OutputWidth) + ";");
        for (int i = 0; i < stage.OutputWidth; i++)
        {
            string index = "[" + Literals.Int(i) + "]";
            writer.WriteLine("y" + index + " = " + ActivationCode.Apply(stage.Activation, "x" + index) + ";");
        }

        writer.CloseBlock();
        writer.WriteLine();
    }

    public void EmitBackward(SourceWriter writer, NetworkPlan plan, Stage stage, StageContext context)
    {
        writer.WriteLine(StageDescription.Backward(plan, stage));
        if (!stage.IsUnrolled)
        {
            writer.WriteLine(context.Guarded(ActivationCode.KernelBackward(stage.Activation!, context.Input, context.Output, context.OutputGradient, context.InputGradient)));
            writer.WriteLine();
            return;
        }

        bool fromOutput = stage.Activation!.BackwardFromOutput;
        writer.OpenBlock(context.Guarded("for (int n = 0; n < batch; n++)"));
        writer.WriteLine(TypeNames.ReadOnlySpan + (fromOutput ? " y = " + AffineStageEmitter.SampleSlice(context.Output, stage.OutputWidth) : " x = " + AffineStageEmitter.SampleSlice(context.Input, stage.OutputWidth)) + ";");
        writer.WriteLine(TypeNames.ReadOnlySpan + " dy = " + AffineStageEmitter.SampleSlice(context.OutputGradient, stage.OutputWidth) + ";");
        writer.WriteLine(TypeNames.Span + " dx = " + AffineStageEmitter.SampleSlice(context.InputGradient, stage.OutputWidth) + ";");
        for (int i = 0; i < stage.OutputWidth; i++)
        {
            string index = "[" + Literals.Int(i) + "]";
            writer.WriteLine("dx" + index + " = " + ActivationCode.Backward(stage.Activation, "x" + index, "y" + index, "dy" + index) + ";");
        }

        writer.CloseBlock();
        writer.WriteLine();
    }
}
