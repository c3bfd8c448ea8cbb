using System.Runtime.CompilerServices;

namespace NetDsl.Generated;

/// <summary>
/// Mish, <c>x * tanh(softplus(x))</c>, and its gradient <c>t + x * sigmoid(x) * (1 - t^2)</c> with <c>t = tanh(softplus(x))</c>,
/// in double-precision lanes (<see cref="DoubleLaneMap"/>), on one exponential and no logarithm:
/// <c>tanh(log(1 + e)) = n / (n + 2)</c> with <c>n = e (e + 2)</c>, <c>e = exp(x)</c>; for positive x the same ratio from
/// <c>m = exp(-x)</c>, <c>(1 + 2m) / (1 + 2m + 2m^2)</c>, so that nothing overflows. The unrolled networks' scalar calls
/// (<see cref="ScalarActivations.Mish"/>) run the same lanes: every path and width gives the same bits.
/// </summary>
internal static class MishLanes
{
    /// <summary><c>x * t</c>.</summary>
    public readonly struct Forward : ILaneUnaryFunction
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TVector Apply<TLanes, TVector>(TVector x)
            where TLanes : struct, IDoubleLanes<TVector>
            where TVector : struct =>
            TLanes.Multiply(x, TanhSoftplus<TLanes, TVector>(x));
    }

    /// <summary><c>dy * (t + x * sigmoid(x) * (1 - t^2))</c>.</summary>
    public readonly struct Backward : ILaneBinaryFunction
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TVector Apply<TLanes, TVector>(TVector x, TVector dy)
            where TLanes : struct, IDoubleLanes<TVector>
            where TVector : struct
        {
            TVector t = TanhSoftplus<TLanes, TVector>(x);
            TVector one = TLanes.Create(1.0);
            TVector sigmoid = TLanes.Divide(one, TLanes.Add(one, TLanes.Exp(TLanes.Subtract(default, x))));
            TVector slope = TLanes.Multiply(TLanes.Multiply(x, sigmoid), TLanes.Subtract(one, TLanes.Multiply(t, t)));
            return TLanes.Multiply(dy, TLanes.Add(t, slope));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector TanhSoftplus<TLanes, TVector>(TVector x)
        where TLanes : struct, IDoubleLanes<TVector>
        where TVector : struct
    {
        TVector one = TLanes.Create(1.0);
        TVector two = TLanes.Create(2.0);

        // x >= 0: m = exp(-x) <= 1.
        TVector m = TLanes.Exp(TLanes.Subtract(default, x));
        TVector numerator = TLanes.Add(one, TLanes.Multiply(two, m));
        TVector positive = TLanes.Divide(numerator, TLanes.Add(numerator, TLanes.Multiply(TLanes.Multiply(two, m), m)));

        // x < 0: e = exp(x) < 1 (and NaN stays NaN).
        TVector e = TLanes.Exp(x);
        TVector n = TLanes.Multiply(e, TLanes.Add(e, two));
        TVector negative = TLanes.Divide(n, TLanes.Add(n, two));
        return TLanes.WhereNonNegative(x, positive, negative);
    }
}
