using System;
using System.Collections.Generic;

namespace NetDsl.Onnx.Export;

/// <summary>
/// What a layer's translation sees: the graph being built, the network (for its tensor names), the layer, its
/// position, and the value that holds its input. Translations add nodes and return the value holding the output.
/// </summary>
internal sealed class LayerContext
{
    private readonly INetwork? _network;

    // A quantized network's layer computed in float: the names and lengths of its float tensors' initializers.
    private readonly IReadOnlyList<(string Name, int Length)>? _tensors;

    /// <summary>Describes layer <paramref name="index"/> of <paramref name="network"/>, whose input is the value <paramref name="input"/>.</summary>
    public LayerContext(GraphBuilder builder, INetwork network, int index, string input, IDictionary<int, string> blockInputs)
    {
        Builder = builder;
        _network = network;
        Index = index;
        Layer = network.Layers[index];
        Input = input;
        BlockInputs = blockInputs;
    }

    /// <summary>
    /// Describes a layer without parameters outside a network's translation (a quantized network's float activation),
    /// whose input is the value <paramref name="input"/>. Its translation may read only the layer's options.
    /// </summary>
    public LayerContext(GraphBuilder builder, LayerInfo layer, string input)
    {
        Builder = builder;
        Layer = layer;
        Input = input;
        BlockInputs = new Dictionary<int, string>();
    }

    /// <summary>
    /// Describes a layer computed in float inside a quantized network, whose float tensors are initializers already in the
    /// graph: <paramref name="tensors"/> holds their names and lengths, the parameters first, then the buffers.
    /// </summary>
    public LayerContext(GraphBuilder builder, LayerInfo layer, string input, IReadOnlyList<(string Name, int Length)> tensors)
        : this(builder, layer, input)
    {
        _tensors = tensors;
    }

    private INetwork Network => _network ?? throw new InvalidOperationException($"Layer '{Layer.Name}' was translated without its network, but its translation reads tensors.");

    /// <summary>The graph being built.</summary>
    public GraphBuilder Builder { get; }

    /// <summary>The layer.</summary>
    public LayerInfo Layer { get; }

    /// <summary>The layer's position in <see cref="INetwork.Layers"/>.</summary>
    public int Index { get; }

    /// <summary>The value holding the layer's input, <c>[N, ...Layer.InputShape]</c>.</summary>
    public string Input { get; }

    /// <summary>The value each open or closed <c>Residual</c> block started from, by the index of its <c>Residual</c> layer.</summary>
    public IDictionary<int, string> BlockInputs { get; }

    /// <summary>The number of parameter tensors the layer has (0 when a layer without bias or affine parameters has none).</summary>
    public int ParameterCount => Layer.ParameterTensors.Count;

    /// <summary>Adds a node for this layer reading <paramref name="inputs"/> and returns its output.</summary>
    public string Node(string opType, IReadOnlyList<string> inputs, params Model.OnnxAttribute[] attributes) =>
        Builder.AddNode(Layer.Name, opType, inputs, attributes);

    /// <summary>The number of elements of the layer's parameter tensor at <paramref name="position"/>.</summary>
    public int ParameterLength(int position) => _tensors is { } tensors ? tensors[position].Length : Network.ParameterTensors[Layer.ParameterTensors[position]].Length;

    /// <summary>The initializer name (the <c>state_dict</c> key) of the layer's <paramref name="position"/>-th parameter tensor.</summary>
    public string Parameter(int position) => _tensors is { } tensors ? tensors[position].Name : Network.ParameterTensors[Layer.ParameterTensors[position]].Name;

    /// <summary>The initializer name (the <c>state_dict</c> key) of the layer's <paramref name="position"/>-th buffer tensor.</summary>
    public string Buffer(int position) => _tensors is { } tensors ? tensors[ParameterCount + position].Name : Network.BufferTensors[Layer.BufferTensors[position]].Name;

    /// <summary>An integer hyper-parameter of the layer.</summary>
    public long IntOption(string name) => checked((long)Layer.Option(name));

    /// <summary>A float hyper-parameter of the layer (ONNX attributes are single precision).</summary>
    public float FloatOption(string name) => (float)Layer.Option(name);

    /// <summary>Throws unless the layer has <paramref name="parameters"/> or <paramref name="alternativeParameters"/> parameter tensors and <paramref name="buffers"/> buffer tensors.</summary>
    /// <exception cref="InvalidOperationException">The layer description does not match what its kind has.</exception>
    public void ExpectTensors(int parameters, int alternativeParameters, int buffers)
    {
        if ((ParameterCount != parameters && ParameterCount != alternativeParameters) || Layer.BufferTensors.Count != buffers)
        {
            throw new InvalidOperationException(
                $"Layer '{Layer.Name}' ({Layer.Kind}) has {ParameterCount} parameter and {Layer.BufferTensors.Count} buffer tensors; " +
                $"a {Layer.Kind} layer has {parameters} or {alternativeParameters} parameter and {buffers} buffer tensors.");
        }
    }

    /// <summary>Whether the layer's kind is a one-dimensional window (<c>Conv1D</c>, <c>MaxPool1D</c>, <c>AvgPool1D</c>).</summary>
    public bool IsOneDimensional => Layer.Kind.EndsWith("1D", StringComparison.Ordinal);
}
