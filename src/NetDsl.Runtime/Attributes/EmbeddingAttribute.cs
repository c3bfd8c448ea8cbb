using System;

namespace NetDsl;

/// <summary>
/// A lookup table, as PyTorch's <c>nn.Embedding(num_embeddings, embedding_dim)</c>: the network's input holds T token
/// indices (declare <c>[Input(T)]</c>, each index a whole number stored as a float), and the layer outputs their rows of
/// <c>weight</c> <c>[V, D]</c>, a sequence <c>[T, D]</c>. The weight starts from the standard normal distribution. It
/// must be the first layer. An index outside <c>[0, V)</c> or not a whole number is an
/// <see cref="ArgumentOutOfRangeException"/> naming the index, its position and the vocabulary size.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class EmbeddingAttribute : LayerAttribute
{
    /// <summary>A table of <paramref name="numEmbeddings"/> rows of <paramref name="embeddingDim"/> values.</summary>
    public EmbeddingAttribute(int numEmbeddings, int embeddingDim)
    {
        NumEmbeddings = numEmbeddings;
        EmbeddingDim = embeddingDim;
    }

    /// <summary>The vocabulary size V.</summary>
    public int NumEmbeddings { get; }

    /// <summary>The size D of each embedding.</summary>
    public int EmbeddingDim { get; }

    /// <summary>
    /// PyTorch's <c>padding_idx</c>: the row that starts at zero and receives no gradient (a negative index counts from
    /// the end). Unset (the default) means none.
    /// </summary>
    public int PaddingIndex { get; set; } = int.MinValue;
}
