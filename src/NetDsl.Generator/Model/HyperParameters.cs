using System.Collections.Generic;

namespace NetDsl.Generator.Model;

// A layer's hyper-parameters after shape inference: read once from the attribute's arguments by the layer's shape rule,
// with PyTorch's defaults filled in and their domains checked, into one typed, equatable record per family. Emitters
// and descriptors read the members; nothing downstream looks an option up by name.

/// <summary>The hyper-parameters of a layer family that has any (not its window or its tensors, which have their own records).</summary>
internal abstract record HyperParameters
{
    /// <summary>
    /// The hyper-parameters as the runtime's <c>LayerInfo</c> lists them (read by the ONNX exporter), in a fixed order:
    /// the attribute's property names, booleans as 0 and 1.
    /// </summary>
    public abstract IEnumerable<KeyValuePair<string, double>> RuntimeOptions();
}

/// <summary><c>[Dropout(p)]</c>.</summary>
/// <param name="P">The probability of zeroing an element in training, in [0, 1).</param>
internal sealed record DropoutParameters(double P) : HyperParameters
{
    public override IEnumerable<KeyValuePair<string, double>> RuntimeOptions()
    {
        yield return new("P", P);
    }
}

/// <summary><c>[BatchNorm1D]</c>, <c>[BatchNorm2D]</c>.</summary>
/// <param name="Eps">Added to the variance before its square root; positive.</param>
/// <param name="Momentum">The running statistics' update factor, in [0, 1].</param>
internal sealed record BatchNormParameters(double Eps, double Momentum) : HyperParameters
{
    public override IEnumerable<KeyValuePair<string, double>> RuntimeOptions()
    {
        yield return new("Eps", Eps);
        yield return new("Momentum", Momentum);
    }
}

/// <summary><c>[LayerNorm]</c>.</summary>
/// <param name="Eps">Added to the variance before its square root; positive.</param>
/// <param name="PerStep">On a sequence <c>[T, E]</c>: over each step's E features, as <c>nn.LayerNorm(E)</c>, rather than the whole sample.</param>
internal sealed record LayerNormParameters(double Eps, bool PerStep = false) : HyperParameters
{
    public override IEnumerable<KeyValuePair<string, double>> RuntimeOptions()
    {
        yield return new("Eps", Eps);
        yield return new("PerStep", PerStep ? 1 : 0);
    }

    /// <summary>The features normalized together in a layer on <paramref name="input"/>: one step's, or the whole sample's.</summary>
    public int Features(Shape input) => PerStep ? input.Dimensions[input.Rank - 1] : input.ElementCount;

    /// <summary>How many groups of <see cref="Features"/> one sample holds: T per step, else 1.</summary>
    public int GroupsPerSample(Shape input) => PerStep ? input.Dimensions[0] : 1;
}

/// <summary><c>[PReLU]</c>, <c>[PReLU(numParameters)]</c>.</summary>
/// <param name="NumParameters">PyTorch's <c>num_parameters</c>: 1 (one slope for every channel) or one slope per channel.</param>
internal sealed record PReluParameters(int NumParameters) : HyperParameters
{
    public override IEnumerable<KeyValuePair<string, double>> RuntimeOptions()
    {
        yield return new("NumParameters", NumParameters);
    }
}

/// <summary><c>[AvgPool1D]</c>, <c>[AvgPool2D]</c> (max pools have none besides their window).</summary>
/// <param name="CountIncludePad">Whether padded positions count in the divisor, as PyTorch's <c>count_include_pad</c>.</param>
internal sealed record AveragePoolParameters(bool CountIncludePad) : HyperParameters
{
    public override IEnumerable<KeyValuePair<string, double>> RuntimeOptions()
    {
        yield return new("CountIncludePad", CountIncludePad ? 1 : 0);
    }
}

/// <summary><c>[GELU]</c>.</summary>
/// <param name="TanhApproximation">PyTorch's <c>approximate='tanh'</c> rather than the exact erf form.</param>
internal sealed record GeluParameters(bool TanhApproximation) : HyperParameters
{
    public override IEnumerable<KeyValuePair<string, double>> RuntimeOptions()
    {
        yield return new("TanhApproximation", TanhApproximation ? 1 : 0);
    }
}

