using System;
using System.Collections.Generic;
using System.ComponentModel;

namespace NetDsl;

/// <summary>
/// The tensors of a layer whose tensors are not one weight and one bias (RNN, LSTM, GRU, multi-head attention), by PyTorch's
/// names without the layer's prefix: <c>view["weight_ih_l0"]</c>, <c>view["out_proj.weight"]</c>,
/// <c>view["bias_hh_l1_reverse"]</c>; their gradients through <see cref="Gradient"/>.
/// </summary>
public readonly struct NamedTensorsView
{
    private readonly AlignedStorage _parameters;
    private readonly AlignedStorage _gradients;
    private readonly TensorInfo[] _tensors;

    /// <summary>Creates the view; generated code calls this with the layer's tensors, in order.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public NamedTensorsView(string name, AlignedStorage parameters, AlignedStorage gradients, params TensorInfo[] tensors)
    {
        Name = name;
        _parameters = parameters;
        _gradients = gradients;
        _tensors = tensors;
    }

    /// <summary>The layer's name, the prefix of its tensors' names.</summary>
    public string Name { get; }

    /// <summary>The layer's tensors in PyTorch's <c>state_dict()</c> order.</summary>
    public IReadOnlyList<TensorInfo> Tensors => _tensors;

    /// <summary>The tensor <paramref name="tensor"/> (for example <c>weight_hh_l0</c>) of the layer.</summary>
    /// <exception cref="KeyNotFoundException">The layer has no tensor of that name.</exception>
    /// <exception cref="InvalidOperationException">The network is frozen (<see cref="NetworkFreezing.Freeze"/>).</exception>
    public TensorView this[string tensor]
    {
        get
        {
            _parameters.ThrowIfFrozen();
            return View(_parameters, tensor, string.Empty);
        }
    }

    /// <summary>The gradient of the tensor <paramref name="tensor"/>.</summary>
    /// <exception cref="KeyNotFoundException">The layer has no tensor of that name.</exception>
    public TensorView Gradient(string tensor) => View(_gradients, tensor, ".grad");

    private TensorView View(AlignedStorage storage, string tensor, string suffix)
    {
        string fullName = Name + "." + tensor;
        foreach (TensorInfo info in _tensors)
        {
            if (info.Name == fullName)
            {
                return new TensorView(storage.Array, info.Name + suffix, storage.Offset + info.Offset, info.Shape.ToArray());
            }
        }

        int prefix = Name.Length + 1;
        throw new KeyNotFoundException($"Layer '{Name}' has no tensor '{tensor}'; its tensors are {string.Join(", ", Array.ConvertAll(_tensors, t => t.Name.Substring(prefix)))}.");
    }
}
