using System;

namespace NetDsl.Generated;

/// <summary>
/// Max pooling handed to a <see cref="KernelTeam"/> when <see cref="DataParallel{TNetwork}"/> lends one (a batch of one
/// chunk on several threads), split by ranges of planes, and the size rule of every memory-bound split (element-wise
/// passes split by ranges through <see cref="RangeWork{TPass}"/>). Each plane is pooled whole by one part, so the bits
/// do not depend on the split. The operands
/// are pinned by the caller for the run and kept as pointers (spans cannot live on the heap). One instance per calling
/// thread, reused: a run allocates nothing.
/// </summary>
internal sealed unsafe class ElementwiseWork : IKernelWork
{
    /// <summary>
    /// The fewest floats read that are worth a team run: a run's signalling costs a few microseconds, a pass over a
    /// megabyte tens of them.
    /// </summary>
    public const int MinimumFloats = 1 << 18;

    [ThreadStatic]
    private static ElementwiseWork? t_work;

    private Pass _pass;
    private float* _a, _b, _c;
    private int _aLength, _bLength, _cLength;
    private int _planes;
    private WindowGeometry _plane;

    private enum Pass
    {
        MaxPoolForward,
        MaxPoolBackward,
    }

    /// <summary>The team to split a pass reading <paramref name="floats"/> floats over, or null to run it on this thread.</summary>
    public static KernelTeam? TeamFor(long floats) => floats >= MinimumFloats ? KernelTeam.Current : null;

    public static ElementwiseWork OfThisThread => t_work ??= new ElementwiseWork();

    /// <summary>Max pooling of <paramref name="planes"/> planes, each pooled by <paramref name="plane"/> (a geometry of one channel).</summary>
    public void RunMaxPoolForward(KernelTeam team, ReadOnlySpan<float> x, Span<float> y, int planes, in WindowGeometry plane) => Run(Pass.MaxPoolForward, team, x, default, y, planes, plane);

    public void RunMaxPoolBackward(KernelTeam team, ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx, int planes, in WindowGeometry plane) => Run(Pass.MaxPoolBackward, team, x, dy, dx, planes, plane);

    public void Run(int part, int parts)
    {
        var a = new ReadOnlySpan<float>(_a, _aLength);
        var b = new ReadOnlySpan<float>(_b, _bLength);
        var c = new Span<float>(_c, _cLength);
        int first = KernelTeam.Share(_planes, part, parts), end = KernelTeam.Share(_planes, part + 1, parts);
        int inPlane = _plane.InPlane, outPlane = _plane.OutPlane;
        if (_pass == Pass.MaxPoolForward)
        {
            PoolingKernels.MaxForwardPlanes(a.Slice(first * inPlane, (end - first) * inPlane), c.Slice(first * outPlane, (end - first) * outPlane), end - first, _plane);
        }
        else
        {
            PoolingKernels.MaxBackwardPlanes(a.Slice(first * inPlane, (end - first) * inPlane), b.Slice(first * outPlane, (end - first) * outPlane), c.Slice(first * inPlane, (end - first) * inPlane), end - first, _plane);
        }
    }

    private void Run(Pass pass, KernelTeam team, ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int planes, in WindowGeometry plane)
    {
        fixed (float* pa = a, pb = b, pc = c)
        {
            (_pass, _planes, _plane) = (pass, planes, plane);
            _a = pa;
            _b = pb;
            _c = pc;
            (_aLength, _bLength, _cLength) = (a.Length, b.Length, c.Length);
            try
            {
                team.Run(this);
            }
            finally
            {
                _a = _b = _c = null;
                _aLength = _bLength = _cLength = 0;
            }
        }
    }
}
