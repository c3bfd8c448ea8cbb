using System;
using System.ComponentModel;
using System.Numerics.Tensors;

namespace NetDsl.Generated;

/// <summary>The shape of a self-attention layer on samples <c>[Steps, ModelDim]</c>; generated code creates one per layer with constants.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly record struct AttentionGeometry(int Steps, int ModelDim, int Heads, bool Causal)
{
    /// <summary>The features of one head, <c>E / heads</c>.</summary>
    public int HeadDim => ModelDim / Heads;

    /// <summary>Floats of one sample, <c>T * E</c>, in and out.</summary>
    public int SampleSize => Steps * ModelDim;

    /// <summary>
    /// The workspace floats of one sample, kept from training's forward pass for the backward pass: the projections
    /// <c>[T, 3E]</c> (q, k, v of every step), every head's attention weights <c>[heads, T, T]</c>, the heads' outputs <c>[T, E]</c>.
    /// </summary>
    public int WorkspaceSize => (3 * SampleSize) + (Heads * Steps * Steps) + SampleSize;

    /// <summary><c>in_proj_weight [3E, E]</c>, <c>in_proj_bias [3E]</c>, <c>out_proj.weight [E, E]</c>, <c>out_proj.bias [E]</c>.</summary>
    public int ParameterCount => (4 * ModelDim * ModelDim) + (4 * ModelDim);
}

