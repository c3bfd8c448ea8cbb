using System;

namespace NetDsl.Generated;

/// <summary>
/// A channels-last convolution call handed to a <see cref="KernelTeam"/>: the operands, pinned by the caller for the
/// duration of the run, as pointers (spans cannot live on the heap), and which pass to run. One instance per calling
/// thread, reused: a run allocates nothing.
/// </summary>
internal sealed unsafe class ConvolutionWork : IKernelWork
{
    private bool _backward;
    private float* _x, _weight, _bias, _y, _dz, _weightGradient, _biasGradient, _dx;
    private int _xLength, _weightLength, _biasLength, _yLength, _dzLength, _weightGradientLength, _biasGradientLength, _dxLength;
    private int _batch;
    private WindowGeometry _geometry, _pool;
    private bool _pooled, _relu;
    private ActivationLayout _inputLayout, _outputLayout;

    public void RunForward(KernelTeam team, ReadOnlySpan<float> x, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> y, int batch, in WindowGeometry g, ActivationLayout inputLayout, ActivationLayout outputLayout,
        bool pooled, in WindowGeometry pool, bool relu)
    {
        fixed (float* px = x, pw = weight, pb = bias, py = y)
        {
            (_backward, _batch, _geometry, _inputLayout, _outputLayout, _pooled, _pool, _relu) = (false, batch, g, inputLayout, outputLayout, pooled, pool, relu);
            _x = px;
            _weight = pw;
            _bias = pb;
            _y = py;
            (_xLength, _weightLength, _biasLength, _yLength) = (x.Length, weight.Length, bias.Length, y.Length);
            Run(team);
        }
    }

    public void RunBackward(KernelTeam team, ReadOnlySpan<float> x, ReadOnlySpan<float> weight, ReadOnlySpan<float> dz, Span<float> weightGradient, Span<float> biasGradient, Span<float> dx, int batch, in WindowGeometry g)
    {
        fixed (float* px = x, pw = weight, pdz = dz, pgw = weightGradient, pgb = biasGradient, pdx = dx)
        {
            (_backward, _batch, _geometry) = (true, batch, g);
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

    public void Run(int part, int parts)
    {
        if (_backward)
        {
            ChannelsLastConvolution.BackwardPart(new ReadOnlySpan<float>(_x, _xLength), new ReadOnlySpan<float>(_weight, _weightLength), new ReadOnlySpan<float>(_dz, _dzLength),
                new Span<float>(_weightGradient, _weightGradientLength), new Span<float>(_biasGradient, _biasGradientLength), new Span<float>(_dx, _dxLength),
                _batch, _geometry, part, parts);
        }
        else
        {
            ChannelsLastConvolution.ForwardPart(new ReadOnlySpan<float>(_x, _xLength), new ReadOnlySpan<float>(_weight, _weightLength), new ReadOnlySpan<float>(_bias, _biasLength),
                new Span<float>(_y, _yLength), _batch, _geometry, part, parts, _inputLayout, _outputLayout, _pooled, _pool, _relu);
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
