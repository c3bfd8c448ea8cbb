using System.Collections.Generic;
using NetDsl.Generator.Diagnostics;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Shapes.Rules;

/// <summary>What a shape rule knows about the layer it checks, and where it reports problems.</summary>
internal sealed class LayerContext
{
    public LayerContext(LayerSpec layer, int position, Shape input, List<DiagnosticInfo> diagnostics, string network, bool inputIsSequence = false)
    {
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
