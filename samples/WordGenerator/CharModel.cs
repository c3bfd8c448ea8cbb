using NetDsl;

namespace WordGenerator;

// The previous 8 characters of a word (token indices, oldest first, left-padded with the start/padding token 0) ->
// 16-dimensional embeddings -> a GRU of 128 units whose final state feeds one linear layer: the logits of the next
// token (the end marker or a letter). The generator writes the rest of this class: forward, backpropagation through
// time, parameters under PyTorch's names (embedding.weight, gru.weight_ih_l0, ..., head.weight, head.bias).
[Network]
[Input(Context)]
[Embedding(CharVocabulary.Size, 16, PaddingIndex = CharVocabulary.Padding, Name = "embedding")]
[GRU(128, ReturnSequences = false, Name = "gru")]
[Linear(CharVocabulary.Size, Name = "head")]
public partial class CharModel
{
    /// <summary>The characters each prediction reads.</summary>
    public const int Context = 8;
}
