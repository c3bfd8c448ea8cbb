using System;
using System.Collections.Generic;
using System.Globalization;
using NetDsl.Onnx.Model;
using NetDsl.Onnx.Protobuf;

namespace NetDsl.Onnx.Export;

/// <summary>
/// Builds an <see cref="OnnxGraph"/> node by node: unique node and value names (<c>/fc1/Gemm</c>,
/// <c>/fc1/Gemm_output_0</c>, in the style of PyTorch's exporter), shared scalar constants, and value shapes with the
/// symbolic batch dimension.
/// </summary>
internal sealed class GraphBuilder
{
    private readonly HashSet<string> _valueNames = new(StringComparer.Ordinal);
    private readonly HashSet<string> _nodeNames = new(StringComparer.Ordinal);
    private readonly Dictionary<int, string> _scalars = [];
    private readonly string _batchDimension;

    /// <summary>Starts an empty graph named <paramref name="name"/> whose values have a leading batch dimension called <paramref name="batchDimension"/>.</summary>
    public GraphBuilder(string name, string batchDimension)
    {
        Graph = new OnnxGraph(name);
        _batchDimension = batchDimension;
    }

    /// <summary>The graph built so far.</summary>
    public OnnxGraph Graph { get; }

    /// <summary>Declares a graph input of shape <c>[N, ...sampleShape]</c>.</summary>
    public void AddInput(string name, ReadOnlySpan<int> sampleShape)
    {
        ClaimValueName(name);
        Graph.Inputs.Add(BatchedValue(name, sampleShape));
    }

    /// <summary>Declares an existing value as a graph output of shape <c>[N, ...sampleShape]</c>.</summary>
    public void AddOutput(string name, ReadOnlySpan<int> sampleShape) => Graph.Outputs.Add(BatchedValue(name, sampleShape));

    /// <summary>Records the shape <c>[N, ...sampleShape]</c> of an intermediate value.</summary>
    public void AddValueInfo(string name, ReadOnlySpan<int> sampleShape) => Graph.ValueInfo.Add(BatchedValue(name, sampleShape));

    /// <summary>Adds a constant tensor under its own name.</summary>
    /// <exception cref="InvalidOperationException">A value of that name exists already.</exception>
    public string AddInitializer(OnnxTensor tensor)
    {
        ClaimValueName(tensor.Name);
        Graph.Initializers.Add(tensor);
        return tensor.Name;
    }

    /// <summary>The name of a 0-D float constant of value <paramref name="value"/>, created on first use and shared.</summary>
    public string Scalar(float value)
    {
        int bits = BitConverter.SingleToInt32Bits(value);
        if (!_scalars.TryGetValue(bits, out string? name))
        {
            name = "/Constants/" + value.ToString("R", CultureInfo.InvariantCulture);
            AddInitializer(OnnxTensor.Floats(name, [], [value]));
            _scalars.Add(bits, name);
        }

        return name;
    }

    /// <summary>
    /// Adds a node of operator <paramref name="opType"/> for layer <paramref name="layerName"/>, reading
    /// <paramref name="inputs"/>, and returns the name of its (single) output.
    /// </summary>
    public string AddNode(string layerName, string opType, IReadOnlyList<string> inputs, params OnnxAttribute[] attributes)
    {
        string nodeName = UniqueNodeName("/" + layerName + "/" + opType);
        string output = nodeName + "_output_0";
        ClaimValueName(output);
        Graph.Nodes.Add(new OnnxNode(opType, nodeName, inputs, [output], attributes));
        return output;
    }

    /// <summary>
    /// Renames the value <paramref name="name"/> to <paramref name="newName"/> if the last node produced it (so that the
    /// graph output is written directly), otherwise copies it with an <c>Identity</c> node. Returns <paramref name="newName"/>.
    /// </summary>
    public string Rename(string name, string newName, string layerName)
    {
        ClaimValueName(newName);
        int last = Graph.Nodes.Count - 1;
        if (last >= 0 && Graph.Nodes[last].Outputs is [string produced] && produced == name)
        {
            OnnxNode node = Graph.Nodes[last];
            Graph.Nodes[last] = new OnnxNode(node.OpType, node.Name, node.Inputs, [newName], node.Attributes);
            _valueNames.Remove(name);
            return newName;
        }

        string nodeName = UniqueNodeName("/" + layerName + "/Identity");
        Graph.Nodes.Add(new OnnxNode("Identity", nodeName, [name], [newName], []));
        return newName;
    }

    /// <summary>Whether a value (input, initializer or node output) is named <paramref name="name"/>.</summary>
    public bool HasValue(string name) => _valueNames.Contains(name);

    private string UniqueNodeName(string prefix)
    {
        string nodeName = prefix;
        for (int suffix = 1; !_nodeNames.Add(nodeName); suffix++)
        {
            nodeName = prefix + "_" + suffix.ToString(CultureInfo.InvariantCulture);
        }

        return nodeName;
    }

    private void ClaimValueName(string name)
    {
        if (!_valueNames.Add(name))
        {
            throw new InvalidOperationException($"The ONNX graph would have two values named '{name}'; choose another input or output name.");
        }
    }

    private OnnxValueInfo BatchedValue(string name, ReadOnlySpan<int> sampleShape)
    {
        var dimensions = new OnnxDimension[sampleShape.Length + 1];
        dimensions[0] = OnnxDimension.Symbolic(_batchDimension);
        for (int i = 0; i < sampleShape.Length; i++)
        {
            dimensions[i + 1] = OnnxDimension.Fixed(sampleShape[i]);
        }

        return new OnnxValueInfo(name, OnnxFields.DataType.Float, dimensions);
    }
}
