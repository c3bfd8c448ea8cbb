using System;

namespace NetDsl;

/// <summary>
/// Adds a position to every step of a sequence <c>[T, E]</c>: by default the sinusoidal encoding of "Attention Is All You
/// Need" (as PyTorch's tutorial <c>PositionalEncoding</c> builds it: <c>pe[t, 2i] = sin(t / 10000^(2i/E))</c>,
/// <c>pe[t, 2i+1] = cos(t / 10000^(2i/E))</c>; no parameters), or with <see cref="Learned"/> a learned table
/// <c>weight [T, E]</c> started from the standard normal distribution, as an <c>nn.Embedding(T, E)</c> of positions would be.
/// It needs a sequence of steps (a recurrent layer's every-step output, an embedding, a per-step Linear).
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class PositionalEncodingAttribute : LayerAttribute
{
    /// <summary>Whether the encoding is a learned parameter instead of the fixed sinusoids (default false).</summary>
    public bool Learned { get; set; }
}
