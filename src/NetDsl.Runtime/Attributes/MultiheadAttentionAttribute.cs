using System;

namespace NetDsl;

/// <summary>
/// Multi-head self-attention on a sequence <c>[T, E]</c>, as PyTorch's <c>nn.MultiheadAttention(E, heads,
/// batch_first=True)</c> called with query = key = value: tensors <c>in_proj_weight [3E, E]</c> (Xavier uniform),
/// <c>in_proj_bias [3E]</c> (0), <c>out_proj.weight [E, E]</c> (uniform ±1/√E) and <c>out_proj.bias [E]</c> (0). E must
/// divide by the number of heads. With <see cref="Causal"/>, step t attends to steps 0..t only (PyTorch's
/// <c>is_causal</c> mask). It needs a sequence of steps (a recurrent layer's every-step output, an embedding, a per-step Linear).
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class MultiheadAttentionAttribute : LayerAttribute
{
    /// <summary>Attention with <paramref name="heads"/> heads.</summary>
    public MultiheadAttentionAttribute(int heads) => Heads = heads;

    /// <summary>The number of heads.</summary>
    public int Heads { get; }

    /// <summary>Whether each step attends only to itself and the steps before it (default false).</summary>
    public bool Causal { get; set; }
}
