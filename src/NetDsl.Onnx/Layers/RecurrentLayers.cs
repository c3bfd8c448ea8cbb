using System;
using System.Collections.Generic;
using NetDsl.Onnx.Export;
using NetDsl.Onnx.Model;

namespace NetDsl.Onnx.Layers;

/// <summary>
/// <c>RNN</c>, <c>LSTM</c> and <c>GRU</c> as ONNX's operators of the same names, one per stacked layer (both directions in
/// one node). ONNX orders the gate blocks differently from PyTorch (LSTM: i, o, f, c instead of i, f, g, o; GRU: z, r, h
/// instead of r, z, n), so each weight and bias is reordered by a <c>Gather</c> of its rows, from the initializers under
/// PyTorch's names; ONNX Runtime folds these at session creation. GRU uses <c>linear_before_reset = 1</c>, PyTorch's
/// <c>b_hn</c> inside the reset product. The operators take <c>[T, N, F]</c> and give <c>Y [T, D, N, H]</c>: transposes
/// convert from and to NetDsl's <c>[N, T, F]</c>; the final states (<c>ReturnSequences = false</c>) are read from <c>Y</c>.
/// </summary>
internal static class RecurrentLayers
{
    public static string Recurrent(LayerContext context)
    {
        LayerInfo layer = context.Layer;
        int hidden = checked((int)context.IntOption("Hidden"));
        int layers = checked((int)context.IntOption("Layers"));
        bool bidirectional = context.IntOption("Bidirectional") != 0;
        bool returnSequences = context.IntOption("ReturnSequences") != 0;
        bool bias = context.IntOption("Bias") != 0;
        int directions = bidirectional ? 2 : 1;
        int steps = layer.InputShape[0];
        int[] gateOrder = layer.Kind switch
        {
            "LSTM" => [0, 3, 1, 2],
            "GRU" => [1, 0, 2],
            _ => [0],
        };
        int perDirection = bias ? 4 : 2;
        context.ExpectTensors(layers * directions * perDirection, layers * directions * perDirection, 0);

        string rows = context.Builder.AddInitializer(OnnxTensor.Int64s("/" + layer.Name + "/gate_rows", [gateOrder.Length * hidden], GateRows(gateOrder, hidden)));
        string firstAxis = context.Builder.AddInitializer(OnnxTensor.Int64s("/" + layer.Name + "/axis0", [1], [0]));
        string sequence = context.Node("Transpose", [context.Input], OnnxAttribute.Ints("perm", 1, 0, 2));
        string states = sequence;
        int tensor = 0;
        for (int k = 0; k < layers; k++)
        {
            var weights = new List<string>();
            var recurrences = new List<string>();
            var biases = new List<string>();
            for (int direction = 0; direction < directions; direction++)
            {
                weights.Add(Reordered(context, context.Parameter(tensor++), rows, firstAxis));
                recurrences.Add(Reordered(context, context.Parameter(tensor++), rows, firstAxis));
                if (bias)
                {
                    string inputBias = context.Node("Gather", [context.Parameter(tensor++), rows], OnnxAttribute.Int("axis", 0));
                    string hiddenBias = context.Node("Gather", [context.Parameter(tensor++), rows], OnnxAttribute.Int("axis", 0));
                    string both = context.Node("Concat", [inputBias, hiddenBias], OnnxAttribute.Int("axis", 0));
                    biases.Add(context.Node("Unsqueeze", [both, firstAxis]));
                }
            }

            var inputs = new List<string> { sequence, Stack(context, weights), Stack(context, recurrences) };
            if (bias)
            {
                inputs.Add(Stack(context, biases));
            }

            var attributes = new List<OnnxAttribute>
            {
                OnnxAttribute.Int("hidden_size", hidden),
                OnnxAttribute.String("direction", bidirectional ? "bidirectional" : "forward"),
            };
            if (layer.Kind == "GRU")
            {
                attributes.Add(OnnxAttribute.Int("linear_before_reset", 1));
            }
            else if (layer.Kind == "RNN")
            {
                string activation = context.IntOption("ReLU") != 0 ? "Relu" : "Tanh";
                attributes.Add(bidirectional ? OnnxAttribute.Strings("activations", activation, activation) : OnnxAttribute.Strings("activations", activation));
            }

            // Y [T, D, N, H] -> [T, N, D, H] -> [T, N, D*H]: the next layer's input, or the output sequence.
            states = context.Node(layer.Kind, inputs, attributes.ToArray());
            string stepMajor = context.Node("Transpose", [states], OnnxAttribute.Ints("perm", 0, 2, 1, 3));
            string shape = context.Builder.AddInitializer(OnnxTensor.Int64s("/" + layer.Name + "/sequence_shape_l" + k, [3], [steps, -1, directions * hidden]));
            sequence = context.Node("Reshape", [stepMajor, shape]);
        }

        if (returnSequences)
        {
            return context.Node("Transpose", [sequence], OnnxAttribute.Ints("perm", 1, 0, 2));
        }

        // h_n: the forward direction's state after step T-1, the reverse direction's after step 0 (stored at step 0).
        string forward = FinalState(context, states, steps - 1, 0);
        return bidirectional
            ? context.Node("Concat", [forward, FinalState(context, states, 0, 1)], OnnxAttribute.Int("axis", 1))
            : forward;
    }

    /// <summary>The rows of a <c>[G*H, ...]</c> weight in ONNX's gate order.</summary>
    private static long[] GateRows(int[] gateOrder, int hidden)
    {
        long[] rows = new long[gateOrder.Length * hidden];
        for (int gate = 0; gate < gateOrder.Length; gate++)
        {
            for (int j = 0; j < hidden; j++)
            {
                rows[(gate * hidden) + j] = ((long)gateOrder[gate] * hidden) + j;
            }
        }

        return rows;
    }

    /// <summary><c>[1, G*H, ...]</c>: the weight's rows in ONNX's gate order, with the direction axis in front.</summary>
    private static string Reordered(LayerContext context, string weight, string rows, string firstAxis) =>
        context.Node("Unsqueeze", [context.Node("Gather", [weight, rows], OnnxAttribute.Int("axis", 0)), firstAxis]);

    private static string Stack(LayerContext context, List<string> directions) =>
        directions.Count == 1 ? directions[0] : context.Node("Concat", directions, OnnxAttribute.Int("axis", 0));

    /// <summary><c>Y[step, direction]</c>, <c>[N, H]</c>.</summary>
    private static string FinalState(LayerContext context, string states, int step, int direction)
    {
        string stepIndex = context.Builder.AddInitializer(OnnxTensor.Int64s("/" + context.Layer.Name + "/step_" + step + "_direction_" + direction, [], [step]));
        string directionIndex = context.Builder.AddInitializer(OnnxTensor.Int64s("/" + context.Layer.Name + "/direction_" + direction + "_of_step_" + step, [], [direction]));
        string atStep = context.Node("Gather", [states, stepIndex], OnnxAttribute.Int("axis", 0));
        return context.Node("Gather", [atStep, directionIndex], OnnxAttribute.Int("axis", 0));
    }
}
