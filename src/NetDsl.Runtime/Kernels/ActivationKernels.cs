using System;
using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using System.ComponentModel;

namespace NetDsl.Generated;

/// <summary>
/// Element-wise activations over spans and their backward passes. A backward pass takes either the
/// activation's <b>output</b> <c>y</c> (ReLU, Sigmoid, Tanh and Identity, whose derivatives are functions
/// of it) or its <b>input</b> <c>x</c> (every other activation), as the parameter names say and the
/// generator's catalog records (<c>ActivationFunction.BackwardFromOutput</c>), together with the gradient
/// with respect to the output, and writes the gradient with respect to the activation's input.
/// The destination may be the same span as <c>dy</c>.
/// </summary>
/// <remarks>
/// Generated code evaluates single elements through <see cref="ScalarActivations"/> and spans through these
/// kernels, and both must give the same bits at every vector width. The piecewise-linear activations (Leaky
/// ReLU, Hardswish and their gradients) are therefore vectorized with operator structs whose vector lanes do
/// exactly the scalar function's float operations. The others stay scalar loops over
/// <see cref="ScalarActivations"/>: they need exp, tanh or erf, which the scalar functions compute with
/// <c>MathF</c>/<c>Math</c> (some in double precision), and vector versions of those (TensorPrimitives')
/// round differently; matching them would mean replacing the scalar functions' accuracy with one shared
/// polynomial, a change of every network's numbers, not a tidy-up.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static unsafe class ActivationKernels
{
    /// <summary><c>y = max(0, x)</c>; NaN propagates, as in PyTorch. Large passes split over the kernel team, if any.</summary>
    public static void ReLU(ReadOnlySpan<float> x, Span<float> y)
    {
        if (ElementwiseWork.TeamFor(x.Length) is { } team)
        {
            if (y.Length < x.Length)
            {
                throw new ArgumentException($"The destination must hold the {x.Length} results; it has {y.Length}.", nameof(y));
            }

            fixed (float* px = x, py = y)
            {
                RangeWork<ReLUPass>.Run(team, new ReLUPass(px, py), x.Length);
            }

            return;
        }

        TensorPrimitives.Max(x, 0f, y);
    }

    /// <summary><c>y = 1 / (1 + exp(-x))</c>.</summary>
    public static void Sigmoid(ReadOnlySpan<float> x, Span<float> y) => InVectorLanes(x, y, TensorPrimitives.Sigmoid);

    /// <summary><c>y = tanh(x)</c>.</summary>
    public static void Tanh(ReadOnlySpan<float> x, Span<float> y) => InVectorLanes(x, y, TensorPrimitives.Tanh);

    /// <summary><c>dx = y &gt; 0 ? dy : 0</c> (PyTorch's gradient at 0 is 0).</summary>
    public static void ReLUBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx) =>
        ElementwiseKernels.Apply<ReLUBackwardOperator>(y, dy, dx);

    /// <summary><c>dx = dy * (y * (1 - y))</c>.</summary>
    public static void SigmoidBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx) =>
        ElementwiseKernels.Apply<SigmoidBackwardOperator>(y, dy, dx);

    /// <summary><c>dx = dy * (1 - y * y)</c>.</summary>
    public static void TanhBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx) =>
        ElementwiseKernels.Apply<TanhBackwardOperator>(y, dy, dx);

    /// <summary>Identity: copies <paramref name="x"/> to <paramref name="y"/>.</summary>
    public static void Identity(ReadOnlySpan<float> x, Span<float> y) => x.CopyTo(y);

    /// <summary>Identity's gradient: copies <paramref name="dy"/> to <paramref name="dx"/>.</summary>
    public static void IdentityBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx) => dy.CopyTo(dx);

    /// <summary><c>x * sigmoid(x)</c>, vectorized.</summary>
    public static void SiLU(ReadOnlySpan<float> x, Span<float> y) => InVectorLanes(x, y, static (x, y) =>
    {
        TensorPrimitives.Sigmoid(x, y);
        TensorPrimitives.Multiply(x, y, y);
    });

    internal delegate void SpanFunction(ReadOnlySpan<float> x, Span<float> y);

    /// <summary>ReLU on a range, for <see cref="RangeWork{TPass}"/> (a maximum: exact wherever the range begins).</summary>
    private readonly struct ReLUPass(float* x, float* y) : IRangePass
    {
        public void Run(int first, int end) => TensorPrimitives.Max(new ReadOnlySpan<float>(x + first, end - first), 0f, new Span<float>(y + first, end - first));
    }

    /// <summary>A TensorPrimitives activation on a range, for <see cref="RangeWork{TPass}"/>: parts far longer than a vector, so every element keeps its lane's bits.</summary>
    private readonly struct SpanFunctionPass(SpanFunction function, float* x, float* y) : IRangePass
    {
        public void Run(int first, int end) => function(new ReadOnlySpan<float>(x + first, end - first), new Span<float>(y + first, end - first));
    }

    /// <summary>
    /// Applies a TensorPrimitives function so that each element gets the bits of its vector lanes whatever the span's
    /// length: TensorPrimitives computes a span shorter than a vector with the scalar function, which rounds differently,
    /// so such a span runs through one padded vector. A stream's step (a few features) then matches the same layer on a
    /// whole sequence (many). Empty spans do nothing (TensorPrimitives.Sigmoid would throw).
    /// </summary>
    private static void InVectorLanes(ReadOnlySpan<float> x, Span<float> y, SpanFunction function)
    {
        if (x.IsEmpty)
        {
            return;
        }

        if (ElementwiseWork.TeamFor(x.Length) is { } team && y.Length >= x.Length)
        {
            // Parts of at least a vector each: every element still gets its lane's bits.
            fixed (float* px = x, py = y)
            {
                RangeWork<SpanFunctionPass>.Run(team, new SpanFunctionPass(function, px, py), x.Length);
            }

            return;
        }

        if (x.Length >= Vector128<float>.Count || !Vector128.IsHardwareAccelerated)
        {
            function(x, y);
            return;
        }

        // Separate input and output lanes: SiLU reads its input after writing its output.
        Span<float> lanes = stackalloc float[2 * Vector128<float>.Count];
        lanes.Clear();
        x.CopyTo(lanes);
        function(lanes.Slice(0, Vector128<float>.Count), lanes.Slice(Vector128<float>.Count));
        lanes.Slice(Vector128<float>.Count, x.Length).CopyTo(y);
    }

    /// <summary>Leaky ReLU.</summary>
    public static void LeakyReLU(ReadOnlySpan<float> x, Span<float> y, float slope) =>
        ElementwiseKernels.Map(new LeakyReLUOperator(slope), x, y);

    /// <summary>ELU.</summary>
    public static void ELU(ReadOnlySpan<float> x, Span<float> y, float alpha) =>
        ScalarMap.Apply(new ELUFunction(alpha), x, y);

    /// <summary>Exact GELU.</summary>
    public static void GELU(ReadOnlySpan<float> x, Span<float> y) =>
        DoubleLaneMap.Apply<ExactGelu.Forward>(x, y);

    /// <summary>GELU's tanh approximation.</summary>
    public static void GELUTanh(ReadOnlySpan<float> x, Span<float> y) =>
        DoubleLaneMap.Apply<TanhGelu.Forward>(x, y);

    /// <summary>Leaky ReLU's input gradient from its input <paramref name="x"/>.</summary>
    public static void LeakyReLUBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx, float slope) =>
        ElementwiseKernels.Map(new LeakyReLUBackwardOperator(slope), x, dy, dx);

    /// <summary>ELU's input gradient from its input <paramref name="x"/>.</summary>
    public static void ELUBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx, float alpha) =>
        ScalarMap.Apply(new ELUBackwardFunction(alpha), x, dy, dx);

    /// <summary>Exact GELU's input gradient from its input <paramref name="x"/>.</summary>
    public static void GELUBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx) =>
        DoubleLaneMap.Apply<ExactGelu.Backward>(x, dy, dx);

    /// <summary>The tanh-approximated GELU's input gradient from its input <paramref name="x"/>.</summary>
    public static void GELUTanhBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx) =>
        DoubleLaneMap.Apply<TanhGelu.Backward>(x, dy, dx);

    /// <summary>SiLU's input gradient from its input <paramref name="x"/>.</summary>
    public static void SiLUBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx) =>
        ScalarMap.Apply(new SiLUBackwardFunction(), x, dy, dx);

    /// <summary>Softplus (see <see cref="ScalarActivations.Softplus"/>).</summary>
    public static void Softplus(ReadOnlySpan<float> x, Span<float> y, float beta, float threshold) =>
        ScalarMap.Apply(new SoftplusFunction(beta, threshold), x, y);

    /// <summary>Softplus's input gradient from its input <paramref name="x"/>.</summary>
    public static void SoftplusBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx, float beta, float threshold) =>
        ScalarMap.Apply(new SoftplusBackwardFunction(beta, threshold), x, dy, dx);

    /// <summary>Hardswish, <c>x * min(max(x + 3, 0), 6) / 6</c>.</summary>
    public static void Hardswish(ReadOnlySpan<float> x, Span<float> y) =>
        ElementwiseKernels.Map(default(HardswishOperator), x, y);

    /// <summary>Hardswish's input gradient from its input <paramref name="x"/>.</summary>
    public static void HardswishBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx) =>
        ElementwiseKernels.Map(default(HardswishBackwardOperator), x, dy, dx);

    /// <summary>Mish, <c>x * tanh(softplus(x))</c>.</summary>
    public static void Mish(ReadOnlySpan<float> x, Span<float> y) =>
        DoubleLaneMap.Apply<MishLanes.Forward>(x, y);

    /// <summary>Mish's input gradient from its input <paramref name="x"/>.</summary>
    public static void MishBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx) =>
        DoubleLaneMap.Apply<MishLanes.Backward>(x, dy, dx);

    // The vector forms below do the scalar functions' float operations in the same order (no fused multiply-add,
    // a division where the scalar divides), and select where the scalar branches, with the same comparison so
    // that NaN takes the same side.

    /// <summary><see cref="ScalarActivations.LeakyReLU"/>: <c>x &gt; 0 ? x : x * slope</c>.</summary>
    private readonly struct LeakyReLUOperator(float slope) : IUnaryOperator
    {
        public float Invoke(float x) => ScalarActivations.LeakyReLU(x, slope);
        public Vector128<float> Invoke(Vector128<float> x) => Vector128.ConditionalSelect(Vector128.GreaterThan(x, Vector128<float>.Zero), x, x * slope);
        public Vector256<float> Invoke(Vector256<float> x) => Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256<float>.Zero), x, x * slope);
        public Vector512<float> Invoke(Vector512<float> x) => Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512<float>.Zero), x, x * slope);
    }

    /// <summary><see cref="ScalarActivations.LeakyReLUBackward"/>: <c>x &gt; 0 ? dy : dy * slope</c>.</summary>
    private readonly struct LeakyReLUBackwardOperator(float slope) : IParameterizedBinaryOperator
    {
        public float Invoke(float x, float dy) => ScalarActivations.LeakyReLUBackward(x, dy, slope);
        public Vector128<float> Invoke(Vector128<float> x, Vector128<float> dy) => Vector128.ConditionalSelect(Vector128.GreaterThan(x, Vector128<float>.Zero), dy, dy * slope);
        public Vector256<float> Invoke(Vector256<float> x, Vector256<float> dy) => Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256<float>.Zero), dy, dy * slope);
        public Vector512<float> Invoke(Vector512<float> x, Vector512<float> dy) => Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512<float>.Zero), dy, dy * slope);
    }

    /// <summary>
    /// <see cref="ScalarActivations.Hardswish"/>: <c>x * min(max(x + 3, 0), 6) / 6</c>. The vector Min and Max
    /// propagate NaN as MathF's do; <c>x + 3</c> is never -0, so their ordering of zeros does not arise.
    /// </summary>
    private readonly struct HardswishOperator : IUnaryOperator
    {
        public float Invoke(float x) => ScalarActivations.Hardswish(x);
        public Vector128<float> Invoke(Vector128<float> x) => x * Vector128.Min(Vector128.Max(x + Vector128.Create(3f), Vector128<float>.Zero), Vector128.Create(6f)) / Vector128.Create(6f);
        public Vector256<float> Invoke(Vector256<float> x) => x * Vector256.Min(Vector256.Max(x + Vector256.Create(3f), Vector256<float>.Zero), Vector256.Create(6f)) / Vector256.Create(6f);
        public Vector512<float> Invoke(Vector512<float> x) => x * Vector512.Min(Vector512.Max(x + Vector512.Create(3f), Vector512<float>.Zero), Vector512.Create(6f)) / Vector512.Create(6f);
    }

    /// <summary><see cref="ScalarActivations.HardswishBackward"/>: <c>x &lt; -3 ? 0 : x &lt;= 3 ? dy * (x / 3 + 1/2) : dy</c>.</summary>
    private readonly struct HardswishBackwardOperator : IParameterizedBinaryOperator
    {
        public float Invoke(float x, float dy) => ScalarActivations.HardswishBackward(x, dy);

        public Vector128<float> Invoke(Vector128<float> x, Vector128<float> dy) =>
            Vector128.ConditionalSelect(Vector128.LessThan(x, Vector128.Create(-3f)), Vector128<float>.Zero,
                Vector128.ConditionalSelect(Vector128.LessThanOrEqual(x, Vector128.Create(3f)), dy * (x / Vector128.Create(3f) + Vector128.Create(0.5f)), dy));

        public Vector256<float> Invoke(Vector256<float> x, Vector256<float> dy) =>
            Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256.Create(-3f)), Vector256<float>.Zero,
                Vector256.ConditionalSelect(Vector256.LessThanOrEqual(x, Vector256.Create(3f)), dy * (x / Vector256.Create(3f) + Vector256.Create(0.5f)), dy));

        public Vector512<float> Invoke(Vector512<float> x, Vector512<float> dy) =>
            Vector512.ConditionalSelect(Vector512.LessThan(x, Vector512.Create(-3f)), Vector512<float>.Zero,
                Vector512.ConditionalSelect(Vector512.LessThanOrEqual(x, Vector512.Create(3f)), dy * (x / Vector512.Create(3f) + Vector512.Create(0.5f)), dy));
    }

    private readonly struct ReLUBackwardOperator : IBinaryOperator
    {
        public static float Invoke(float y, float dy) => ScalarActivations.ReLUBackward(y, dy);
        public static Vector128<float> Invoke(Vector128<float> y, Vector128<float> dy) => Vector128.ConditionalSelect(Vector128.GreaterThan(y, Vector128<float>.Zero), dy, Vector128<float>.Zero);
        public static Vector256<float> Invoke(Vector256<float> y, Vector256<float> dy) => Vector256.ConditionalSelect(Vector256.GreaterThan(y, Vector256<float>.Zero), dy, Vector256<float>.Zero);
        public static Vector512<float> Invoke(Vector512<float> y, Vector512<float> dy) => Vector512.ConditionalSelect(Vector512.GreaterThan(y, Vector512<float>.Zero), dy, Vector512<float>.Zero);
    }

    private readonly struct SigmoidBackwardOperator : IBinaryOperator
    {
        public static float Invoke(float y, float dy) => ScalarActivations.SigmoidBackward(y, dy);
        public static Vector128<float> Invoke(Vector128<float> y, Vector128<float> dy) => dy * (y * (Vector128<float>.One - y));
        public static Vector256<float> Invoke(Vector256<float> y, Vector256<float> dy) => dy * (y * (Vector256<float>.One - y));
        public static Vector512<float> Invoke(Vector512<float> y, Vector512<float> dy) => dy * (y * (Vector512<float>.One - y));
    }

    private readonly struct TanhBackwardOperator : IBinaryOperator
    {
        public static float Invoke(float y, float dy) => ScalarActivations.TanhBackward(y, dy);
        public static Vector128<float> Invoke(Vector128<float> y, Vector128<float> dy) => dy * (Vector128<float>.One - y * y);
        public static Vector256<float> Invoke(Vector256<float> y, Vector256<float> dy) => dy * (Vector256<float>.One - y * y);
        public static Vector512<float> Invoke(Vector512<float> y, Vector512<float> dy) => dy * (Vector512<float>.One - y * y);
    }

    // The scalar activations as ScalarMap functions (one element at a time; split over a kernel team when large).
    private readonly struct ELUFunction(float alpha) : IScalarUnaryFunction
    {
        public float Invoke(float x) => ScalarActivations.ELU(x, alpha);
    }

    private readonly struct SoftplusFunction(float beta, float threshold) : IScalarUnaryFunction
    {
        public float Invoke(float x) => ScalarActivations.Softplus(x, beta, threshold);
    }

    private readonly struct ELUBackwardFunction(float alpha) : IScalarBinaryFunction
    {
        public float Invoke(float x, float dy) => ScalarActivations.ELUBackward(x, dy, alpha);
    }

    private readonly struct SiLUBackwardFunction : IScalarBinaryFunction
    {
        public float Invoke(float x, float dy) => ScalarActivations.SiLUBackward(x, dy);
    }

    private readonly struct SoftplusBackwardFunction(float beta, float threshold) : IScalarBinaryFunction
    {
        public float Invoke(float x, float dy) => ScalarActivations.SoftplusBackward(x, dy, beta, threshold);
    }
}
