using System.Collections.Generic;

namespace NetDsl.Onnx.Model;

/// <summary>A computation graph: nodes in topological order, constant initializers, and typed inputs and outputs.</summary>
internal sealed class OnnxGraph
{
    /// <summary>Creates an empty graph named <paramref name="name"/>.</summary>
    public OnnxGraph(string name) => Name = name;

    /// <summary>The graph's name.</summary>
    public string Name { get; }

    /// <summary>The nodes, each after the nodes producing its inputs.</summary>
    public List<OnnxNode> Nodes { get; } = [];

    /// <summary>The constant tensors: parameters, buffers and the constants the operators need.</summary>
    public List<OnnxTensor> Initializers { get; } = [];

    /// <summary>The values the caller feeds.</summary>
    public List<OnnxValueInfo> Inputs { get; } = [];

    /// <summary>The values the graph returns.</summary>
    public List<OnnxValueInfo> Outputs { get; } = [];

    /// <summary>The shapes of intermediate values (optional; viewers such as Netron show them on the edges).</summary>
    public List<OnnxValueInfo> ValueInfo { get; } = [];
}
