using System;
using System.ComponentModel;

namespace NetDsl.Generated;

/// <summary>The cell of a recurrent layer.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public enum RecurrentCell
{
    /// <summary><c>nn.RNN(nonlinearity='tanh')</c>.</summary>
    RnnTanh,

    /// <summary><c>nn.RNN(nonlinearity='relu')</c>.</summary>
    RnnReLU,

    /// <summary><c>nn.LSTM</c>: gates i, f, g, o.</summary>
    Lstm,

    /// <summary><c>nn.GRU</c>: gates r, z, n.</summary>
    Gru,
}

/// <summary>
/// The shape of a recurrent layer on samples <c>[Steps, InputSize]</c>, as PyTorch's <c>nn.RNN</c>/<c>nn.LSTM</c>/<c>nn.GRU</c>
/// with <c>batch_first=True</c>. Generated code creates one per layer with constants. It also fixes two layouts the
/// kernels share with the generator:
/// <list type="bullet">
/// <item>Parameters: one block per stacked layer and direction (layer 0 forward, layer 0 reverse, layer 1 forward...),
/// each <c>weight_ih [G*H, input]</c>, <c>weight_hh [G*H, H]</c>, then with <see cref="Bias"/> <c>bias_ih [G*H]</c> and
/// <c>bias_hh [G*H]</c>: PyTorch's <c>state_dict()</c> order.</item>
/// <item>The workspace of one sample (<see cref="WorkspaceSize"/> floats), which training keeps from the forward pass for
/// backpropagation through time: per block, every step's hidden state <c>[T, H]</c>; for LSTM every cell state
/// <c>[T, H]</c> and for GRU every <c>W_hn h + b_hn</c> <c>[T, H]</c>; for LSTM and GRU every step's gate activations
/// <c>[T, G*H]</c>; for LSTM every <c>tanh(c_t)</c> <c>[T, H]</c>, which the backward pass reads instead of recomputing it; then
/// the output sequence <c>[T, D*H]</c> of every stacked layer but the last.</item>
/// </list>
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly record struct RecurrentGeometry(
    RecurrentCell Cell,
    int Steps,
    int InputSize,
    int Hidden,
    int Layers,
    bool Bidirectional,
    bool ReturnSequences,
    bool Bias)
{
    /// <summary>1, or 2 when bidirectional.</summary>
    public int Directions => Bidirectional ? 2 : 1;

    /// <summary>G: 1 (RNN), 4 (LSTM) or 3 (GRU).</summary>
    public int Gates => Cell switch
    {
        RecurrentCell.Lstm => 4,
        RecurrentCell.Gru => 3,
        _ => 1,
    };

    /// <summary>G*H, the rows of each weight.</summary>
    public int GateWidth => Gates * Hidden;

    /// <summary>D*H, the features of each step of a layer's output sequence.</summary>
    public int SequenceWidth => Directions * Hidden;

    /// <summary>Floats in one input sample, <c>T*F</c>.</summary>
    public int SampleInputSize => Steps * InputSize;

    /// <summary>Floats in one output sample: <c>T*D*H</c>, or <c>D*H</c> without <see cref="ReturnSequences"/>.</summary>
    public int SampleOutputSize => ReturnSequences ? Steps * SequenceWidth : SequenceWidth;

    /// <summary>The number of parameters of all blocks.</summary>
    public int ParameterCount
    {
        get
        {
            int count = 0;
            for (int layer = 0; layer < Layers; layer++)
            {
                count += Directions * BlockParameterCount(layer);
            }

            return count;
        }
    }

    /// <summary>Floats of state one stream carries between steps: every stacked layer's hidden state, then (LSTM) its cell state.</summary>
    public int StreamStateSize => Layers * Hidden * (Cell == RecurrentCell.Lstm ? 2 : 1);

    /// <summary>The workspace floats of one sample (see the type's summary).</summary>
    public int WorkspaceSize => (Layers * Directions * BlockWorkspaceSize) + ((Layers - 1) * Steps * SequenceWidth);

    /// <summary>The input features of stacked layer <paramref name="layer"/>.</summary>
    internal int LayerInputSize(int layer) => layer == 0 ? InputSize : SequenceWidth;

    internal int BlockParameterCount(int layer) => (GateWidth * (LayerInputSize(layer) + Hidden)) + (Bias ? 2 * GateWidth : 0);

    /// <summary>Whether the cell keeps a second state per step (LSTM's cell state, GRU's <c>W_hn h + b_hn</c>) and its gates.</summary>
    internal bool IsGated => Cell is RecurrentCell.Lstm or RecurrentCell.Gru;

    /// <summary>One block's workspace: h <c>[T, H]</c>; gated cells the second state <c>[T, H]</c> and the gates <c>[T, G*H]</c>; LSTM <c>tanh(c)</c> <c>[T, H]</c>.</summary>
    internal int BlockWorkspaceSize => Cell switch
    {
        RecurrentCell.Lstm => Steps * ((3 * Hidden) + GateWidth),
        RecurrentCell.Gru => Steps * ((2 * Hidden) + GateWidth),
        _ => Steps * Hidden,
    };

    /// <summary>Throws unless the geometry describes a layer (a bug in generated code, never user input).</summary>
    internal void Validate()
    {
        if (Steps <= 0 || InputSize <= 0 || Hidden <= 0 || Layers <= 0)
        {
            throw new ArgumentException($"A recurrent layer needs positive steps, input size, hidden size and layers, but got {this}.");
        }
    }
}
