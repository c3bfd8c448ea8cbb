using System;
using System.ComponentModel;

namespace NetDsl;

/// <summary>The parameters and gradients of one <c>Linear</c> layer of a network, in PyTorch's layouts.</summary>
public readonly struct LinearLayerView
{
    private readonly AlignedStorage _parameters;
    private readonly AlignedStorage _gradients;
    private readonly int _weightOffset;
    private readonly int _biasOffset;

    /// <summary>Creates the view; generated code calls this. <paramref name="biasOffset"/> is -1 for a layer without bias.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public LinearLayerView(AlignedStorage parameters, AlignedStorage gradients, string name, int weightOffset, int biasOffset, int inFeatures, int outFeatures)
    {
        _parameters = parameters;
        _gradients = gradients;
        Name = name;
        _weightOffset = weightOffset;
        _biasOffset = biasOffset;
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
    }

    /// <summary>The layer's name, the prefix of its tensors' names.</summary>
    public string Name { get; }

    /// <summary>The number of inputs.</summary>
    public int InFeatures { get; }

    /// <summary>The number of outputs.</summary>
    public int OutFeatures { get; }

    /// <summary>Whether the layer has a bias.</summary>
    public bool HasBias => _biasOffset >= 0;

    /// <summary>The weight, <c>[out, in]</c>: <c>Weight[o, i]</c> connects input <c>i</c> to output <c>o</c>.</summary>
    /// <exception cref="InvalidOperationException">The network is frozen (<see cref="NetworkFreezing.Freeze"/>).</exception>
    public TensorView Weight => new(AlignedStorage.Writable(_parameters).Array, Name + ".weight", _parameters.Offset + _weightOffset, OutFeatures, InFeatures, isVector: false);

    /// <summary>The bias, <c>[out]</c>.</summary>
    /// <exception cref="InvalidOperationException">The layer was declared with <c>Bias = false</c>.</exception>
    /// <exception cref="InvalidOperationException">The network is frozen (<see cref="NetworkFreezing.Freeze"/>).</exception>
    public TensorView Bias => new(AlignedStorage.Writable(_parameters).Array, Name + ".bias", _parameters.Offset + BiasOffset, 1, OutFeatures, isVector: true);

    /// <summary>The gradient of <see cref="Weight"/>.</summary>
    public TensorView WeightGradient => new(_gradients.Array, Name + ".weight.grad", _gradients.Offset + _weightOffset, OutFeatures, InFeatures, isVector: false);

    /// <summary>The gradient of <see cref="Bias"/>.</summary>
    /// <exception cref="InvalidOperationException">The layer was declared with <c>Bias = false</c>.</exception>
    public TensorView BiasGradient => new(_gradients.Array, Name + ".bias.grad", _gradients.Offset + BiasOffset, 1, OutFeatures, isVector: true);

    private int BiasOffset => HasBias
        ? _biasOffset
        : throw new InvalidOperationException($"Layer '{Name}' was declared with Bias = false and has no bias.");
}