/// <summary>
/// An element-wise activation's numeric hyper-parameters (<c>LeakyReLU</c>'s slope, <c>ELU</c>'s alpha, <c>Softplus</c>'s
/// beta and threshold), in the order the runtime's activation methods take them after the tensors.
/// </summary>
/// <param name="Values">Each hyper-parameter with its attribute property name, defaults resolved.</param>
internal sealed record ActivationParameters(EquatableArray<NamedValue> Values) : HyperParameters
{
    public override IEnumerable<KeyValuePair<string, double>> RuntimeOptions()
    {
        foreach (NamedValue value in Values)
        {
            yield return new(value.Name, value.Value);
        }
    }
}

/// <summary>A resolved numeric hyper-parameter with the attribute property it came from.</summary>
internal sealed record NamedValue(string Name, double Value);

/// <summary><c>[RNN(h)]</c>, <c>[LSTM(h)]</c>, <c>[GRU(h)]</c>.</summary>
/// <param name="Hidden">The hidden size H, positive.</param>
/// <param name="Layers">The number of stacked layers, at least 1.</param>
/// <param name="Bidirectional">Whether a second direction reads the sequence backwards.</param>
/// <param name="ReturnSequences">Whether the output is every step's state rather than the final one.</param>
/// <param name="Bias">Whether the layer has <c>bias_ih</c> and <c>bias_hh</c>.</param>
/// <param name="ReLU">RNN only: <c>nonlinearity='relu'</c> instead of tanh.</param>
internal sealed record RecurrentParameters(int Hidden, int Layers, bool Bidirectional, bool ReturnSequences, bool Bias, bool ReLU) : HyperParameters
{
    public int Directions => Bidirectional ? 2 : 1;

    public override IEnumerable<KeyValuePair<string, double>> RuntimeOptions()
    {
        yield return new("Hidden", Hidden);
        yield return new("Layers", Layers);
        yield return new("Bidirectional", Bidirectional ? 1 : 0);
        yield return new("ReturnSequences", ReturnSequences ? 1 : 0);
        yield return new("Bias", Bias ? 1 : 0);
        yield return new("ReLU", ReLU ? 1 : 0);
    }
}

/// <summary><c>[Embedding(vocabulary, dimension)]</c>.</summary>
/// <param name="Vocabulary">The number of embeddings V (PyTorch's <c>num_embeddings</c>), positive.</param>
/// <param name="Dimension">The size D of each embedding, positive.</param>
/// <param name="PaddingIndex">The row that stays zero and gets no gradient, in [0, V) (a negative PyTorch index resolved), or -1 for none.</param>
internal sealed record EmbeddingParameters(int Vocabulary, int Dimension, int PaddingIndex) : HyperParameters
{
    public override IEnumerable<KeyValuePair<string, double>> RuntimeOptions()
    {
        yield return new("NumEmbeddings", Vocabulary);
        yield return new("EmbeddingDim", Dimension);
        yield return new("PaddingIndex", PaddingIndex);
    }
}

/// <summary><c>[PositionalEncoding]</c>.</summary>
/// <param name="Learned">A learned table <c>weight [T, E]</c> rather than the fixed sinusoids.</param>
internal sealed record PositionalEncodingParameters(bool Learned) : HyperParameters
{
    public override IEnumerable<KeyValuePair<string, double>> RuntimeOptions()
    {
        yield return new("Learned", Learned ? 1 : 0);
    }
}

/// <summary><c>[MultiheadAttention(heads)]</c>.</summary>
/// <param name="Heads">The number of heads; the model dimension divides by it.</param>
/// <param name="Causal">Whether each step attends only to itself and earlier steps.</param>
internal sealed record AttentionParameters(int Heads, bool Causal) : HyperParameters
{
    public override IEnumerable<KeyValuePair<string, double>> RuntimeOptions()
    {
        yield return new("Heads", Heads);
        yield return new("Causal", Causal ? 1 : 0);
    }
}
