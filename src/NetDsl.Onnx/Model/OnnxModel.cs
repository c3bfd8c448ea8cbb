using System.Collections.Generic;

namespace NetDsl.Onnx.Model;

/// <summary>A whole ONNX model: format and operator-set versions, producer, metadata and the graph.</summary>
internal sealed class OnnxModel
{
    /// <summary>Describes a model.</summary>
    public OnnxModel(long irVersion, long opsetVersion, string producerName, string producerVersion, OnnxGraph graph)
    {
        IrVersion = irVersion;
        OpsetVersion = opsetVersion;
        ProducerName = producerName;
        ProducerVersion = producerVersion;
        Graph = graph;
    }

    /// <summary>The ONNX IR (file format) version.</summary>
    public long IrVersion { get; }

    /// <summary>The version of the default (<c>ai.onnx</c>) operator set the nodes use.</summary>
    public long OpsetVersion { get; }

    /// <summary>The tool that wrote the model.</summary>
    public string ProducerName { get; }

    /// <summary>That tool's version.</summary>
    public string ProducerVersion { get; }

    /// <summary>A human-readable description, or null.</summary>
    public string? DocString { get; init; }

    /// <summary>Named metadata (<c>metadata_props</c>), in order.</summary>
    public List<KeyValuePair<string, string>> Metadata { get; } = [];

    /// <summary>The graph.</summary>
    public OnnxGraph Graph { get; }
}
