using System.Runtime.Intrinsics;

namespace NetDsl.Generated;

/// <summary>
/// The operations an activation's formula needs on one width of double lanes, so that it is written once
/// (<see cref="DoubleLaneMap"/>) and runs in 8 lanes or 4. Every operation is IEEE arithmetic or .NET's vector
/// <c>Exp</c>, whose algorithm is the same at both widths: a lane's result does not depend on the width.
/// </summary>
internal interface IDoubleLanes<TVector>
    where TVector : struct
{
    static abstract TVector Create(double value);

    static abstract TVector Add(TVector a, TVector b);

    static abstract TVector Subtract(TVector a, TVector b);

    static abstract TVector Multiply(TVector a, TVector b);

    static abstract TVector Divide(TVector a, TVector b);

    static abstract TVector Abs(TVector v);

    static abstract TVector Exp(TVector v);

    /// <summary><paramref name="ifNonNegative"/> in the lanes where <paramref name="v"/> is at least 0, else <paramref name="otherwise"/> (NaN: otherwise).</summary>
    static abstract TVector WhereNonNegative(TVector v, TVector ifNonNegative, TVector otherwise);
}

/// <summary>Eight double lanes.</summary>
internal readonly struct Double8 : IDoubleLanes<Vector512<double>>
{
    public static Vector512<double> Create(double value) => Vector512.Create(value);

    public static Vector512<double> Add(Vector512<double> a, Vector512<double> b) => a + b;

    public static Vector512<double> Subtract(Vector512<double> a, Vector512<double> b) => a - b;

    public static Vector512<double> Multiply(Vector512<double> a, Vector512<double> b) => a * b;

    public static Vector512<double> Divide(Vector512<double> a, Vector512<double> b) => a / b;

    public static Vector512<double> Abs(Vector512<double> v) => Vector512.Abs(v);

    public static Vector512<double> Exp(Vector512<double> v) => Vector512.Exp(v);

    public static Vector512<double> WhereNonNegative(Vector512<double> v, Vector512<double> ifNonNegative, Vector512<double> otherwise) =>
        Vector512.ConditionalSelect(Vector512.GreaterThanOrEqual(v, Vector512<double>.Zero), ifNonNegative, otherwise);
}

/// <summary>Four double lanes.</summary>
internal readonly struct Double4 : IDoubleLanes<Vector256<double>>
{
    public static Vector256<double> Create(double value) => Vector256.Create(value);

    public static Vector256<double> Add(Vector256<double> a, Vector256<double> b) => a + b;

    public static Vector256<double> Subtract(Vector256<double> a, Vector256<double> b) => a - b;

    public static Vector256<double> Multiply(Vector256<double> a, Vector256<double> b) => a * b;

    public static Vector256<double> Divide(Vector256<double> a, Vector256<double> b) => a / b;

    public static Vector256<double> Abs(Vector256<double> v) => Vector256.Abs(v);

    public static Vector256<double> Exp(Vector256<double> v) => Vector256.Exp(v);

    public static Vector256<double> WhereNonNegative(Vector256<double> v, Vector256<double> ifNonNegative, Vector256<double> otherwise) =>
        Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(v, Vector256<double>.Zero), ifNonNegative, otherwise);
}
