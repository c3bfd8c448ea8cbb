using System;

namespace NetDsl;

/// <summary>The element-wise function of an <see cref="RNNAttribute"/> layer (PyTorch's <c>nonlinearity</c>).</summary>
public enum RnnNonlinearity
{
    /// <summary><c>tanh</c>, PyTorch's default.</summary>
    Tanh,

    /// <summary><c>relu</c>.</summary>
    ReLU,
}

/// <summary>
/// The options every recurrent layer shares, as PyTorch's <c>nn.RNN</c>, <c>nn.LSTM</c> and <c>nn.GRU</c> with
/// <c>batch_first=True</c>: the layer reads a sequence <c>[T, F]</c> (T steps of F features) from zero initial states.
/// Its parameters, for stacked layer <c>k</c> and direction suffix <c>s</c> (empty, or <c>_reverse</c>), are
/// <c>weight_ih_l{k}{s}</c> <c>[G*H, input]</c>, <c>weight_hh_l{k}{s}</c> <c>[G*H, H]</c>, <c>bias_ih_l{k}{s}</c> and
/// <c>bias_hh_l{k}{s}</c> <c>[G*H]</c> (G gates: 1 for RNN, 4 for LSTM, 3 for GRU), all initialized uniform in
/// <c>±1/sqrt(H)</c>, in PyTorch's <c>state_dict()</c> order, so a PyTorch checkpoint loads unchanged.
/// </summary>
public abstract class RecurrentLayerAttribute : LayerAttribute
{
    /// <summary>A layer with <paramref name="hidden"/> features of state per direction.</summary>
    protected RecurrentLayerAttribute(int hidden) => Hidden = hidden;

    /// <summary>The hidden size H.</summary>
    public int Hidden { get; }

    /// <summary>The number of stacked layers (PyTorch's <c>num_layers</c>, default 1); each reads the previous one's sequence.</summary>
    public int Layers { get; set; } = 1;

    /// <summary>Whether a second direction reads the sequence backwards; its states follow the forward ones in every output step.</summary>
    public bool Bidirectional { get; set; }

    /// <summary>
    /// Whether the output is every step's state, <c>[T, H]</c> (<c>[T, 2H]</c> bidirectional; PyTorch's <c>output</c>,
    /// the default), or only the final state of the last layer, <c>[H]</c> (<c>[2H]</c>: the forward direction's state after
    /// the last step, then the reverse direction's after the first; PyTorch's <c>h_n</c>).
    /// </summary>
    public bool ReturnSequences { get; set; } = true;

    /// <summary>Whether the layer has the biases <c>bias_ih</c> and <c>bias_hh</c> (default true).</summary>
    public bool Bias { get; set; } = true;
}

/// <summary>
/// An Elman recurrent layer, as PyTorch's <c>nn.RNN</c>: <c>h_t = act(W_ih x_t + b_ih + W_hh h_(t-1) + b_hh)</c>.
/// See <see cref="RecurrentLayerAttribute"/> for the options and parameters.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class RNNAttribute : RecurrentLayerAttribute
{
    /// <summary>A layer with <paramref name="hidden"/> features of state.</summary>
    public RNNAttribute(int hidden)
        : base(hidden)
    {
    }

    /// <summary>The function <c>act</c> (default <see cref="RnnNonlinearity.Tanh"/>).</summary>
    public RnnNonlinearity Nonlinearity { get; set; } = RnnNonlinearity.Tanh;
}

/// <summary>
/// A long short-term memory layer, as PyTorch's <c>nn.LSTM</c>, gates in PyTorch's order i, f, g, o:
/// <c>c_t = f * c_(t-1) + i * g</c>, <c>h_t = o * tanh(c_t)</c>. See <see cref="RecurrentLayerAttribute"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class LSTMAttribute : RecurrentLayerAttribute
{
    /// <summary>A layer with <paramref name="hidden"/> features of state.</summary>
    public LSTMAttribute(int hidden)
        : base(hidden)
    {
    }
}

/// <summary>
/// A gated recurrent unit layer, as PyTorch's <c>nn.GRU</c>, gates in PyTorch's order r, z, n with <c>b_hn</c> inside
/// the reset product: <c>n = tanh(W_in x + b_in + r * (W_hn h + b_hn))</c>, <c>h_t = (1 - z) * n + z * h_(t-1)</c>.
/// See <see cref="RecurrentLayerAttribute"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class GRUAttribute : RecurrentLayerAttribute
{
    /// <summary>A layer with <paramref name="hidden"/> features of state.</summary>
    public GRUAttribute(int hidden)
        : base(hidden)
    {
    }
}
