using System.Collections.Generic;
using System.Linq;
using NetDsl.Generator.Catalog;
using NetDsl.Generator.Diagnostics;
using NetDsl.Generator.Emit;
using NetDsl.Generator.Model;
using NetDsl.Generator.Shapes.Rules;

namespace NetDsl.Generator.Shapes;

/// <summary>
/// The shape rules of every layer kind, as a pure function from a parsed network to its plan (shapes,
/// parameter offsets, emitted stages) or to diagnostics. Tests call it directly; the generator emits from the
/// plan; the analyzer reports the diagnostics.
/// </summary>
internal static class ShapeInference
{
    /// <summary>Infers the plan of <paramref name="spec"/>; returns null when any error was added to <paramref name="diagnostics"/>.</summary>
    public static NetworkPlan? Infer(NetworkSpec spec, List<DiagnosticInfo> diagnostics) => Infer(spec, diagnostics, out _, out _);

    /// <summary>
    /// As <see cref="Infer(NetworkSpec, List{DiagnosticInfo})"/>, and also gives the input and output shapes as far as they
    /// could be established, errors or not (null when unknown): the generator's fallback sizes its Input and Output from them.
    /// </summary>
    public static NetworkPlan? Infer(NetworkSpec spec, List<DiagnosticInfo> diagnostics, out Shape? inputShape, out Shape? outputShape)
    {
        int errorsBefore = diagnostics.Count(d => d.IsError);
        string network = spec.ClassName;
        int networkIndex = spec.NetworkAttributeIndex;

        if (spec.UnrollLimit < 0)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidUnrollLimit, networkIndex, network, spec.UnrollLimit));
        }

        inputShape = CheckInput(spec, diagnostics);
        List<LayerSpec> stack = spec.Layers.Where(l => l.Kind != LayerKind.Input).ToList();
        if (stack.Count == 0)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NoLayers, networkIndex, network));
        }

        CheckNames(stack, spec.ClassName, diagnostics);

        var planned = new List<PlannedLayer>();
        var openResiduals = new Stack<(int Position, Shape Input)>();
        Shape? current = inputShape;
        bool sequence = InputIsSequence(spec, inputShape, diagnostics);
        Preceding before = Preceding.None;
        long parameterCount = 0;
        long bufferCount = 0;
        bool complete = inputShape is not null;
        for (int position = 0; position < stack.Count; position++)
        {
            LayerSpec layer = stack[position];
            if (IsActivation(layer) && position > 0 && IsActivation(stack[position - 1]))
            {
                LayerSpec previous = stack[position - 1];
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ConsecutiveActivations, layer.AttributeIndex,
                    LayerNames.Label(layer, position), layer.AttributeName, LayerNames.Label(previous, position - 1), previous.AttributeName));
            }

            if (!CheckResidualNesting(layer, position, current, openResiduals, stack, diagnostics))
            {
                complete = false;
            }

            if (current is not { } inShape)
            {
                complete = false;
                continue;
            }

            LayerResult? result = InferLayer(new LayerContext(layer, position, inShape, diagnostics, network, sequence, before), network);
            if (result is null)
            {
                complete = false;
                current = null;
                continue;
            }

            before = After(before, new PositionedLayer(layer, position), inShape, result);

            string name = LayerNames.NameOf(layer, position);
            var parameters = new List<PlannedTensor>();
            foreach (PlannedTensor tensor in result.Parameters)
            {
                parameters.Add(tensor with { Name = name + "." + tensor.Role, Offset = (int)System.Math.Min(parameterCount, int.MaxValue) });
                parameterCount = SaturatingAdd(parameterCount, tensor.Shape.LongElementCount);
            }

            var buffers = new List<PlannedTensor>();
            foreach (PlannedTensor tensor in result.Buffers)
            {
                buffers.Add(tensor with { Name = name + "." + tensor.Role, Offset = (int)System.Math.Min(bufferCount, int.MaxValue) });
                bufferCount = SaturatingAdd(bufferCount, tensor.Shape.LongElementCount);
            }

            if (result.Output.LongElementCount > int.MaxValue)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NetworkTooLarge, layer.AttributeIndex, network, result.Output.LongElementCount, "floats per sample after layer " + LayerNames.Label(layer, position)));
                complete = false;
            }

            planned.Add(new PlannedLayer(
                name,
                LayerNames.PropertyNameOf(layer, position),
                layer.Kind,
                inShape,
                result.Output,
                parameters.ToEquatableArray(),
                buffers.ToEquatableArray(),
                result.Window,
                result.HyperParameters));
            current = result.Output;
            sequence = Catalog.LayerCatalog.Find(layer.Kind)?.OutputIsSequence(result, sequence) ?? false;
        }

        foreach ((int position, Shape _) in openResiduals)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnbalancedResidual, stack[position].AttributeIndex,
                "[Residual] at layer " + LayerNames.Label(stack[position], position) + " is never closed; add [EndResidual] after the block's last layer"));
            complete = false;
        }

        if (parameterCount > int.MaxValue || bufferCount > int.MaxValue)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NetworkTooLarge, networkIndex, network, System.Math.Max(parameterCount, bufferCount), "parameters"));
        }

        outputShape = complete ? current : null;
        if (diagnostics.Count(d => d.IsError) > errorsBefore || !complete || inputShape is null || current is null)
        {
            return null;
        }

        if (spec.Int8 && !Int8Forms.Check(spec, stack, planned, diagnostics))
        {
            return null;
        }

        List<Stage> stages = StagePlanner.Plan(planned, spec.UnrollLimit);
        if (!StagePlanner.CheckWorkspaceSize(spec, inputShape.Value.ElementCount, stages, diagnostics))
        {
            return null;
        }

        StagePlanner.CheckUnrolledSizes(spec, stack, planned, stages, diagnostics);
        return new NetworkPlan(
            spec,
            inputShape.Value,
            current.Value,
            (int)parameterCount,
            (int)bufferCount,
            planned.ToEquatableArray(),
            stages.ToEquatableArray());
    }

    /// <summary>Matches [Residual] with [EndResidual] and checks that each block keeps its shape.</summary>
    /// <summary>
    /// What the next layer knows of the layers before it, once <paramref name="layer"/> turned <paramref name="input"/> into
    /// <paramref name="result"/>'s output: a recurrent layer's final state stays "the final state of" it through layers
    /// that keep the shape (activations, dropout, normalization), each of which would also run per step on a sequence.
    /// </summary>
    private static Preceding After(Preceding before, PositionedLayer layer, Shape input, LayerResult result)
    {
        PositionedLayer? finalState = result.HyperParameters is RecurrentParameters { ReturnSequences: false }
            ? layer
            : result.Output.Equals(input) ? before.FinalStateOf : null;
        return new Preceding(layer, input, finalState);
    }

    private static bool CheckResidualNesting(LayerSpec layer, int position, Shape? current, Stack<(int Position, Shape Input)> open, List<LayerSpec> stack, List<DiagnosticInfo> diagnostics)
    {
        if (layer.Kind == LayerKind.Residual)
        {
            if (current is { } shape)
            {
                open.Push((position, shape));
            }

            return true;
        }

        if (layer.Kind != LayerKind.EndResidual)
        {
            return true;
        }

        if (open.Count == 0)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnbalancedResidual, layer.AttributeIndex,
                "[EndResidual] at layer " + LayerNames.Label(layer, position) + " closes no block; open one with [Residual] before the block's first layer"));
            return false;
        }

        (int start, Shape input) = open.Pop();
        bool computes = false;
        for (int i = start + 1; i < position; i++)
        {
            computes |= LayerCatalog.Find(stack[i].Kind)?.Computes ?? true;
        }

        if (!computes)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnbalancedResidual, layer.AttributeIndex,
                "The residual block from layer " + LayerNames.Label(stack[start], start) + " to layer " + LayerNames.Label(layer, position) + " computes nothing; put at least one layer between [Residual] and [EndResidual]"));
            return false;
        }

        if (current is { } output && !output.Equals(input))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ResidualShapeChanged, layer.AttributeIndex, LayerNames.Label(stack[start], start), input, output));
            return false;
        }

        return true;
    }

    private static long SaturatingAdd(long total, long count) => count > long.MaxValue - total ? long.MaxValue : total + count;

    private static bool IsActivation(LayerSpec layer) => LayerCatalog.Find(layer.Kind)?.IsActivation ?? false;

    /// <summary>
    /// The layer's shape rule, from its descriptor. An attribute NetDsl does not know, or one whose argument count is not
    /// the runtime's (a foreign class that only shares a name), is NDSL0016.
    /// </summary>
    private static LayerResult? InferLayer(LayerContext context, string network)
    {
        LayerDescriptor? descriptor = LayerCatalog.Find(context.Layer.Kind);
        if (descriptor is null || !descriptor.AcceptsArgumentCount(context.Layer.Arguments.Count))
        {
            context.Report(DiagnosticDescriptors.UnknownLayer, context.Layer.AttributeName, network);
            return null;
        }

        return descriptor.Infer(context);
    }

    /// <summary>
    /// Whether the network's input is a sequence of steps: <c>[Input(T, F, Sequence = true)]</c>. Any other rank with
    /// <c>Sequence = true</c> is NDSL0022 on the Input attribute.
    /// </summary>
    private static bool InputIsSequence(NetworkSpec spec, Shape? inputShape, List<DiagnosticInfo> diagnostics)
    {
        LayerSpec? input = spec.Layers.FirstOrDefault(l => l.Kind == LayerKind.Input);
        if (input is null || input.Option("Sequence", 0) == 0 || inputShape is not { } shape)
        {
            return false;
        }

        if (shape.Rank != 2)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidLayerArgument, input.AttributeIndex,
                "[Input(" + string.Join(", ", shape.Dimensions) + ")]", "Input", "Sequence", "true", "a sequence has two dimensions [steps, features], and this input has " + shape.Rank));
            return false;
        }

        return true;
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
            int size = (int)input.Arguments[d];
            if (size <= 0)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NonPositiveSize, input.AttributeIndex, "[Input] of network '" + network + "'", "dimension " + d, size));
                valid = false;
            }
            else
            {
                // Saturating: four dimensions of 65536 multiply to 2^64, which a plain long product wraps to 0.
                elements = elements > long.MaxValue / size ? long.MaxValue : elements * size;
            }
        }

        if (valid && elements > int.MaxValue)
        {
            System.Numerics.BigInteger exact = input.Arguments.Aggregate(System.Numerics.BigInteger.One, (product, size) => product * (long)size);
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NetworkTooLarge, input.AttributeIndex, network, exact.ToString(System.Globalization.CultureInfo.InvariantCulture), "floats per input sample"));
            valid = false;
        }

        return valid ? new Shape(input.Arguments.Select(d => (int)d)) : null;
    }

    private static void CheckNames(List<LayerSpec> stack, string className, List<DiagnosticInfo> diagnostics)
    {
        var names = new Dictionary<string, int>();
        var properties = new Dictionary<string, int>();

        // Every name and view property in use anywhere in the stack, so that a suggested replacement for a duplicate
        // clashes with no layer, before or after it, nor with another suggestion.
        var takenNames = new HashSet<string>(System.StringComparer.Ordinal);
        var takenProperties = new HashSet<string>(System.StringComparer.Ordinal);
        for (int position = 0; position < stack.Count; position++)
        {
            takenNames.Add(LayerNames.NameOf(stack[position], position));
            takenProperties.Add(LayerNames.PropertyNameOf(stack[position], position));
        }

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
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DuplicateLayerName, layer.AttributeIndex, "#" + position, name, "#" + first, "has that name")
                    .WithProperty(DiagnosticPropertyNames.SuggestedName, LayerNames.SuggestUniqueName(name, className, takenNames, takenProperties)));
                continue;
            }

            names.Add(name, position);
            if (!(LayerCatalog.Find(layer.Kind)?.HasParameters ?? false))
            {
                continue;
            }

            string property = LayerNames.PropertyNameOf(layer, position);
            if (LayerNames.IsReservedMemberName(property) || property == className)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidLayerName, layer.AttributeIndex, label, name,
                    "would name its view '" + property + "', a member the class already has; choose another name"));
            }
            else if (properties.TryGetValue(property, out int other))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DuplicateLayerName, layer.AttributeIndex, "#" + position, name, "#" + other,
                    "gives the view property '" + property + "'")
                    .WithProperty(DiagnosticPropertyNames.SuggestedName, LayerNames.SuggestUniqueName(name, className, takenNames, takenProperties)));
            }
            else
            {
                properties.Add(property, position);
            }
        }
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
