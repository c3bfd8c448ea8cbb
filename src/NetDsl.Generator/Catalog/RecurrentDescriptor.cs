using System.Collections.Generic;
using NetDsl.Generator.Emit;
using NetDsl.Generator.Model;
using NetDsl.Generator.Shapes.Rules;

namespace NetDsl.Generator.Catalog;

/// <summary>
/// <c>[RNN(h)]</c>, <c>[LSTM(h)]</c>, <c>[GRU(h)]</c>: PyTorch's recurrent layers on a sequence <c>[T, F]</c>; always kernel
/// calls, which keep every step's states in the auxiliary workspace for backpropagation through time.
/// </summary>
internal sealed class RecurrentDescriptor : LayerDescriptor
{
    public RecurrentDescriptor(LayerKind kind)
        : base(kind)
    {
    }

    public override bool AcceptsArgumentCount(int count) => count == 1;

    public override LayerResult? Infer(LayerContext context) => RecurrentRule.Infer(context);

    public override bool HasParameters => true;

    public override StageKind? Stage => StageKind.Recurrent;

    public override bool OutputIsSequence(LayerResult result, bool inputIsSequence) => result.HyperParameters is RecurrentParameters { ReturnSequences: true };

    /// <summary>The runtime's <c>RecurrentGeometry.WorkspaceSize</c>: per block every step's states, gates and (LSTM) <c>tanh(c)</c>, then the inner layers' sequences.</summary>
    public override int AuxiliaryWidth(PlannedLayer layer)
    {
        RecurrentParameters p = layer.HyperParametersAs<RecurrentParameters>();
        int steps = layer.InputShape.Dimensions[0];
        int gates = RecurrentRule.Gates(Kind);
        // h and (gated cells) the second state, the gates and (LSTM) tanh(c), every step.
        int states = Kind == LayerKind.LSTM ? 3 : gates > 1 ? 2 : 1;
        long block = (long)steps * ((states * p.Hidden) + (gates > 1 ? gates * p.Hidden : 0));
        long total = (p.Layers * p.Directions * block) + ((p.Layers - 1L) * steps * p.Directions * p.Hidden);
        return total > int.MaxValue ? int.MaxValue : (int)total;
    }

    public override string SummaryText(PlannedLayer layer)
    {
        RecurrentParameters p = layer.HyperParametersAs<RecurrentParameters>();
        var options = new List<string>();
        if (p.ReLU)
        {
            options.Add("relu");
        }

        if (p.Layers > 1)
        {
            options.Add("layers: " + Literals.Int(p.Layers));
        }

        if (p.Bidirectional)
        {
            options.Add("bidirectional");
        }

        if (!p.ReturnSequences)
        {
            options.Add("last state");
        }

        if (!p.Bias)
        {
            options.Add("bias: false");
        }

        string extra = options.Count == 0 ? string.Empty : ", " + string.Join(", ", options);
        return AttributeName + "(" + Literals.Int(layer.InputShape.Dimensions[1]) + ", " + Literals.Int(p.Hidden) + extra + ")";
    }
}
