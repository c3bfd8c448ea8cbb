using System;

namespace NetDsl.Generated;

/// <summary>
/// A fully connected layer's pass handed to a <see cref="KernelTeam"/> when <see cref="DataParallel{TNetwork}"/> lends one (a
/// batch of one chunk on several threads): the forward pass by groups of 4 samples (by groups of 4 outputs for one
/// sample), the input gradient by samples, the parameter gradients by output rows. Every output is computed whole by one
/// part, in the order of the whole pass, so the bits do not depend on the split. The operands are pinned by the caller for
/// the run and kept as pointers (spans cannot live on the heap). One instance per calling thread, reused: a run allocates
/// nothing.
/// </summary>
internal sealed unsafe class LinearWork : IKernelWork
{
    /// <summary>The fewest multiply-adds worth a team run: a run's signalling costs a few microseconds, this many take tens.</summary>
    public const long MinimumMultiplyAdds = 2_000_000;

    [ThreadStatic]
    private static LinearWork? t_work;

    private Pass _pass;
    private float* _a, _b, _c, _d;
    private int _aLength, _bLength, _cLength, _dLength;
    private int _batch, _inFeatures, _outFeatures;

    private enum Pass
    {
        Forward,
        BackwardInput,
        ParameterGradients,
    }

    /// <summary>The team to split a pass of <paramref name="batch"/> samples of an <paramref name="inFeatures"/> → <paramref name="outFeatures"/> layer over, or null.</summary>
    public static KernelTeam? TeamFor(int batch, int inFeatures, int outFeatures) =>
        (long)batch * inFeatures * outFeatures >= MinimumMultiplyAdds ? KernelTeam.Current : null;

    public static LinearWork OfThisThread => t_work ??= new LinearWork();

    public void RunForward(KernelTeam team, ReadOnlySpan<float> x, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> y, int batch, int inFeatures, int outFeatures) =>
        Run(Pass.Forward, team, x, weight, bias, y, batch, inFeatures, outFeatures);

    public void RunBackwardInput(KernelTeam team, ReadOnlySpan<float> dz, ReadOnlySpan<float> weight, Span<float> dx, int batch, int inFeatures, int outFeatures) =>
        Run(Pass.BackwardInput, team, dz, weight, default, dx, batch, inFeatures, outFeatures);

    public void RunParameterGradients(KernelTeam team, ReadOnlySpan<float> x, ReadOnlySpan<float> dz, Span<float> weightGradient, Span<float> biasGradient, int batch, int inFeatures, int outFeatures) =>
        Run(Pass.ParameterGradients, team, x, dz, biasGradient, weightGradient, batch, inFeatures, outFeatures);

    public void Run(int part, int parts)
    {
        var a = new ReadOnlySpan<float>(_a, _aLength);
        var b = new ReadOnlySpan<float>(_b, _bLength);
        var d = new Span<float>(_d, _dLength);
        switch (_pass)
        {
            case Pass.Forward:
                LinearKernels.ForwardPart(a, b, new ReadOnlySpan<float>(_c, _cLength), d, _batch, _inFeatures, _outFeatures, part, parts);
                break;
            case Pass.BackwardInput:
                LinearKernels.BackwardInputPart(a, b, d, _batch, _inFeatures, _outFeatures, part, parts);
                break;
            default:
                LinearKernels.ParameterGradientsPart(a, b, d, new Span<float>(_c, _cLength), _batch, _inFeatures, _outFeatures, part, parts);
                break;
        }
    }

    // a, b: the inputs; c: the bias (forward) or the bias gradient; d: the output, input gradient or weight gradient.
    private void Run(Pass pass, KernelTeam team, ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> c, Span<float> d, int batch, int inFeatures, int outFeatures)
    {
        fixed (float* pa = a, pb = b, pc = c, pd = d)
        {
            (_pass, _batch, _inFeatures, _outFeatures) = (pass, batch, inFeatures, outFeatures);
            _a = pa;
            _b = pb;
            _c = pc;
            _d = pd;
            (_aLength, _bLength, _cLength, _dLength) = (a.Length, b.Length, c.Length, d.Length);
            try
            {
                team.Run(this);
            }
            finally
            {
                _a = _b = _c = _d = null;
                _aLength = _bLength = _cLength = _dLength = 0;
            }
        }
    }
}
