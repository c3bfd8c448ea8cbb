using System;

namespace NetDsl.Generated;

/// <summary>
/// An element-wise operator's pass over a large span split over a <see cref="KernelTeam"/> by ranges of elements (see
/// <see cref="ElementwiseWork"/>): each range runs the same operator on this part's elements, and every element's result
/// does not depend on where its range begins (the operators' lanes equal their scalar results). One instance per
/// operator type and calling thread, reused: a run allocates nothing.
/// </summary>
internal sealed unsafe class UnaryMapWork<TOperator> : IKernelWork
    where TOperator : struct, IUnaryOperator
{
    [ThreadStatic]
    private static UnaryMapWork<TOperator>? t_work;

    private TOperator _operation;
    private float* _x, _destination;
    private int _length;

    public static UnaryMapWork<TOperator> OfThisThread => t_work ??= new UnaryMapWork<TOperator>();

    public void Run(KernelTeam team, TOperator operation, ReadOnlySpan<float> x, Span<float> destination)
    {
        fixed (float* px = x, pd = destination)
        {
            (_operation, _length) = (operation, x.Length);
            _x = px;
            _destination = pd;
            try
            {
                team.Run(this);
            }
            finally
            {
                _x = _destination = null;
                _length = 0;
            }
        }
    }

    public void Run(int part, int parts)
    {
        int first = KernelTeam.Share(_length, part, parts), end = KernelTeam.Share(_length, part + 1, parts);
        ElementwiseKernels.MapAlone(_operation, new ReadOnlySpan<float>(_x + first, end - first), new Span<float>(_destination + first, end - first));
    }
}

/// <summary>The two-input counterpart of <see cref="UnaryMapWork{TOperator}"/>.</summary>
internal sealed unsafe class BinaryMapWork<TOperator> : IKernelWork
    where TOperator : struct, IParameterizedBinaryOperator
{
    [ThreadStatic]
    private static BinaryMapWork<TOperator>? t_work;

    private TOperator _operation;
    private float* _a, _b, _destination;
    private int _length;

    public static BinaryMapWork<TOperator> OfThisThread => t_work ??= new BinaryMapWork<TOperator>();

    public void Run(KernelTeam team, TOperator operation, ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> destination)
    {
        fixed (float* pa = a, pb = b, pd = destination)
        {
            (_operation, _length) = (operation, a.Length);
            _a = pa;
            _b = pb;
            _destination = pd;
            try
            {
                team.Run(this);
            }
            finally
            {
                _a = _b = _destination = null;
                _length = 0;
            }
        }
    }

    public void Run(int part, int parts)
    {
        int first = KernelTeam.Share(_length, part, parts), end = KernelTeam.Share(_length, part + 1, parts);
        ElementwiseKernels.MapAlone(_operation, new ReadOnlySpan<float>(_a + first, end - first), new ReadOnlySpan<float>(_b + first, end - first), new Span<float>(_destination + first, end - first));
    }
}

/// <summary>
/// A TensorPrimitives activation (through <c>ActivationKernels.InVectorLanes</c>) split the same way: the parts are far
/// longer than a vector, so every element keeps its vector lane's bits.
/// </summary>
internal sealed unsafe class SpanFunctionWork : IKernelWork
{
    [ThreadStatic]
    private static SpanFunctionWork? t_work;

    private ActivationKernels.SpanFunction? _function;
    private float* _x, _y;
    private int _length;

    public static SpanFunctionWork OfThisThread => t_work ??= new SpanFunctionWork();

    public void Run(KernelTeam team, ActivationKernels.SpanFunction function, ReadOnlySpan<float> x, Span<float> y)
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
                _function = null;
            }
        }
    }

    public void Run(int part, int parts)
    {
        int first = KernelTeam.Share(_length, part, parts), end = KernelTeam.Share(_length, part + 1, parts);
        _function!(new ReadOnlySpan<float>(_x + first, end - first), new Span<float>(_y + first, end - first));
    }
}
