using System.Runtime.CompilerServices;

namespace NetDsl.Generated;

/// <summary>
/// GELU's tanh approximation, <c>x (1 + tanh(u)) / 2</c> with <c>u = sqrt(2/pi) (x + 0.044715 x^3)</c>, and its gradient,
/// in double-precision lanes (<see cref="DoubleLaneMap"/>). <c>(1 + tanh(u)) / 2</c> is <c>sigmoid(2u) = 1 / (1 + exp(-2u))</c>,
/// computed as such: no cancellation where <c>tanh(u)</c> nears -1, and only the vector <c>Exp</c>. The unrolled networks'
/// scalar call (<see cref="ScalarActivations.GELUTanh"/>) runs the same lanes, so every path and width gives the same bits.
/// </summary>
internal static class TanhGelu
{
    private const double SqrtTwoOverPi = 0.79788456080286535588;
    private const double Cubic = 0.044715;

    /// <summary><c>x * s</c>, <c>s = sigmoid(2u)</c>.</summary>
    public readonly struct Forward : ILaneUnaryFunction
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TVector Apply<TLanes, TVector>(TVector x)
            where TLanes : struct, IDoubleLanes<TVector>
            where TVector : struct =>
            TLanes.Multiply(x, Sigmoid2U<TLanes, TVector>(x));
    }

    /// <summary><c>dy * (s + x * 2 s (1 - s) * du/dx)</c>: with <c>t = tanh(u) = 2s - 1</c>, <c>(1 - t^2) / 2 = 2 s (1 - s)</c>.</summary>
    public readonly struct Backward : ILaneBinaryFunction
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TVector Apply<TLanes, TVector>(TVector x, TVector dy)
            where TLanes : struct, IDoubleLanes<TVector>
            where TVector : struct
        {
            TVector s = Sigmoid2U<TLanes, TVector>(x);
            TVector du = TLanes.Multiply(TLanes.Create(SqrtTwoOverPi), TLanes.Add(TLanes.Create(1.0), TLanes.Multiply(TLanes.Multiply(TLanes.Create(3 * Cubic), x), x)));
            TVector slope = TLanes.Multiply(TLanes.Multiply(TLanes.Multiply(TLanes.Create(2.0), s), TLanes.Subtract(TLanes.Create(1.0), s)), du);
            return TLanes.Multiply(dy, TLanes.Add(s, TLanes.Multiply(x, slope)));
        }
    }

    // sigmoid(2u) = 1 / (1 + exp(-2u)); exp overflows to infinity for very negative x, giving 0 as it should.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector Sigmoid2U<TLanes, TVector>(TVector x)
        where TLanes : struct, IDoubleLanes<TVector>
        where TVector : struct
    {
        TVector cube = TLanes.Multiply(TLanes.Multiply(TLanes.Multiply(TLanes.Create(Cubic), x), x), x);
        TVector minusTwoU = TLanes.Multiply(TLanes.Create(-2 * SqrtTwoOverPi), TLanes.Add(x, cube));
        return TLanes.Divide(TLanes.Create(1.0), TLanes.Add(TLanes.Create(1.0), TLanes.Exp(minusTwoU)));
    }
}
