using System;

namespace NetDsl.Generated;

/// <summary>
/// A convolution call handed to a <see cref="KernelTeam"/>: which kernel pass to run, and its operands, pinned by the
/// caller for the duration of the run, as pointers (spans cannot live on the heap). Every pass splits its outputs, never
/// a sum, so the bits do not depend on the number of parts. One instance per calling thread, reused: a run allocates
/// nothing.
/// </summary>
internal sealed unsafe class ConvolutionWork : IKernelWork
{
    [ThreadStatic]
    private static ConvolutionWork? t_work;

    private Pass _pass;
    private float* _x, _weight, _bias, _y, _dz, _weightGradient, _biasGradient, _dx;
    private int _xLength, _weightLength, _biasLength, _yLength, _dzLength, _weightGradientLength, _biasGradientLength, _dxLength;
    private int _batch;
    private WindowGeometry _geometry, _pool;
    private bool _pooled, _relu;
    private ActivationLayout _inputLayout, _outputLayout;

    private enum Pass
    {
        ChannelsLastForward,
        ChannelsLastBackward,
        FlatPlaneForward,
        FlatPlaneParameterGradients,
        FlatPlaneInputGradient,
    }

    /// <summary>This thread's instance.</summary>
    public static ConvolutionWork OfThisThread => t_work ??= new ConvolutionWork();

    /// <summary>
    /// Whether a pass over <paramref name="batch"/> samples of <paramref name="g"/> is worth a team run: a run costs a few
    /// microseconds of signalling, worth it from about a hundred microseconds of arithmetic.
    /// </summary>
    public static bool WorthSplitting(in WindowGeometry g, int batch) =>
        (long)batch * g.OutPlane * g.OutChannels * g.InChannels * g.KernelHeight * g.KernelWidth >= 4_000_000;

    public void RunChannelsLastForward(KernelTeam team, ReadOnlySpan<float> x, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> y, int batch, in WindowGeometry g,
        ActivationLayout inputLayout, ActivationLayout outputLayout, bool pooled, in WindowGeometry pool, bool relu)
    {
        (_inputLayout, _outputLayout, _pooled, _pool, _relu) = (inputLayout, outputLayout, pooled, pool, relu);
        RunForward(Pass.ChannelsLastForward, team, x, weight, bias, y, batch, g);
    }

    public void RunFlatPlaneForward(KernelTeam team, ReadOnlySpan<float> x, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> y, int batch, in WindowGeometry g) =>
        RunForward(Pass.FlatPlaneForward, team, x, weight, bias, y, batch, g);

    public void RunChannelsLastBackward(KernelTeam team, ReadOnlySpan<float> x, ReadOnlySpan<float> weight, ReadOnlySpan<float> dz, Span<float> weightGradient, Span<float> biasGradient, Span<float> dx, int batch, in WindowGeometry g) =>
        RunBackward(Pass.ChannelsLastBackward, team, x, weight, dz, weightGradient, biasGradient, dx, batch, g);

    public void RunFlatPlaneParameterGradients(KernelTeam team, ReadOnlySpan<float> x, ReadOnlySpan<float> dz, Span<float> weightGradient, Span<float> biasGradient, int batch, in WindowGeometry g) =>
        RunBackward(Pass.FlatPlaneParameterGradients, team, x, default, dz, weightGradient, biasGradient, default, batch, g);

    public void RunFlatPlaneInputGradient(KernelTeam team, ReadOnlySpan<float> weight, ReadOnlySpan<float> dz, Span<float> dx, int batch, in WindowGeometry g) =>
        RunBackward(Pass.FlatPlaneInputGradient, team, default, weight, dz, default, default, dx, batch, g);

    public void Run(int part, int parts)
    {
        var x = new ReadOnlySpan<float>(_x, _xLength);
        var weight = new ReadOnlySpan<float>(_weight, _weightLength);
        switch (_pass)
        {
            case Pass.ChannelsLastForward:
                ChannelsLastConvolution.ForwardPart(x, weight, new ReadOnlySpan<float>(_bias, _biasLength), new Span<float>(_y, _yLength), _batch, _geometry, part, parts,
                    _inputLayout, _outputLayout, _pooled, _pool, _relu);
                break;
            case Pass.FlatPlaneForward:
                FlatPlaneConvolution.ForwardPart(x, weight, new ReadOnlySpan<float>(_bias, _biasLength), new Span<float>(_y, _yLength), _batch, _geometry, part, parts);
                break;
            case Pass.ChannelsLastBackward:
                ChannelsLastConvolution.BackwardPart(x, weight, new ReadOnlySpan<float>(_dz, _dzLength), new Span<float>(_weightGradient, _weightGradientLength),
                    new Span<float>(_biasGradient, _biasGradientLength), new Span<float>(_dx, _dxLength), _batch, _geometry, part, parts);
                break;
            case Pass.FlatPlaneParameterGradients:
                FlatPlaneConvolution.ParameterGradientsPart(x, new ReadOnlySpan<float>(_dz, _dzLength), new Span<float>(_weightGradient, _weightGradientLength),
                    new Span<float>(_biasGradient, _biasGradientLength), _batch, _geometry, part, parts);
                break;
            default:
                FlatPlaneInputGradient.ComputePart(weight, new ReadOnlySpan<float>(_dz, _dzLength), new Span<float>(_dx, _dxLength), _batch, _geometry, part, parts);
                break;
        }
    }

    private void RunForward(Pass pass, KernelTeam team, ReadOnlySpan<float> x, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> y, int batch, in WindowGeometry g)
    {
        fixed (float* px = x, pw = weight, pb = bias, py = y)
        {
            (_pass, _batch, _geometry) = (pass, batch, g);
            _x = px;
            _weight = pw;
            _bias = pb;
            _y = py;
            (_xLength, _weightLength, _biasLength, _yLength) = (x.Length, weight.Length, bias.Length, y.Length);
            Run(team);
        }
    }

    private void RunBackward(Pass pass, KernelTeam team, ReadOnlySpan<float> x, ReadOnlySpan<float> weight, ReadOnlySpan<float> dz, Span<float> weightGradient, Span<float> biasGradient, Span<float> dx, int batch, in WindowGeometry g)
    {
        fixed (float* px = x, pw = weight, pdz = dz, pgw = weightGradient, pgb = biasGradient, pdx = dx)
        {
            (_pass, _batch, _geometry) = (pass, batch, g);
            _x = px;
            _weight = pw;
            _dz = pdz;
            _weightGradient = pgw;
            _biasGradient = pgb;
            _dx = pdx;
            (_xLength, _weightLength, _dzLength) = (x.Length, weight.Length, dz.Length);
            (_weightGradientLength, _biasGradientLength, _dxLength) = (weightGradient.Length, biasGradient.Length, dx.Length);
            Run(team);
        }
    }

    private void Run(KernelTeam team)
    {
        try
        {
            team.Run(this);
        }
        finally
        {
            _x = _weight = _bias = _y = _dz = _weightGradient = _biasGradient = _dx = null;
            _xLength = _weightLength = _biasLength = _yLength = _dzLength = _weightGradientLength = _biasGradientLength = _dxLength = 0;
        }
    }
}
