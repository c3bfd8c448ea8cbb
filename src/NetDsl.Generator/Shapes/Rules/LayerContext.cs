using System.Collections.Generic;
using NetDsl.Generator.Diagnostics;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Shapes.Rules;

/// <summary>What a shape rule knows about the layer it checks, and where it reports problems.</summary>
internal sealed class LayerContext
{
    public LayerContext(LayerSpec layer, int position, Shape input, List<DiagnosticInfo> diagnostics, string network, bool inputIsSequence = false, Preceding? preceding = null)
    {
        Before = preceding ?? Preceding.None;
        InputIsSequence = inputIsSequence;
        Network = network;
        Layer = layer;
        Position = position;
        Input = input;
        Diagnostics = diagnostics;
    }

    public LayerSpec Layer { get; }

    /// <summary>The network class's name, for messages about the whole network.</summary>
    public string Network { get; }

    public int Position { get; }

    /// <summary>Whether the input is a sequence of steps <c>[T, F]</c> (see <c>LayerDescriptor.OutputIsSequence</c>).</summary>
    public bool InputIsSequence { get; }

    /// <summary>What the layers before this one did, for diagnostics that can say which attribute to change.</summary>
    public Preceding Before { get; }

    /// <summary>The shape the layer receives.</summary>
    public Shape Input { get; }

    public List<DiagnosticInfo> Diagnostics { get; }

    /// <summary>How messages name the layer: <c>'fc1'</c> or <c>#2</c>.</summary>
    public string Label => LayerNames.Label(Layer, Position);

    public string Kind => Layer.AttributeName;

    public void Report(Microsoft.CodeAnalysis.DiagnosticDescriptor descriptor, params object[] arguments) =>
        Diagnostics.Add(Diagnostic(descriptor, arguments));

    /// <summary>Reports a diagnostic built with <see cref="Diagnostic"/>, typically with properties for a code fix.</summary>
    public void Report(DiagnosticInfo diagnostic) => Diagnostics.Add(diagnostic);

    /// <summary>A diagnostic on this layer's attribute.</summary>
    public DiagnosticInfo Diagnostic(Microsoft.CodeAnalysis.DiagnosticDescriptor descriptor, params object[] arguments) =>
        DiagnosticInfo.Create(descriptor, Layer.AttributeIndex, arguments);

    /// <summary>
    /// Reports NDSL0023 for a layer that needs a sequence of steps and got something else; when the value is the final
    /// state of a recurrent layer with <c>ReturnSequences = false</c>, says so and points the code fix at that layer.
    /// </summary>
    public void ReportNotASequence()
    {
        const string requirement = "a sequence of steps [steps, features]: the every-step output of a recurrent layer, an embedding or a per-step Linear";
        if (Input.Rank == 1 && Before.FinalStateOf is { } recurrent)
        {
            string source = "layer " + LayerNames.Label(recurrent.Layer, recurrent.Position) + " (" + recurrent.Layer.AttributeName + ")";
            Report(Diagnostic(DiagnosticDescriptors.WrongInputRank, Label, Kind, Input,
                    requirement + "; " + source + " has ReturnSequences = false and gives only its final state: set ReturnSequences = true on it, or remove this layer")
                .WithProperty(DiagnosticPropertyNames.SequenceFix, SequenceFixes.ReturnSequences)
                .WithRelatedAttribute(recurrent.Layer.AttributeIndex));
            return;
        }

        Report(DiagnosticDescriptors.WrongInputRank, Label, Kind, Input, requirement + InputSequenceHint);
    }

    /// <summary>
    /// For a layer that reads the network's two-dimensional input directly: how to declare that input a sequence of
    /// steps; empty otherwise.
    /// </summary>
    public string InputSequenceHint =>
        Input.Rank == 2 && Before.Previous is null && !InputIsSequence
            ? "; to read the input " + Input + " as " + Input.Dimensions[0] + " steps of " + Input.Dimensions[1] + " features, declare [Input(" + Input.Dimensions[0] + ", " + Input.Dimensions[1] + ", Sequence = true)]"
            : string.Empty;

    /// <summary>Reports NDSL0022 for an argument outside its domain.</summary>
    public void ReportInvalid(string argument, object value, string requirement) =>
        Report(DiagnosticDescriptors.InvalidLayerArgument, Label, Kind, argument, value, requirement);
}

/// <summary>A shape rule's verdict: the output shape and the tensors the layer owns.</summary>
internal sealed class LayerResult
{
    public LayerResult(Shape output) => Output = output;

    public Shape Output { get; }

    /// <summary>Parameter tensors in state_dict order, before offsets are assigned (offset 0).</summary>
    public List<PlannedTensor> Parameters { get; } = new();

    /// <summary>Buffers (running statistics) in state_dict order, before offsets are assigned.</summary>
    public List<PlannedTensor> Buffers { get; } = new();

    public Window? Window { get; set; }

    /// <summary>Hyper-parameters with defaults resolved, for kinds that have any.</summary>
    public HyperParameters? HyperParameters { get; set; }
}

/// <summary>
/// What shape inference remembers of the layers before the current one: the layer right before it with the shape that
/// layer received, and the recurrent layer whose final state (<c>ReturnSequences = false</c>) is the current value, if
/// only shape-preserving layers came after it. Either is null when unknown.
/// </summary>
internal sealed record Preceding(PositionedLayer? Previous, Shape? PreviousInput, PositionedLayer? FinalStateOf)
{
    public static Preceding None { get; } = new(null, null, null);
}

/// <summary>A layer of the stack with its position (for its label).</summary>
internal sealed record PositionedLayer(LayerSpec Layer, int Position);
