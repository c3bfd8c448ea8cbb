using System;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Emit;

/// <summary>Dropout: a seeded mask during training (kept in the stage's auxiliary span for backward), the identity in inference.</summary>
internal sealed class DropoutStageEmitter : IStageEmitter
{
    public static readonly DropoutStageEmitter Instance = new();

    public string[] EmitSampleForward(SourceWriter writer, NetworkPlan plan, Stage stage, Func<int, string> input, Func<int, Func<int, string>> outputsOfStage)
    {
        writer.WriteLine(StageDescription.Of(plan, stage).Replace(". Unrolled.", ". Inference: the identity."));
        writer.WriteLine();
        var outputs = new string[stage.OutputWidth];
        for (int i = 0; i < outputs.Length; i++)
        {
            outputs[i] = input(i);
        }

        return outputs;
    }

    public void EmitForward(SourceWriter writer, NetworkPlan plan, Stage stage, StageContext context)
    {
        PlannedLayer layer = plan.Layers[stage.LayerIndex];
        writer.WriteLine(StageDescription.Of(plan, stage) + context.LayoutNote);
        writer.WriteLine(context.Training
            ? TypeNames.DropoutKernels + ".Forward(" + context.Input + ", " + context.Output + ", " + context.Auxiliary + ", " + Literals.Float(layer.HyperParametersAs<DropoutParameters>().P) + ", _dropoutRandom);"
            : context.Input + ".CopyTo(" + context.Output + ");");
        writer.WriteLine();
    }

    public void EmitBackward(SourceWriter writer, NetworkPlan plan, Stage stage, StageContext context)
    {
        writer.WriteLine(StageDescription.Backward(plan, stage));
        writer.WriteLine(context.Guarded(TypeNames.DropoutKernels + ".Backward(" + context.OutputGradient + ", " + context.Auxiliary + ", " + context.InputGradient + ");"));
        writer.WriteLine();
    }
}
