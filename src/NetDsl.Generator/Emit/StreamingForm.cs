using System.Collections.Generic;
using System.Linq;
using NetDsl.Generator.Catalog;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Emit;

/// <summary>
/// How a sequence network advances by one step (<see cref="Of"/> returns null for one that cannot). A network streams when
/// its layers, from the first, are causal and step by step: an optional <c>Embedding</c> first, then unidirectional
/// recurrent layers (any number, each with its own <c>Layers</c>), per-step <c>Linear</c> layers, element-wise
/// activations, dropout and per-step <c>LayerNorm</c>, with at least one recurrent layer. That run either reaches the end
/// of the network (every step has an output: <see cref="ReturnsEveryStep"/>) or ends at a recurrent layer returning its
/// final state or at a <c>LastStep</c>, after which any layers form the head, computed on the one state. Everything that
/// reads the whole sequence has no streaming form: bidirectional layers, attention, reductions over time other than the
/// last step, positional encodings (they depend on the step's position), a Flatten or Reshape of the steps, residual
/// blocks, and PReLU and batch normalization (on a sequence their channels are the steps).
/// </summary>
/// <param name="Steps">T, the steps of the declared sequence (the stream may run longer).</param>
/// <param name="StepStages">The stages that run once per step, in order: each recurrent layer's step and the per-step layers.</param>
/// <param name="HeadStages">The stages after the final state (empty when <see cref="ReturnsEveryStep"/>).</param>
/// <param name="StepPlan">
/// The plan with every layer of <see cref="StepStages"/> on one step (<c>[1, F]</c> for <c>[T, F]</c>), so that the
/// stage emitters write a step's code as they write a one-step sequence's.
/// </param>
/// <param name="ReturnsEveryStep">Whether the network's output is a sequence, of which a step returns its own row.</param>
internal sealed record StreamingForm(int Steps, EquatableArray<Stage> StepStages, EquatableArray<Stage> HeadStages, NetworkPlan StepPlan, bool ReturnsEveryStep)
{
    /// <summary>The floats a step returns: one row of the output sequence, or the whole output.</summary>
    public int StepOutputSize => ReturnsEveryStep ? StepPlan.Stages[StepPlan.Stages.Count - 1].OutputWidth : StepPlan.OutputSize;

    /// <summary>The shape of what a step returns.</summary>
    public Shape StepOutputShape => ReturnsEveryStep ? new Shape(StepPlan.OutputShape.Dimensions.Skip(1)) : StepPlan.OutputShape;

    /// <summary>The recurrent stages, whose states a stream carries.</summary>
    public IEnumerable<Stage> RecurrentStages => StepStages.Where(s => s.Kind == StageKind.Recurrent);

    /// <summary>The streaming form of <paramref name="plan"/>, or null when it has none.</summary>
    public static StreamingForm? Of(NetworkPlan plan)
    {
        if (plan.Stages.Count == 0 || plan.InputShape.Rank is not (1 or 2))
        {
            return null;
        }

        int steps = plan.InputShape.Dimensions[0];
        int end = -1; // the layer whose output is the final state, if any
        bool recurrent = false;
        for (int i = 0; i < plan.Layers.Count && end < 0; i++)
        {
            PlannedLayer layer = plan.Layers[i];
            switch (StepwiseRole(layer, i, steps))
            {
                case Role.Recurrent:
                    recurrent = true;
                    break;
                case Role.FinalState:
                    recurrent |= layer.HyperParameters is RecurrentParameters;
                    end = i;
                    break;
                case Role.PerStep:
                    break;
                default:
                    return null;
            }
        }

        if (!recurrent || (end < 0 && !IsSequence(plan.OutputShape, steps)))
        {
            return null;
        }

        int lastStepLayer = end < 0 ? plan.Layers.Count - 1 : end;
        Stage[] stepStages = plan.Stages.Where(s => s.LayerIndex <= lastStepLayer).ToArray();
        Stage[] headStages = plan.Stages.Where(s => s.LayerIndex > lastStepLayer).ToArray();
        NetworkPlan stepPlan = plan with
        {
            Layers = plan.Layers.Select((layer, i) => i <= lastStepLayer ? OneStep(layer, steps) : layer).ToEquatableArray(),
            Stages = plan.Stages.Select(s => s.LayerIndex <= lastStepLayer ? OneStep(s, plan.Layers[s.LayerIndex], steps) : s).ToEquatableArray(),
        };
        return new StreamingForm(steps, stepStages.ToEquatableArray(), headStages.ToEquatableArray(), stepPlan, end < 0);
    }

    private enum Role
    {
        None,
        PerStep,
        Recurrent,
        FinalState,
    }

    private static Role StepwiseRole(PlannedLayer layer, int index, int steps)
    {
        if (layer.HyperParameters is RecurrentParameters recurrent)
        {
            return recurrent.Bidirectional || !IsSequence(layer.InputShape, steps) ? Role.None
                : recurrent.ReturnSequences ? Role.Recurrent : Role.FinalState;
        }

        if (!IsSequence(layer.OutputShape, steps) && layer.Kind != LayerKind.LastStep)
        {
            return Role.None;
        }

        return layer.Kind switch
        {
            LayerKind.Embedding => index == 0 ? Role.PerStep : Role.None,
            LayerKind.LastStep => IsSequence(layer.InputShape, steps) ? Role.FinalState : Role.None,
            LayerKind.Linear => LinearDescriptor.IsPerStep(layer) ? Role.PerStep : Role.None,
            LayerKind.Dropout => Role.PerStep,
            LayerKind.LayerNorm => layer.HyperParametersAs<LayerNormParameters>().PerStep ? Role.PerStep : Role.None,
            _ => LayerCatalog.For(layer.Kind).Stage == StageKind.Activation ? Role.PerStep : Role.None,
        };
    }

    /// <summary>Whether <paramref name="shape"/> is a sequence of the input's steps, <c>[T, F]</c>.</summary>
    private static bool IsSequence(Shape shape, int steps) => shape.Rank == 2 && shape.Dimensions[0] == steps;

    /// <summary>The layer on one step: <c>[T, F]</c> as <c>[1, F]</c>, an embedding's <c>[T]</c> as <c>[1]</c>, a final state as it is.</summary>
    private static PlannedLayer OneStep(PlannedLayer layer, int steps) => layer with
    {
        InputShape = layer.Kind == LayerKind.Embedding ? new Shape(new[] { 1 }) : OneStep(layer.InputShape, steps),
        OutputShape = OneStep(layer.OutputShape, steps),
    };

    private static Shape OneStep(Shape shape, int steps) => IsSequence(shape, steps) ? new Shape(new[] { 1, shape.Dimensions[1] }) : shape;

    private static Stage OneStep(Stage stage, PlannedLayer layer, int steps)
    {
        PlannedLayer step = OneStep(layer, steps);
        return stage with { InputWidth = step.InputShape.ElementCount, OutputWidth = step.OutputShape.ElementCount };
    }
}
