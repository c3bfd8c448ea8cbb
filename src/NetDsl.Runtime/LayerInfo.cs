using System;
using System.Collections.Generic;
using System.ComponentModel;

namespace NetDsl;

/// <summary>
/// One layer of a generated network as its declaration and shape inference describe it: what exporters (ONNX) and
/// tools need to rebuild the architecture without reflection.
/// </summary>
public sealed class LayerInfo
{
    private readonly int[] _inputShape;
    private readonly int[] _outputShape;
    private readonly Dictionary<string, double> _options;

    /// <summary>Describes a layer; generated code calls this.</summary>
    /// <param name="name">The layer's name (the prefix of its tensors).</param>
    /// <param name="kind">The attribute's name: <c>Linear</c>, <c>Conv2D</c>, <c>ReLU</c>, <c>Residual</c>, ...</param>
    /// <param name="inputShape">The shape of one sample it receives.</param>
    /// <param name="outputShape">The shape of one sample it produces.</param>
    /// <param name="parameterTensors">The indices of its tensors in the network's <c>ParameterTensors</c>.</param>
    /// <param name="bufferTensors">The indices of its tensors in the network's <c>BufferTensors</c>.</param>
    /// <param name="optionNames">The names of its hyper-parameters (see <see cref="Option"/>).</param>
    /// <param name="optionValues">Their values, with defaults resolved.</param>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public LayerInfo(string name, string kind, int[] inputShape, int[] outputShape, int[] parameterTensors, int[] bufferTensors, string[] optionNames, double[] optionValues)
    {
        ArgumentNullException.ThrowIfNull(optionNames);
        ArgumentNullException.ThrowIfNull(optionValues);
        if (optionNames.Length != optionValues.Length)
        {
            throw new ArgumentException($"Expected one value per option name ({optionNames.Length}), but got {optionValues.Length}.", nameof(optionValues));
        }

        Name = name;
        Kind = kind;
        _inputShape = (int[])inputShape.Clone();
        _outputShape = (int[])outputShape.Clone();
        ParameterTensors = (int[])parameterTensors.Clone();
        BufferTensors = (int[])bufferTensors.Clone();
        _options = new Dictionary<string, double>(optionNames.Length, StringComparer.Ordinal);
        for (int i = 0; i < optionNames.Length; i++)
        {
            _options[optionNames[i]] = optionValues[i];
        }
    }

    /// <summary>The layer's name.</summary>
    public string Name { get; }

    /// <summary>The attribute's name: <c>Linear</c>, <c>Conv2D</c>, <c>MaxPool2D</c>, <c>ReLU</c>, <c>Residual</c>, <c>EndResidual</c>, ...</summary>
    public string Kind { get; }

    /// <summary>The shape of one input sample.</summary>
    public ReadOnlySpan<int> InputShape => _inputShape;

    /// <summary>The shape of one output sample.</summary>
    public ReadOnlySpan<int> OutputShape => _outputShape;

    /// <summary>The indices of the layer's tensors in the network's <see cref="INetwork.ParameterTensors"/> (weight first).</summary>
    public IReadOnlyList<int> ParameterTensors { get; }

    /// <summary>The indices of the layer's tensors in the network's <see cref="INetwork.BufferTensors"/>.</summary>
    public IReadOnlyList<int> BufferTensors { get; }

    /// <summary>The names of the layer's hyper-parameters.</summary>
    public IEnumerable<string> OptionNames => _options.Keys;

    /// <summary>
    /// A hyper-parameter: <c>KernelHeight</c>, <c>KernelWidth</c>, <c>StrideHeight</c>, <c>StrideWidth</c>, <c>PadTop</c>,
    /// <c>PadLeft</c>, <c>PadBottom</c>, <c>PadRight</c>, <c>DilationHeight</c>, <c>DilationWidth</c> (convolutions and pools),
    /// <c>CountIncludePad</c>, <c>P</c> (dropout), <c>Eps</c>, <c>Momentum</c>, <c>NegativeSlope</c>, <c>Alpha</c>,
    /// <c>TanhApproximation</c>, and for <c>EndResidual</c> <c>BlockStart</c>, the index of its <c>Residual</c> layer.
    /// </summary>
    /// <exception cref="KeyNotFoundException">The layer has no such option.</exception>
    public double Option(string name) => _options.TryGetValue(name, out double value)
        ? value
        : throw new KeyNotFoundException($"Layer '{Name}' ({Kind}) has no option '{name}'; it has: {string.Join(", ", _options.Keys)}.");

    /// <summary>Whether the layer has the option <paramref name="name"/>.</summary>
    public bool HasOption(string name) => _options.ContainsKey(name);

    /// <inheritdoc/>
    public override string ToString() => $"{Name}: {Kind} [{string.Join(", ", _inputShape)}] -> [{string.Join(", ", _outputShape)}]";
}
