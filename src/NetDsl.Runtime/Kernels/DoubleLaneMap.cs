using System;
using System.Runtime.Intrinsics;

namespace NetDsl.Generated;

/// <summary>An activation of one input, written once over any width of double lanes.</summary>
internal interface ILaneUnaryFunction
{
    static abstract TVector Apply<TLanes, TVector>(TVector x)
        where TLanes : struct, IDoubleLanes<TVector>
        where TVector : struct;
}

/// <summary>An activation's gradient from its input and its output's gradient, written once over any width of double lanes.</summary>
internal interface ILaneBinaryFunction
{
    static abstract TVector Apply<TLanes, TVector>(TVector x, TVector dy)
        where TLanes : struct, IDoubleLanes<TVector>
        where TVector : struct;
}

/// <summary>
/// Element-wise passes of activations computed in double-precision lanes (<see cref="ExactGelu"/>, <see cref="TanhGelu"/>,
/// <see cref="MishLanes"/>):
/// 8 lanes where 512-bit vectors run, then 4, the last few elements from a zero-padded copy, and a single float
/// (the unrolled networks' scalar call) in the 4-lane form too, so that every path gives the same bits. Large spans split
/// by ranges over a lent <see cref="KernelTeam"/>, as <see cref="ScalarMap"/>'s do.
/// </summary>
internal static unsafe class DoubleLaneMap
{
    /// <summary><typeparamref name="TFunction"/> of one float.</summary>
    public static float Scalar<TFunction>(float x)
        where TFunction : ILaneUnaryFunction =>
        (float)TFunction.Apply<Double4, Vector256<double>>(Vector256.Create((double)x)).ToScalar();

    /// <summary><typeparamref name="TFunction"/> of one float and its output's gradient.</summary>
    public static float Scalar<TFunction>(float x, float dy)
        where TFunction : ILaneBinaryFunction =>
        (float)TFunction.Apply<Double4, Vector256<double>>(Vector256.Create((double)x), Vector256.Create((double)dy)).ToScalar();

    /// <summary><c>y[i] = f(x[i])</c> for the first <c>x.Length</c> elements.</summary>
    public static void Apply<TFunction>(ReadOnlySpan<float> x, Span<float> y)
        where TFunction : ILaneUnaryFunction
    {
        if (y.Length < x.Length)
        {
            throw new ArgumentException($"The destination holds {y.Length} elements, fewer than the input's {x.Length}.", nameof(y));
        }

        fixed (float* px = x, py = y)
        {
            var pass = new UnaryPass<TFunction>(px, py);
            if (x.Length >= ScalarMap.MinimumElements && KernelTeam.Current is { } team)
            {
                RangeWork<UnaryPass<TFunction>>.Run(team, pass, x.Length);
            }
            else
            {
                pass.Run(0, x.Length);
            }
        }
    }

    /// <summary><c>dx[i] = f(x[i], dy[i])</c> for the first <c>x.Length</c> elements.</summary>
    public static void Apply<TFunction>(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx)
        where TFunction : ILaneBinaryFunction
    {
        if (dy.Length < x.Length || dx.Length < x.Length)
        {
            throw new ArgumentException($"Element-wise operands must hold at least the first's {x.Length} elements; got {dy.Length} and a destination of {dx.Length}.");
        }

        fixed (float* px = x, pdy = dy, pdx = dx)
        {
            var pass = new BinaryPass<TFunction>(px, pdy, pdx);
            if (x.Length >= ScalarMap.MinimumElements && KernelTeam.Current is { } team)
            {
                RangeWork<BinaryPass<TFunction>>.Run(team, pass, x.Length);
            }
            else
            {
                pass.Run(0, x.Length);
            }
        }
    }

    private static bool Use512 => Vector512.IsHardwareAccelerated && ElementwiseKernels.MaximumVectorBits >= 512;

    private readonly struct UnaryPass<TFunction>(float* x, float* y) : IRangePass
        where TFunction : ILaneUnaryFunction
    {
        public void Run(int first, int end)
        {
            int i = first;
            if (Use512)
            {
                for (; i + Vector512<float>.Count <= end; i += Vector512<float>.Count)
                {
                    Vector512<float> v = Vector512.Load(x + i);
                    Vector512.Narrow(TFunction.Apply<Double8, Vector512<double>>(Vector512.WidenLower(v)), TFunction.Apply<Double8, Vector512<double>>(Vector512.WidenUpper(v))).Store(y + i);
                }
            }

            for (; i < end; i += Vector256<float>.Count)
            {
                int count = Math.Min(Vector256<float>.Count, end - i);
                Vector256<float> v = Load(x + i, count);
                Store(Vector256.Narrow(TFunction.Apply<Double4, Vector256<double>>(Vector256.WidenLower(v)), TFunction.Apply<Double4, Vector256<double>>(Vector256.WidenUpper(v))), y + i, count);
            }
        }
    }

    private readonly struct BinaryPass<TFunction>(float* x, float* dy, float* dx) : IRangePass
        where TFunction : ILaneBinaryFunction
    {
        public void Run(int first, int end)
        {
            int i = first;
            if (Use512)
            {
                for (; i + Vector512<float>.Count <= end; i += Vector512<float>.Count)
                {
                    Vector512<float> xv = Vector512.Load(x + i), gv = Vector512.Load(dy + i);
                    Vector512.Narrow(
                        TFunction.Apply<Double8, Vector512<double>>(Vector512.WidenLower(xv), Vector512.WidenLower(gv)),
                        TFunction.Apply<Double8, Vector512<double>>(Vector512.WidenUpper(xv), Vector512.WidenUpper(gv))).Store(dx + i);
                }
            }

            for (; i < end; i += Vector256<float>.Count)
            {
                int count = Math.Min(Vector256<float>.Count, end - i);
                Vector256<float> xv = Load(x + i, count), gv = Load(dy + i, count);
                Store(Vector256.Narrow(
                    TFunction.Apply<Double4, Vector256<double>>(Vector256.WidenLower(xv), Vector256.WidenLower(gv)),
                    TFunction.Apply<Double4, Vector256<double>>(Vector256.WidenUpper(xv), Vector256.WidenUpper(gv))), dx + i, count);
            }
        }
    }

    // A whole vector of 8, or the last few elements from a zero-padded copy.
    private static Vector256<float> Load(float* source, int count)
    {
        if (count == Vector256<float>.Count)
        {
            return Vector256.Load(source);
        }

        float* lanes = stackalloc float[Vector256<float>.Count];
        Vector256<float>.Zero.Store(lanes);
        new ReadOnlySpan<float>(source, count).CopyTo(new Span<float>(lanes, count));
        return Vector256.Load(lanes);
    }

    private static void Store(Vector256<float> value, float* target, int count)
    {
        if (count == Vector256<float>.Count)
        {
            value.Store(target);
            return;
        }

        float* lanes = stackalloc float[Vector256<float>.Count];
        value.Store(lanes);
        new ReadOnlySpan<float>(lanes, count).CopyTo(new Span<float>(target, count));
    }
}
