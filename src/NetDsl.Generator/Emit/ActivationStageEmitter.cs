using System;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Emit;

/// <summary>
/// An element-wise activation that is not fused into a preceding layer. Single-sample code unrolls it into scalar calls
/// when it is within the unroll limit; batched code calls its span kernel once for the whole batch, except for the
/// activations whose forward kernel rounds differently from the scalar function (there batched code of an unrolled stage
/// loops over the scalar calls too, so that <c>Forward</c> and <c>ForwardBatch</c> agree bit for bit).
/// </summary>
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
            writer.WriteLine($"float {outputs[i]} = {ActivationCode.Apply(stage.Activation, input(i))};");
        }

        writer.WriteLine();
        return outputs;
    }

    public void EmitForward(SourceWriter writer, NetworkPlan plan, Stage stage, StageContext context)
    {
        bool callsKernel = !stage.IsUnrolled || stage.Activation!.KernelMatchesScalar;
        writer.WriteLine(StageDescription.Of(plan, stage, callsKernel) + context.LayoutNote);
        if (callsKernel)
        {
            writer.WriteLine(ActivationCode.KernelForward(stage.Activation!, context.Input, context.Output));
            writer.WriteLine();
            return;
        }

        string width = Literals.Int(stage.OutputWidth);
        writer.OpenBlock("for (int n = 0; n < batch; n++)");
        writer.WriteLine($"{TypeNames.ReadOnlySpan} x = {AffineStageEmitter.SampleSlice(context.Input, stage.OutputWidth)};");
        writer.WriteLine($"{TypeNames.Span} y = {AffineStageEmitter.SampleSlice(context.Output, stage.OutputWidth)};");
        for (int i = 0; i < stage.OutputWidth; i++)
        {
            string index = "[" + Literals.Int(i) + "]";
            writer.WriteLine($"y{index} = {ActivationCode.Apply(stage.Activation, "x" + index)};");
        }

        writer.CloseBlock();
        writer.WriteLine();
    }

    public void EmitBackward(SourceWriter writer, NetworkPlan plan, Stage stage, StageContext context)
    {
        writer.WriteLine(StageDescription.Backward(plan, stage, callsKernels: true));
        writer.WriteLine(context.Guarded(ActivationCode.KernelBackward(stage.Activation!, context.Input, context.Output, context.OutputGradient, context.InputGradient)));
        writer.WriteLine();
    }
}
