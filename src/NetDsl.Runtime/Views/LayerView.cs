using System;
using System.ComponentModel;

namespace NetDsl;

/// <summary>
/// The tensors of one layer with parameters or buffers (a convolution, a normalization), in PyTorch's layouts:
/// <c>Weight</c>, <c>Bias</c>, their gradients, and for batch normalization <c>RunningMean</c> and <c>RunningVar</c>.
/// </summary>
public readonly struct LayerView
{
    private readonly AlignedStorage _parameters;
    private readonly AlignedStorage _gradients;
    private readonly float[] _buffers;
    private readonly TensorInfo? _weight;
    private readonly TensorInfo? _bias;
    private readonly TensorInfo? _runningMean;
    private readonly TensorInfo? _runningVariance;

    /// <summary>Creates the view; generated code calls this. Absent tensors are null.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public LayerView(string name, AlignedStorage parameters, AlignedStorage gradients, float[] buffers, TensorInfo? weight, TensorInfo? bias, TensorInfo? runningMean, TensorInfo? runningVariance)
    {
        Name = name;
        _parameters = parameters;
        _gradients = gradients;
        _buffers = buffers;
        _weight = weight;
        _bias = bias;
        _runningMean = runningMean;
        _runningVariance = runningVariance;
    }

    /// <summary>The layer's name, the prefix of its tensors' names.</summary>
    public string Name { get; }

    /// <summary>Whether the layer has a weight.</summary>
    public bool HasWeight => _weight is not null;

    /// <summary>Whether the layer has a bias.</summary>
    public bool HasBias => _bias is not null;

    /// <summary>The weight (<c>[out, in, kh, kw]</c> for Conv2D, <c>[C]</c> for a normalization).</summary>
    /// <exception cref="InvalidOperationException">The network is frozen (<see cref="NetworkFreezing.Freeze"/>).</exception>
    public TensorView Weight => View(AlignedStorage.Writable(_parameters).Array, _parameters.Offset, _weight, "weight");

    /// <summary>The bias.</summary>
    /// <exception cref="InvalidOperationException">The network is frozen (<see cref="NetworkFreezing.Freeze"/>).</exception>
    public TensorView Bias => View(AlignedStorage.Writable(_parameters).Array, _parameters.Offset, _bias, "bias");

    /// <summary>The gradient of <see cref="Weight"/>.</summary>
    public TensorView WeightGradient => View(_gradients.Array, _gradients.Offset, _weight, "weight", ".grad");

    /// <summary>The gradient of <see cref="Bias"/>.</summary>
    public TensorView BiasGradient => View(_gradients.Array, _gradients.Offset, _bias, "bias", ".grad");

    /// <summary>Batch normalization's running mean.</summary>
    public TensorView RunningMean => View(_buffers, 0, _runningMean, "running_mean");

    /// <summary>Batch normalization's running variance.</summary>
    public TensorView RunningVar => View(_buffers, 0, _runningVariance, "running_var");

    private TensorView View(float[] storage, int baseOffset, TensorInfo? tensor, string role, string suffix = "") => tensor is null
        ? throw new InvalidOperationException($"Layer '{Name}' has no {role}.")
        : new TensorView(storage, tensor.Name + suffix, baseOffset + tensor.Offset, tensor.Shape.ToArray());
}
