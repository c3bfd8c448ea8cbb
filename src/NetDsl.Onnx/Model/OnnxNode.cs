using System.Collections.Generic;

namespace NetDsl.Onnx.Model;

/// <summary>One operator application in the graph (a <c>NodeProto</c> of the default ONNX domain).</summary>
internal sealed class OnnxNode
{
    /// <summary>Describes a node.</summary>
    public OnnxNode(string opType, string name, IReadOnlyList<string> inputs, IReadOnlyList<string> outputs, IReadOnlyList<OnnxAttribute> attributes)
    {
        OpType = opType;
        Name = name;
        Inputs = inputs;
        Outputs = outputs;
        Attributes = attributes;
    }

    /// <summary>The operator, for example <c>Gemm</c>.</summary>
    public string OpType { get; }

    /// <summary>The node's name, unique in the graph (for example <c>/fc1/Gemm</c>).</summary>
    public string Name { get; }

    /// <summary>The names of the values it reads, in the operator's input order.</summary>
    public IReadOnlyList<string> Inputs { get; }

    /// <summary>The names of the values it produces.</summary>
    public IReadOnlyList<string> Outputs { get; }

    /// <summary>Its attributes.</summary>
    public IReadOnlyList<OnnxAttribute> Attributes { get; }
}
