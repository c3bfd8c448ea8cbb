using System;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Emit;

/// <summary>
/// The end of a residual block: output = block output + block input. Backward passes the gradient into the block
/// and saves a copy in the stage's auxiliary span; the network emitter adds that copy to the gradient of the block's
/// input once the backward pass has come back through the block.
/// </summary>
internal sealed class ResidualAddStageEmitter : IStageEmitter
{
    public static readonly ResidualAddStageEmitter Instance = new();

    public string[] EmitSampleForward(SourceWriter writer, NetworkPlan plan, Stage stage, Func<int, string> input, Func<int, Func<int, string>> outputsOfStage)
    {
        writer.WriteLine(StageDescription.Of(plan, stage));
        Func<int, string> source = outputsOfStage(stage.ResidualSource);
        var outputs = new string[stage.OutputWidth];
        for (int i = 0; i < outputs.Length; i++)
        {
            outputs[i] = "h" + Literals.Int(stage.Index) + "_" + Literals.Int(i);
            writer.WriteLine($"float {outputs[i]} = {input(i)} + {source(i)};");
        }

        writer.WriteLine();
        return outputs;
    }

    public void EmitForward(SourceWriter writer, NetworkPlan plan, Stage stage, StageContext context)
    {
        writer.WriteLine(StageDescription.Of(plan, stage));
        writer.WriteLine($"{TypeNames.TensorPrimitives}.Add({context.Input}, {SourceOf(context, stage)}, {context.Output});");
        writer.WriteLine();
    }

    public void EmitBackward(SourceWriter writer, NetworkPlan plan, Stage stage, StageContext context)
    {
        writer.WriteLine(StageDescription.Backward(plan, stage));
        writer.WriteLine($"{context.OutputGradient}.CopyTo({context.Auxiliary}); // saved for the block's input, added after the block's backward");
        writer.WriteLine(context.Guarded(context.OutputGradient + ".CopyTo(" + context.InputGradient + ");"));
        writer.WriteLine();
    }

    private static string SourceOf(StageContext context, Stage stage) => context.ActivationPrefix + Literals.Int(stage.ResidualSource);
}
