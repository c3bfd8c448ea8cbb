using System;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Emit;

/// <summary>
/// Writes the code of one kind of stage. The layer catalog: each stage kind has one emitter that knows its forward and
/// backward code, unrolled and kernel-based.
/// </summary>
internal interface IStageEmitter
{
    /// <summary>
    /// Writes one sample's inference into locals (only for unrolled stages of fully unrolled networks).
    /// <paramref name="input"/> gives the expression of input element j; <paramref name="outputsOfStage"/> those of an
    /// earlier stage's outputs (stage 0 is the input). Returns the expressions of the outputs.
    /// </summary>
    string[] EmitSampleForward(SourceWriter writer, NetworkPlan plan, Stage stage, Func<int, string> input, Func<int, Func<int, string>> outputsOfStage);

    /// <summary>Writes the forward pass over <c>batch</c> samples.</summary>
    void EmitForward(SourceWriter writer, NetworkPlan plan, Stage stage, StageContext context);

    /// <summary>
    /// Writes the backward pass over <c>batch</c> samples: parameter gradients are added to <c>g</c>, the input gradient
    /// written to <see cref="StageContext.InputGradient"/> (when wanted).
    /// </summary>
    void EmitBackward(SourceWriter writer, NetworkPlan plan, Stage stage, StageContext context);
}
