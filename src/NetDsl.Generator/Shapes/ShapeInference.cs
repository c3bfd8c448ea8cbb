using System.Collections.Generic;
using System.Linq;
using NetDsl.Generator.Diagnostics;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Shapes;

/// <summary>
/// The shape rules of every layer kind, as a pure function from a parsed network to its plan (shapes,
/// parameter offsets, emitted stages) or to diagnostics. Tests call it directly; the generator emits from the
/// plan; the analyzer reports the diagnostics.
/// </summary>
internal static class ShapeInference
{
    /// <summary>Infers the plan of <paramref name="spec"/>; returns null when any error was added to <paramref name="diagnostics"/>.</summary>
    public static NetworkPlan? Infer(NetworkSpec spec, List<DiagnosticInfo> diagnostics)
    {
        int errorsBefore = diagnostics.Count(d => d.IsError);
        string network = spec.ClassName;
        int networkIndex = spec.NetworkAttributeIndex;

        if (spec.UnrollLimit < 0)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidUnrollLimit, networkIndex, network, spec.UnrollLimit));
        }

        Shape? inputShape = CheckInput(spec, diagnostics);
        List<LayerSpec> stack = spec.Layers.Where(l => l.Kind != LayerKind.Input).ToList();
        if (stack.Count == 0)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NoLayers, networkIndex, network));
        }

        CheckNames(stack, spec.ClassName, diagnostics);

        var planned = new List<PlannedLayer>();
        Shape? current = inputShape;
        long parameterCount = 0;
        for (int position = 0; position < stack.Count; position++)
        {
            LayerSpec layer = stack[position];
            Shape? output = InferLayer(layer, position, current, stack, network, diagnostics, out long weightCount, out int biasCount);
            int weightOffset = weightCount > 0 ? (int)System.Math.Min(parameterCount, int.MaxValue) : -1;
            int biasOffset = biasCount > 0 ? (int)System.Math.Min(parameterCount + weightCount, int.MaxValue) : -1;
            // Saturating: three layers of int.MaxValue x int.MaxValue weights would overflow a long.
            parameterCount = weightCount + biasCount > long.MaxValue - parameterCount ? long.MaxValue : parameterCount + weightCount + biasCount;
            if (current is { } inShape && output is { } outShape)
            {
                planned.Add(new PlannedLayer(
                    LayerNames.NameOf(layer, position),
                    LayerNames.PropertyNameOf(layer, position),
                    layer.Kind,
                    inShape,
                    outShape,
                    weightOffset,
                    biasOffset,
                    (int)System.Math.Min(weightCount + biasCount, int.MaxValue)));
            }

            current = output;
        }

        if (parameterCount > int.MaxValue)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NetworkTooLarge, networkIndex, network, parameterCount, "parameters"));
        }

        if (diagnostics.Count(d => d.IsError) > errorsBefore || inputShape is null || current is null)
        {
            return null;
        }

        return new NetworkPlan(
            spec,
            inputShape.Value,
            current.Value,
            (int)parameterCount,
            planned.ToEquatableArray(),
            BuildStages(planned, spec.UnrollLimit).ToEquatableArray());
    }

    private static Shape? CheckInput(NetworkSpec spec, List<DiagnosticInfo> diagnostics)
    {
        string network = spec.ClassName;
        LayerSpec[] inputs = spec.Layers.Where(l => l.Kind == LayerKind.Input).ToArray();
        if (inputs.Length == 0)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MissingInput, spec.NetworkAttributeIndex, network));
            return null;
        }

        foreach (LayerSpec extra in inputs.Skip(1))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DuplicateInput, extra.AttributeIndex, network));
        }

        LayerSpec input = inputs[0];
        int index = IndexOf(spec.Layers, input);
        if (index > 0)
        {
            LayerSpec before = spec.Layers[index - 1];
            int position = spec.Layers.Take(index - 1).Count(l => l.Kind != LayerKind.Input);
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InputNotFirst, input.AttributeIndex, network, LayerNames.Label(before, position), before.AttributeName));
        }

        if (input.Arguments.Count == 0)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.EmptyInputShape, input.AttributeIndex, network));
            return null;
        }

        bool valid = true;
        long elements = 1;
        for (int d = 0; d < input.Arguments.Count; d++)
        {
            int size = input.Arguments[d];
            if (size <= 0)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NonPositiveSize, input.AttributeIndex, "[Input] of network '" + network + "'", "dimension " + d, size));
                valid = false;
            }
            else
            {
                elements *= size;
            }
        }

        if (valid && elements > int.MaxValue)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NetworkTooLarge, input.AttributeIndex, network, elements, "floats per input sample"));
            valid = false;
        }

        return valid ? new Shape(input.Arguments) : null;
    }

    private static void CheckNames(List<LayerSpec> stack, string className, List<DiagnosticInfo> diagnostics)
    {
        var names = new Dictionary<string, int>();
        var properties = new Dictionary<string, int>();
        for (int position = 0; position < stack.Count; position++)
        {
            LayerSpec layer = stack[position];
            string label = LayerNames.Label(layer, position);
            if (layer.ExplicitName is { } explicitName)
            {
                if (!LayerNames.IsValidName(explicitName))
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidLayerName, layer.AttributeIndex, "#" + position, explicitName,
                        "is not an identifier (ASCII letters, digits and '_', not starting with a digit)"));
                    continue;
                }
            }

            string name = LayerNames.NameOf(layer, position);
            if (names.TryGetValue(name, out int first))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DuplicateLayerName, layer.AttributeIndex, "#" + position, name, "#" + first, "has that name"));
                continue;
            }

            names.Add(name, position);
            if (!LayerNames.HasParameters(layer.Kind))
            {
                continue;
            }

            string property = LayerNames.PropertyNameOf(layer, position);
            if (LayerNames.ReservedMemberNames.Contains(property) || property == className)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidLayerName, layer.AttributeIndex, label, name,
                    "would name its view '" + property + "', a member the class already has; choose another name"));
            }
            else if (properties.TryGetValue(property, out int other))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DuplicateLayerName, layer.AttributeIndex, "#" + position, name, "#" + other,
                    "gives the view property '" + property + "'"));
            }
            else
            {
                properties.Add(property, position);
            }
        }
    }

    private static Shape? InferLayer(LayerSpec layer, int position, Shape? input, List<LayerSpec> stack, string network, List<DiagnosticInfo> diagnostics, out long weightCount, out int biasCount)
    {
        weightCount = 0;
        biasCount = 0;
        string label = LayerNames.Label(layer, position);
        switch (layer.Kind)
        {
            // The runtime's LinearAttribute takes one or two sizes; any other count comes from a foreign attribute class.
            case LayerKind.Linear when layer.Arguments.Count is 1 or 2:
                return InferLinear(layer, label, input, diagnostics, out weightCount, out biasCount);

            case LayerKind.ReLU:
            case LayerKind.Sigmoid:
            case LayerKind.Tanh:
                if (position > 0 && LayerNames.IsActivation(stack[position - 1].Kind))
                {
                    LayerSpec previous = stack[position - 1];
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ConsecutiveActivations, layer.AttributeIndex,
                        label, layer.AttributeName, LayerNames.Label(previous, position - 1), previous.AttributeName));
                }

                return input;

            case LayerKind.Flatten:
                return input is { } shape ? Shape.Vector(shape.ElementCount) : null;

            default:
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnknownLayer, layer.AttributeIndex, layer.AttributeName, network));
                return null;
        }
    }

    private static Shape? InferLinear(LayerSpec layer, string label, Shape? input, List<DiagnosticInfo> diagnostics, out long weightCount, out int biasCount)
    {
        weightCount = 0;
        biasCount = 0;
        bool hasDeclaredInput = layer.Arguments.Count == 2;
        int outFeatures = layer.Arguments[layer.Arguments.Count - 1];
        int? declaredIn = hasDeclaredInput ? layer.Arguments[0] : null;

        bool valid = true;
        if (declaredIn is <= 0)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NonPositiveSize, layer.AttributeIndex, "Layer " + label + " (Linear)", "in features", declaredIn.Value));
            valid = false;
        }

        if (outFeatures <= 0)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NonPositiveSize, layer.AttributeIndex, "Layer " + label + " (Linear)", "out features", outFeatures));
            valid = false;
        }

        if (input is not { } shape)
        {
            return valid ? Shape.Vector(outFeatures) : null;
        }

        if (shape.Rank != 1)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NeedsOneDimensionalInput, layer.AttributeIndex, label, "Linear", shape, shape.ElementCount));
            valid = false;
        }
        else if (declaredIn is > 0 && declaredIn.Value != shape.ElementCount)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.LinearInputMismatch, layer.AttributeIndex, label, shape.ElementCount, declaredIn.Value, outFeatures));
            valid = false;
        }

        if (!valid)
        {
            return outFeatures > 0 ? Shape.Vector(outFeatures) : null;
        }

        // Not clamped: NDSL0017 reports the true parameter count of a network too large for one array.
        weightCount = (long)shape.ElementCount * outFeatures;
        biasCount = layer.HasBias ? outFeatures : 0;
        return Shape.Vector(outFeatures);
    }

    private static List<Stage> BuildStages(List<PlannedLayer> layers, int unrollLimit)
    {
        var stages = new List<Stage>();
        for (int i = 0; i < layers.Count; i++)
        {
            PlannedLayer layer = layers[i];
            if (layer.Kind == LayerKind.Linear)
            {
                bool fuse = i + 1 < layers.Count && LayerNames.IsActivation(layers[i + 1].Kind);
                Activation activation = fuse ? LayerNames.ActivationOf(layers[i + 1].Kind) : Activation.None;
                bool unrolled = (long)layer.InFeatures * layer.OutFeatures <= unrollLimit;
                stages.Add(new Stage(stages.Count + 1, i, fuse ? i + 1 : -1, activation, layer.InFeatures, layer.OutFeatures, IsLinear: true, unrolled));
                if (fuse)
                {
                    i++;
                }
            }
            else if (LayerNames.IsActivation(layer.Kind))
            {
                int width = layer.OutFeatures;
                stages.Add(new Stage(stages.Count + 1, i, -1, LayerNames.ActivationOf(layer.Kind), width, width, IsLinear: false, width <= unrollLimit));
            }
        }

        return stages;
    }

    private static int IndexOf(EquatableArray<LayerSpec> layers, LayerSpec layer)
    {
        for (int i = 0; i < layers.Count; i++)
        {
            if (ReferenceEquals(layers[i], layer))
            {
                return i;
            }
        }

        return -1;
    }
}