/// <summary>
/// Multi-head self-attention over a batch of sequences <c>[batch, T, E]</c>, as PyTorch's <c>nn.MultiheadAttention</c>
/// with query = key = value = x and <c>batch_first=True</c>: <c>q, k, v = x W_inᵀ + b_in</c> (split in three),
/// per head <c>softmax(q kᵀ / sqrt(d) [+ causal mask]) v</c>, the heads concatenated, then <c>out_proj</c>. The
/// projections go through the fully connected kernels; the softmax subtracts each row's maximum, as PyTorch's does.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class AttentionKernels
{
    [ThreadStatic]
    private static float[]? t_workspace;

    [ThreadStatic]
    private static float[]? t_scratch;

    /// <summary>Forward over the batch; training passes a <paramref name="workspace"/> of <c>batch * WorkspaceSize</c> floats for <see cref="Backward"/>, inference an empty one.</summary>
    public static void Forward(in AttentionGeometry g, ReadOnlySpan<float> x, ReadOnlySpan<float> parameters, Span<float> y, Span<float> workspace, int batch)
    {
        Check(g, x.Length, y.Length, parameters.Length, batch);
        bool keep = !workspace.IsEmpty;
        if (keep && workspace.Length < (long)batch * g.WorkspaceSize)
        {
            throw new ArgumentException($"The attention workspace holds {workspace.Length} floats, but {(long)batch * g.WorkspaceSize} are needed.");
        }

        Span<float> sampleWorkspace = keep ? default : ThreadScratch.Of(ref t_workspace, g.WorkspaceSize);
        for (int n = 0; n < batch; n++)
        {
            ForwardSample(g, x.Slice(n * g.SampleSize, g.SampleSize), parameters, y.Slice(n * g.SampleSize, g.SampleSize), keep ? workspace.Slice(n * g.WorkspaceSize, g.WorkspaceSize) : sampleWorkspace);
        }
    }

    /// <summary>Backward of the last training forward pass: adds the parameter gradients, and writes the input gradient unless <paramref name="dx"/> is empty.</summary>
    public static void Backward(in AttentionGeometry g, ReadOnlySpan<float> x, ReadOnlySpan<float> parameters, Span<float> gradients, ReadOnlySpan<float> workspace, ReadOnlySpan<float> dy, Span<float> dx, int batch)
    {
        Check(g, x.Length, dy.Length, parameters.Length, batch);
        if (gradients.Length < g.ParameterCount || workspace.Length < (long)batch * g.WorkspaceSize || (!dx.IsEmpty && dx.Length < (long)batch * g.SampleSize))
        {
            throw new ArgumentException("The attention backward pass got a gradient, workspace or input-gradient span that is too short.");
        }

        int e = g.ModelDim;
        Span<float> scratch = ThreadScratch.Of(ref t_scratch, (4 * g.SampleSize) + g.Steps);
        Span<float> outputGradient = scratch.Slice(0, g.SampleSize);
        Span<float> projectionGradient = scratch.Slice(g.SampleSize, 3 * g.SampleSize);
        Span<float> rowGradient = scratch.Slice(4 * g.SampleSize, g.Steps);
        Parameters p = new(parameters, e);
        Gradients grad = new(gradients, e);
        for (int n = 0; n < batch; n++)
        {
            ReadOnlySpan<float> sample = x.Slice(n * g.SampleSize, g.SampleSize);
            ReadOnlySpan<float> w = workspace.Slice(n * g.WorkspaceSize, g.WorkspaceSize);
            ReadOnlySpan<float> qkv = w.Slice(0, 3 * g.SampleSize);
            ReadOnlySpan<float> weights = w.Slice(3 * g.SampleSize, g.Heads * g.Steps * g.Steps);
            ReadOnlySpan<float> heads = w.Slice((3 * g.SampleSize) + (g.Heads * g.Steps * g.Steps), g.SampleSize);
            ReadOnlySpan<float> sampleDy = dy.Slice(n * g.SampleSize, g.SampleSize);

            LinearKernels.AccumulateParameterGradients(heads, sampleDy, grad.OutWeight, grad.OutBias, g.Steps, e, e);
            LinearKernels.BackwardInput(sampleDy, p.OutWeight, outputGradient, g.Steps, e, e);
            projectionGradient.Clear();
            HeadsBackward(g, qkv, weights, outputGradient, projectionGradient, rowGradient);
            LinearKernels.AccumulateParameterGradients(sample, projectionGradient, grad.InWeight, grad.InBias, g.Steps, e, 3 * e);
            if (!dx.IsEmpty)
            {
                LinearKernels.BackwardInput(projectionGradient, p.InWeight, dx.Slice(n * g.SampleSize, g.SampleSize), g.Steps, e, 3 * e);
            }
        }
    }

    private static void ForwardSample(in AttentionGeometry g, ReadOnlySpan<float> x, ReadOnlySpan<float> parameters, Span<float> y, Span<float> workspace)
    {
        int steps = g.Steps;
        int e = g.ModelDim;
        int d = g.HeadDim;
        Parameters p = new(parameters, e);
        Span<float> qkv = workspace.Slice(0, 3 * g.SampleSize);
        Span<float> weights = workspace.Slice(3 * g.SampleSize, g.Heads * steps * steps);
        Span<float> heads = workspace.Slice((3 * g.SampleSize) + (g.Heads * steps * steps), g.SampleSize);
        LinearKernels.Forward(x, p.InWeight, p.InBias, qkv, steps, e, 3 * e);
        float scale = 1f / MathF.Sqrt(d);
        heads.Clear();
        for (int h = 0; h < g.Heads; h++)
        {
            for (int i = 0; i < steps; i++)
            {
                Span<float> row = weights.Slice(((h * steps) + i) * steps, steps);
                ReadOnlySpan<float> q = qkv.Slice((i * 3 * e) + (h * d), d);
                int visible = g.Causal ? i + 1 : steps;
                for (int j = 0; j < visible; j++)
                {
                    row[j] = TensorPrimitives.Dot(q, qkv.Slice((j * 3 * e) + e + (h * d), d)) * scale;
                }

                // Softmax over the visible steps; a causal row gives the later steps weight 0 (exp(-inf)).
                Span<float> seen = row.Slice(0, visible);
                float max = TensorPrimitives.Max(seen);
                TensorPrimitives.Subtract(seen, max, seen);
                TensorPrimitives.Exp(seen, seen);
                TensorPrimitives.Divide(seen, TensorPrimitives.Sum(seen), seen);
                row.Slice(visible).Clear();

                Span<float> output = heads.Slice((i * e) + (h * d), d);
                for (int j = 0; j < visible; j++)
                {
                    TensorPrimitives.MultiplyAdd(qkv.Slice((j * 3 * e) + (2 * e) + (h * d), d), row[j], output, output);
                }
            }
        }

        LinearKernels.Forward(heads, p.OutWeight, p.OutBias, y, steps, e, e);
    }

    /// <summary>From the gradient of the heads' outputs to that of the projections q, k, v (added to <paramref name="dqkv"/>).</summary>
    private static void HeadsBackward(in AttentionGeometry g, ReadOnlySpan<float> qkv, ReadOnlySpan<float> weights, ReadOnlySpan<float> dHeads, Span<float> dqkv, Span<float> dRow)
    {
        int steps = g.Steps;
        int e = g.ModelDim;
        int d = g.HeadDim;
        float scale = 1f / MathF.Sqrt(d);
        for (int h = 0; h < g.Heads; h++)
        {
            for (int i = 0; i < steps; i++)
            {
                ReadOnlySpan<float> row = weights.Slice(((h * steps) + i) * steps, steps);
                ReadOnlySpan<float> dOut = dHeads.Slice((i * e) + (h * d), d);
                int visible = g.Causal ? i + 1 : steps;
                for (int j = 0; j < visible; j++)
                {
                    // dP = dO v_j; dv_j += P_ij dO.
                    dRow[j] = TensorPrimitives.Dot(dOut, qkv.Slice((j * 3 * e) + (2 * e) + (h * d), d));
                    Span<float> dv = dqkv.Slice((j * 3 * e) + (2 * e) + (h * d), d);
                    TensorPrimitives.MultiplyAdd(dOut, row[j], dv, dv);
                }

                // Softmax backward: dS_ij = P_ij (dP_ij - sum_k P_ik dP_ik), then through the scaled dot products.
                float weighted = TensorPrimitives.Dot(row.Slice(0, visible), dRow.Slice(0, visible));
                Span<float> dq = dqkv.Slice((i * 3 * e) + (h * d), d);
                ReadOnlySpan<float> q = qkv.Slice((i * 3 * e) + (h * d), d);
                for (int j = 0; j < visible; j++)
                {
                    float dScore = row[j] * (dRow[j] - weighted) * scale;
                    TensorPrimitives.MultiplyAdd(qkv.Slice((j * 3 * e) + e + (h * d), d), dScore, dq, dq);
                    Span<float> dk = dqkv.Slice((j * 3 * e) + e + (h * d), d);
                    TensorPrimitives.MultiplyAdd(q, dScore, dk, dk);
                }
            }
        }
    }

    private static void Check(in AttentionGeometry g, int inputLength, int outputLength, int parameterLength, int batch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(batch);
        if (g.Steps <= 0 || g.Heads <= 0 || g.ModelDim <= 0 || g.ModelDim % g.Heads != 0)
        {
            throw new ArgumentException($"An attention layer needs positive sizes and a model dimension that divides by the number of heads, but got {g}.");
        }

        if (inputLength < (long)batch * g.SampleSize || outputLength < (long)batch * g.SampleSize || parameterLength < g.ParameterCount)
        {
            throw new ArgumentException($"The attention layer needs {(long)batch * g.SampleSize} floats in and out and {g.ParameterCount} parameters, but got {inputLength}, {outputLength} and {parameterLength}.");
        }
    }

    /// <summary>The layer's parameters in PyTorch's state_dict order.</summary>
    private readonly ref struct Parameters
    {
        public Parameters(ReadOnlySpan<float> all, int e)
        {
            InWeight = all.Slice(0, 3 * e * e);
            InBias = all.Slice(3 * e * e, 3 * e);
            OutWeight = all.Slice((3 * e * e) + (3 * e), e * e);
            OutBias = all.Slice((4 * e * e) + (3 * e), e);
        }

        public ReadOnlySpan<float> InWeight { get; }

        public ReadOnlySpan<float> InBias { get; }

        public ReadOnlySpan<float> OutWeight { get; }

        public ReadOnlySpan<float> OutBias { get; }
    }

    /// <summary>The gradients, laid out as <see cref="Parameters"/>.</summary>
    private readonly ref struct Gradients
    {
        public Gradients(Span<float> all, int e)
        {
            InWeight = all.Slice(0, 3 * e * e);
            InBias = all.Slice(3 * e * e, 3 * e);
            OutWeight = all.Slice((3 * e * e) + (3 * e), e * e);
            OutBias = all.Slice((4 * e * e) + (3 * e), e);
        }

        public Span<float> InWeight { get; }

        public Span<float> InBias { get; }

        public Span<float> OutWeight { get; }

        public Span<float> OutBias { get; }
    }
}
