using System;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Emit;

/// <summary>
/// Writes the code of one kind of stage. The layer catalog: each stage kind has one emitter that knows its
/// forward and backward code, unrolled and kernel-based.
/// </summary>
internal interface IStageEmitter
{
    /// <summary>
    /// Writes one sample's forward pass into locals, for fully unrolled networks; <paramref name="input"/> gives the
    /// expression of input element j. Returns the names of the locals holding the outputs.
    /// </summary>
    string[] EmitSampleForward(SourceWriter writer, NetworkPlan plan, Stage stage, Func<int, string> input);

    /// <summary>Writes the forward pass over <c>batch</c> samples from span <paramref name="source"/> into span <paramref name="destination"/>.</summary>
    void EmitBatchForward(SourceWriter writer, NetworkPlan plan, Stage stage, string source, string destination);

    /// <summary>
    /// Writes the backward pass over <c>batch</c> samples: parameter gradients are added to <c>g</c>, and the gradient
    /// with respect to the stage's input is written to <paramref name="inputGradient"/> (only when
    /// <paramref name="inputGradientCondition"/>, if given, is true). <paramref name="outputGradient"/> is scratch the
    /// stage may overwrite.
    /// </summary>
    void EmitBatchBackward(SourceWriter writer, NetworkPlan plan, Stage stage, string input, string output, string outputGradient, string inputGradient, string? inputGradientCondition);
}
