using NetDsl.Generator.Diagnostics;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Shapes.Rules;

/// <summary>
/// RNN, LSTM and GRU on a sequence <c>[T, F]</c>: to <c>[T, D*H]</c> (every step) or <c>[D*H]</c> (the final state); per
/// stacked layer and direction, <c>weight_ih</c> <c>[G*H, input]</c>, <c>weight_hh</c> <c>[G*H, H]</c> and the two biases
/// <c>[G*H]</c>, in PyTorch's <c>state_dict()</c> order, all uniform in <c>±1/sqrt(H)</c>.
/// </summary>
internal static class RecurrentRule
{
    public static LayerResult? Infer(LayerContext context)
    {
        LayerSpec layer = context.Layer;
        Shape input = context.Input;
        int hidden = (int)layer.Arguments[0];
        int layers = layer.IntOption("Layers", 1);
        int nonlinearity = layer.IntOption("Nonlinearity", 0);
        bool valid = true;
        if (hidden <= 0)
        {
            context.Report(DiagnosticDescriptors.NonPositiveSize, "Layer " + context.Label + " (" + context.Kind + ")", "hidden size", hidden);
            valid = false;
        }

        if (layers < 1)
        {
            context.ReportInvalid("Layers", layers, "a recurrent layer needs at least 1 stacked layer");
            valid = false;
        }

        if (layer.Kind == LayerKind.RNN && nonlinearity is not (0 or 1))
        {
            context.ReportInvalid("Nonlinearity", nonlinearity, "it must be RnnNonlinearity.Tanh or RnnNonlinearity.ReLU");
            valid = false;
        }

        if (input.Rank != 2)
        {
            ReportNotASequence(context);
            valid = false;
        }

        if (!valid)
        {
            return null;
        }

        // The largest size the layer makes: its weight_ih rows times their length, or its output sequence.
        long widest = System.Math.Max((long)Gates(layer.Kind) * hidden * System.Math.Max(input.Dimensions[1], 2L * hidden), 2L * hidden * input.Dimensions[0]);
        if (widest > int.MaxValue)
        {
            context.Report(DiagnosticDescriptors.NetworkTooLarge, context.Network, widest.ToString(System.Globalization.CultureInfo.InvariantCulture), "floats in one tensor of layer " + context.Label + " (" + context.Kind + ")");
            return null;
        }

        int steps = input.Dimensions[0];
        var parameters = new RecurrentParameters(
            hidden,
            layers,
            Bidirectional: layer.Option("Bidirectional", 0) != 0,
            ReturnSequences: layer.Option("ReturnSequences", 1) != 0,
            Bias: layer.Option("Bias", 1) != 0,
            ReLU: layer.Kind == LayerKind.RNN && nonlinearity == 1);
        int gateWidth = Gates(layer.Kind) * hidden;
        int sequenceWidth = parameters.Directions * hidden;
        var result = new LayerResult(parameters.ReturnSequences ? new Shape(new[] { steps, sequenceWidth }) : Shape.Vector(sequenceWidth))
        {
            HyperParameters = parameters,
        };
        for (int k = 0; k < layers; k++)
        {
            int inputSize = k == 0 ? input.Dimensions[1] : sequenceWidth;
            for (int direction = 0; direction < parameters.Directions; direction++)
            {
                string suffix = "_l" + k + (direction == 1 ? "_reverse" : string.Empty);
                result.Parameters.Add(Tensors.Default("weight_ih" + suffix, new Shape(new[] { gateWidth, inputSize }), hidden));
                result.Parameters.Add(Tensors.Default("weight_hh" + suffix, new Shape(new[] { gateWidth, hidden }), hidden));
                if (parameters.Bias)
                {
                    result.Parameters.Add(Tensors.Default("bias_ih" + suffix, Shape.Vector(gateWidth), hidden));
                    result.Parameters.Add(Tensors.Default("bias_hh" + suffix, Shape.Vector(gateWidth), hidden));
                }
            }
        }

        return result;
    }

    /// <summary>G: the gate blocks stacked in each weight (LSTM's i, f, g, o; GRU's r, z, n).</summary>
    public static int Gates(LayerKind kind) => kind switch
    {
        LayerKind.LSTM => 4,
        LayerKind.GRU => 3,
        _ => 1,
    };

    /// <summary>
    /// NDSL0023 for a recurrent layer that does not receive <c>[T, F]</c>; when a <c>[Flatten]</c> right before it turned a
    /// sequence into a vector, the message says so and the code fix removes that Flatten.
    /// </summary>
    private static void ReportNotASequence(LayerContext context)
    {
        const string requirement = "a sequence [steps, features]: T steps of F features each (declare [Input(T, F)], and put no Flatten or Linear before it)";
        if (context.Before is { Previous: { Layer.Kind: LayerKind.Flatten } flatten, PreviousInput: { Rank: 2 } sequence })
        {
            context.Report(context.Diagnostic(DiagnosticDescriptors.WrongInputRank, context.Label, context.Kind, context.Input,
                    requirement + "; layer " + LayerNames.Label(flatten.Layer, flatten.Position) + " (Flatten) before it turns the sequence " + sequence + " into a vector: remove it")
                .WithProperty(DiagnosticPropertyNames.SequenceFix, SequenceFixes.RemoveFlatten)
                .WithRelatedAttribute(flatten.Layer.AttributeIndex));
            return;
        }

        context.Report(DiagnosticDescriptors.WrongInputRank, context.Label, context.Kind, context.Input, requirement);
    }
}
