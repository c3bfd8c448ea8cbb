namespace NetDsl.Onnx;

/// <summary>Choices for <see cref="OnnxExporter"/>; every one has a default, so <c>null</c> options are fine.</summary>
public sealed class OnnxExportOptions
{
    /// <summary>The graph's name. Default: the network's class name.</summary>
    public string? GraphName { get; init; }

    /// <summary>The name of the graph input, shape <c>[N, ...input shape]</c>. Default: <c>input</c>.</summary>
    public string InputName { get; init; } = "input";

    /// <summary>The name of the graph output, shape <c>[N, ...output shape]</c>. Default: <c>output</c>.</summary>
    public string OutputName { get; init; } = "output";

    /// <summary>The name of the symbolic batch dimension of the input and output. Default: <c>N</c>.</summary>
    public string BatchDimensionName { get; init; } = "N";

    /// <summary>
    /// Whether to record every layer's output shape (<c>value_info</c>), which viewers such as Netron show on the graph's
    /// edges and runtimes check against their own shape inference. Default: true.
    /// </summary>
    public bool IncludeIntermediateShapes { get; init; } = true;

    /// <summary>A description stored as the model's <c>doc_string</c>, or null for none.</summary>
    public string? Description { get; init; }
}
