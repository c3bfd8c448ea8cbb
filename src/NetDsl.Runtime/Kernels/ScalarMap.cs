using System;

namespace NetDsl.Generated;

/// <summary>A function of one float with parameters held by the struct, computed one element at a time (no vector form).</summary>
internal interface IScalarUnaryFunction
{
    float Invoke(float x);
}

/// <summary>A function of two floats (an input and its output's gradient, say) with parameters held by the struct, computed one element at a time.</summary>
internal interface IScalarBinaryFunction
{
    float Invoke(float a, float b);
}

/// <summary>
/// Element-wise passes of scalar functions (the activations with transcendental functions and no vector form:
/// ELU, softplus, and backward passes such as SiLU's; the GELUs and Mish run in <see cref="DoubleLaneMap"/>): a loop on this thread, or, for a large span while
/// <see cref="DataParallel{TNetwork}"/> lends a <see cref="KernelTeam"/>, the same loop over ranges of elements on the team's
/// threads. One element's result never depends on the others, so the bits are the same.
/// </summary>
internal static unsafe class ScalarMap
{
    /// <summary>
    /// The fewest elements worth a team run: these functions take several nanoseconds per element, so a run's few
    /// microseconds of signalling pay from about this many (far fewer than for the memory-bound passes).
    /// </summary>
    public const int MinimumElements = 1 << 14;

    /// <summary><c>y[i] = function(x[i])</c> for the first <c>x.Length</c> elements.</summary>
    public static void Apply<TFunction>(TFunction function, ReadOnlySpan<float> x, Span<float> y)
        where TFunction : struct, IScalarUnaryFunction
    {
        if (y.Length < x.Length)
        {
            throw new ArgumentException($"The destination holds {y.Length} elements, fewer than the input's {x.Length}.", nameof(y));
        }

        if (x.Length >= MinimumElements && KernelTeam.Current is { } team)
        {
            fixed (float* px = x, py = y)
            {
                RangeWork<UnaryPass<TFunction>>.Run(team, new UnaryPass<TFunction>(function, px, py), x.Length);
            }

            return;
        }

        Alone(function, x, y);
    }

    /// <summary><c>d[i] = function(a[i], b[i])</c> for the first <c>a.Length</c> elements.</summary>
    public static void Apply<TFunction>(TFunction function, ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> d)
        where TFunction : struct, IScalarBinaryFunction
    {
        if (b.Length < a.Length || d.Length < a.Length)
        {
            throw new ArgumentException($"Element-wise operands must hold at least the first's {a.Length} elements; got {b.Length} and a destination of {d.Length}.");
        }

        if (a.Length >= MinimumElements && KernelTeam.Current is { } team)
        {
            fixed (float* pa = a, pb = b, pd = d)
            {
                RangeWork<BinaryPass<TFunction>>.Run(team, new BinaryPass<TFunction>(function, pa, pb, pd), a.Length);
            }

            return;
        }

        Alone(function, a, b, d);
    }

    internal static void Alone<TFunction>(TFunction function, ReadOnlySpan<float> x, Span<float> y)
        where TFunction : struct, IScalarUnaryFunction
    {
        for (int i = 0; i < x.Length; i++)
        {
            y[i] = function.Invoke(x[i]);
        }
    }

    internal static void Alone<TFunction>(TFunction function, ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> d)
        where TFunction : struct, IScalarBinaryFunction
    {
        for (int i = 0; i < a.Length; i++)
        {
            d[i] = function.Invoke(a[i], b[i]);
        }
    }

    private readonly struct UnaryPass<TFunction>(TFunction function, float* x, float* y) : IRangePass
        where TFunction : struct, IScalarUnaryFunction
    {
        public void Run(int first, int end) => Alone(function, new ReadOnlySpan<float>(x + first, end - first), new Span<float>(y + first, end - first));
    }

    private readonly struct BinaryPass<TFunction>(TFunction function, float* a, float* b, float* d) : IRangePass
        where TFunction : struct, IScalarBinaryFunction
    {
        public void Run(int first, int end) =>
            Alone(function, new ReadOnlySpan<float>(a + first, end - first), new ReadOnlySpan<float>(b + first, end - first), new Span<float>(d + first, end - first));
    }
}
