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
/// Element-wise passes of scalar functions (the activations with transcendental functions and no vector form: exact and
/// tanh GELU, ELU, softplus, Mish, and backward passes such as SiLU's): a loop on this thread, or, for a large span while
/// <see cref="DataParallel{TNetwork}"/> lends a <see cref="KernelTeam"/>, the same loop over ranges of elements on the team's
/// threads. One element's result never depends on the others, so the bits are the same.
/// </summary>
internal static class ScalarMap
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
            ScalarUnaryWork<TFunction>.OfThisThread.Run(team, function, x, y.Slice(0, x.Length));
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
            ScalarBinaryWork<TFunction>.OfThisThread.Run(team, function, a, b.Slice(0, a.Length), d.Slice(0, a.Length));
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
}

/// <summary>A <see cref="ScalarMap"/> pass of one input split over a team by ranges of elements. One instance per function type and calling thread.</summary>
internal sealed unsafe class ScalarUnaryWork<TFunction> : IKernelWork
    where TFunction : struct, IScalarUnaryFunction
{
    [ThreadStatic]
    private static ScalarUnaryWork<TFunction>? t_work;

    private TFunction _function;
    private float* _x, _y;
    private int _length;

    public static ScalarUnaryWork<TFunction> OfThisThread => t_work ??= new ScalarUnaryWork<TFunction>();

    public void Run(KernelTeam team, TFunction function, ReadOnlySpan<float> x, Span<float> y)
    {
        fixed (float* px = x, py = y)
        {
            (_function, _length) = (function, x.Length);
            _x = px;
            _y = py;
            try
            {
                team.Run(this);
            }
            finally
            {
                _x = _y = null;
                _length = 0;
            }
        }
    }

    public void Run(int part, int parts)
    {
        int first = KernelTeam.Share(_length, part, parts), end = KernelTeam.Share(_length, part + 1, parts);
        ScalarMap.Alone(_function, new ReadOnlySpan<float>(_x + first, end - first), new Span<float>(_y + first, end - first));
    }
}

/// <summary>A <see cref="ScalarMap"/> pass of two inputs split over a team by ranges of elements. One instance per function type and calling thread.</summary>
internal sealed unsafe class ScalarBinaryWork<TFunction> : IKernelWork
    where TFunction : struct, IScalarBinaryFunction
{
    [ThreadStatic]
    private static ScalarBinaryWork<TFunction>? t_work;

    private TFunction _function;
    private float* _a, _b, _d;
    private int _length;

    public static ScalarBinaryWork<TFunction> OfThisThread => t_work ??= new ScalarBinaryWork<TFunction>();

    public void Run(KernelTeam team, TFunction function, ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> d)
    {
        fixed (float* pa = a, pb = b, pd = d)
        {
            (_function, _length) = (function, a.Length);
            _a = pa;
            _b = pb;
            _d = pd;
            try
            {
                team.Run(this);
            }
            finally
            {
                _a = _b = _d = null;
                _length = 0;
            }
        }
    }

    public void Run(int part, int parts)
    {
        int first = KernelTeam.Share(_length, part, parts), end = KernelTeam.Share(_length, part + 1, parts);
        ScalarMap.Alone(_function, new ReadOnlySpan<float>(_a + first, end - first), new ReadOnlySpan<float>(_b + first, end - first), new Span<float>(_d + first, end - first));
    }
}
