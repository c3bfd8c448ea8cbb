using System;
using System.Collections.Generic;
using System.Linq;

namespace NetDsl.Tests.Reference;

// The layer catalog of the oracle: every layer kind NetDsl supports, in double precision, written with plain loops from the
// mathematical definitions and PyTorch's documented semantics (nn.Conv1d/2d, nn.MaxPool/AvgPool, nn.BatchNorm1d/2d,
// nn.LayerNorm, nn.Dropout, the activations). Like ReferenceNetwork it shares no code with NetDsl: it does not reference
// the runtime or the generated code, and it was not derived from them. Each module computes its forward pass for a
// batch (samples row-major, one after another) in inference or training mode, and its backward pass: the gradient with
// respect to its input, while adding the gradients of its parameters. ReferenceModelTests checks every module against
// central finite differences and hand-worked values.

/// <summary>PyTorch's <c>model.eval()</c> or <c>model.train()</c>.</summary>
public enum ReferenceMode
{
    Inference,
    Training,
}

/// <summary>
/// A named tensor in a flat parameter or buffer array, as in a PyTorch <c>state_dict()</c>, with PyTorch's initialization:
/// uniform in <c>±1/sqrt(FanIn)</c> (Linear and convolution weights and biases) or, for <c>FanIn</c> 0, the constant
/// <c>InitialValue</c> (normalization weights 1 and biases 0, running means 0 and variances 1).
/// </summary>
public sealed record ReferenceTensor(string Name, int Offset, int[] Shape, int FanIn, double InitialValue)
{
    public int Length => Shape.Aggregate(1, (a, b) => a * b);
}

/// <summary>The element-wise activations of the catalog.</summary>
public enum ReferenceActivation
{
    Identity,
    ReLU,
    Sigmoid,
    Tanh,
    LeakyReLU,
    ELU,
    GELU,
    GELUTanh,
    SiLU,

    /// <summary><c>log(1 + exp(beta x)) / beta</c> with beta the parameter, and PyTorch's threshold: <c>x</c> where <c>beta x &gt; 20</c>.</summary>
    Softplus,
    Hardswish,
    Mish,
}

/// <summary>One pass through a model: its mode, parameters, buffers, dropout masks, the recorded values and the gradients.</summary>
internal sealed class ReferencePass
{
    public ReferencePass(int batch, double[] parameters, double[] buffers, ReferenceMode mode, IReadOnlyList<bool[]>? keep)
    {
        Batch = batch;
        Parameters = parameters;
        Buffers = buffers;
        Mode = mode;
        Keep = keep;
    }

    public int Batch { get; }

    public double[] Parameters { get; }

    /// <summary>The running statistics; a training pass updates them (the pass owns a copy).</summary>
    public double[] Buffers { get; }

    public ReferenceMode Mode { get; }

    /// <summary>For each dropout module in model order, whether each element of the batch is kept (training only).</summary>
    public IReadOnlyList<bool[]>? Keep { get; }

    /// <summary>The input and output each module saw during the forward pass.</summary>
    public Dictionary<ReferenceModule, (double[] X, double[] Y)> Tape { get; } = new(ReferenceEqualityComparer.Instance);

    /// <summary>Where the backward pass adds parameter gradients.</summary>
    public double[] Gradients { get; set; } = [];
}

/// <summary>Collects the tensors and dropouts of a model while its modules infer their shapes.</summary>
internal sealed class ReferenceBuilder
{
    public List<ReferenceTensor> Parameters { get; } = new();

    public List<ReferenceTensor> Buffers { get; } = new();

    public List<ReferenceDropout> Dropouts { get; } = new();

    public int ParameterCount { get; private set; }

    public int BufferCount { get; private set; }

    public int AddParameter(string name, int fanIn, double initialValue, params int[] shape)
    {
        var tensor = new ReferenceTensor(name, ParameterCount, shape, fanIn, initialValue);
        Parameters.Add(tensor);
        ParameterCount += tensor.Length;
        return tensor.Offset;
    }

    public int AddBuffer(string name, double initialValue, params int[] shape)
    {
        var tensor = new ReferenceTensor(name, BufferCount, shape, 0, initialValue);
        Buffers.Add(tensor);
        BufferCount += tensor.Length;
        return tensor.Offset;
    }
}

/// <summary>A layer of the oracle (PyTorch's <c>nn.Module</c>).</summary>
public abstract class ReferenceModule
{
    private int[]? _inShape;
    private int[]? _outShape;

    /// <summary>The shape of one input sample, known once the module belongs to a model.</summary>
    public int[] InShape => _inShape ?? throw new InvalidOperationException("The module is not part of a model yet.");

    /// <summary>The shape of one output sample.</summary>
    public int[] OutShape => _outShape ?? throw new InvalidOperationException("The module is not part of a model yet.");

    public int InSize => Product(InShape);

    public int OutSize => Product(OutShape);

    /// <summary>Modules with a kink (ReLU, LeakyReLU, ELU with alpha != 1, max pooling) report how far the batch is from one.</summary>
    public virtual bool HasKink => false;

    /// <summary>The module's kind as NetDsl's attribute names it (<c>Conv2D</c>, <c>MaxPool1D</c>, <c>GELU</c>...).</summary>
    public abstract string Kind { get; }

    internal void Build(int[] inShape, ReferenceBuilder builder)
    {
        if (_inShape is not null)
        {
            throw new InvalidOperationException($"{GetType().Name} is used twice; create a new module for each model.");
        }

        _inShape = (int[])inShape.Clone();
        _outShape = Infer(inShape, builder);
    }

    /// <summary>Checks the input shape, registers the tensors, returns the output shape.</summary>
    internal abstract int[] Infer(int[] inShape, ReferenceBuilder builder);

    internal abstract double[] Forward(ReferencePass pass, double[] x);

    /// <summary>The gradient with respect to the input; parameter gradients are added to <see cref="ReferencePass.Gradients"/>.</summary>
    internal abstract double[] Backward(ReferencePass pass, double[] x, double[] y, double[] dy);

    /// <summary>The smallest distance of the recorded values from this module's kinks (infinity without kinks).</summary>
    internal virtual double Margin(ReferencePass pass, double[] x, double[] y) => double.PositiveInfinity;

    /// <summary>How well conditioned the recorded pass is: see <see cref="ReferenceTrace.Conditioning"/> (infinity when it does not apply).</summary>
    internal virtual double Conditioning(ReferencePass pass, double[] x, double[] y) => double.PositiveInfinity;

    internal virtual IEnumerable<ReferenceModule> Children => [];

    internal static int Product(int[] shape)
    {
        int product = 1;
        foreach (int d in shape)
        {
            product *= d;
        }

        return product;
    }

    internal static string Text(int[] shape) => "[" + string.Join(", ", shape) + "]";
}

/// <summary>Modules applied in order (<c>nn.Sequential</c>); the body of a model and of a residual block.</summary>
internal sealed class ReferenceSequence : ReferenceModule
{
    public override string Kind => "Sequence";

    private readonly ReferenceModule[] _modules;

    public ReferenceSequence(ReferenceModule[] modules) => _modules = modules;

    public IReadOnlyList<ReferenceModule> Modules => _modules;

    internal override IEnumerable<ReferenceModule> Children => _modules;

    internal override int[] Infer(int[] inShape, ReferenceBuilder builder)
    {
        int[] shape = inShape;
        foreach (ReferenceModule module in _modules)
        {
            module.Build(shape, builder);
            shape = module.OutShape;
        }

        return shape;
    }

    internal override double[] Forward(ReferencePass pass, double[] x)
    {
        foreach (ReferenceModule module in _modules)
        {
            double[] y = module.Forward(pass, x);
            pass.Tape[module] = (x, y);
            x = y;
        }

        return x;
    }

    internal override double[] Backward(ReferencePass pass, double[] x, double[] y, double[] dy)
    {
        for (int k = _modules.Length - 1; k >= 0; k--)
        {
            (double[] mx, double[] my) = pass.Tape[_modules[k]];
            dy = _modules[k].Backward(pass, mx, my, dy);
        }

        return dy;
    }

    internal override double Margin(ReferencePass pass, double[] x, double[] y)
    {
        double margin = double.PositiveInfinity;
        foreach (ReferenceModule module in _modules)
        {
            (double[] mx, double[] my) = pass.Tape[module];
            margin = Math.Min(margin, module.Margin(pass, mx, my));
        }

        return margin;
    }

    internal override double Conditioning(ReferencePass pass, double[] x, double[] y)
    {
        double conditioning = double.PositiveInfinity;
        foreach (ReferenceModule module in _modules)
        {
            (double[] mx, double[] my) = pass.Tape[module];
            conditioning = Math.Min(conditioning, module.Conditioning(pass, mx, my));
        }

        return conditioning;
    }
}

/// <summary><c>nn.Linear(in, out, bias)</c>: <c>y = x W^T + b</c>, weight <c>[out, in]</c>; on a sequence <c>[T, in]</c>, applied to every step.</summary>
internal sealed class ReferenceLinear : ReferenceModule
{
    public override string Kind => "Linear";

    private readonly int _out;
    private readonly bool _bias;
    private readonly string _name;
    private int _weight;
    private int _biasOffset;
    private int _in;

    /// <summary>1 for a <c>[in]</c> input; T for a sequence <c>[T, in]</c>, where PyTorch applies the layer to every step (the last dimension).</summary>
    private int _steps = 1;

    public ReferenceLinear(int outFeatures, bool bias, string name)
    {
        _out = outFeatures;
        _bias = bias;
        _name = name;
    }

    public int WeightOffset => _weight;

    public int InFeatures => _in;

    public int OutFeatures => _out;

    internal override int[] Infer(int[] inShape, ReferenceBuilder builder)
    {
        if (inShape.Length is not (1 or 2))
        {
            throw new ArgumentException($"Linear '{_name}' needs a 1-D input or a sequence [T, in], got {Text(inShape)}.");
        }

        _steps = inShape.Length == 2 ? inShape[0] : 1;
        _in = inShape[^1];
        _weight = builder.AddParameter(_name + ".weight", _in, 0, _out, _in);
        _biasOffset = _bias ? builder.AddParameter(_name + ".bias", _in, 0, _out) : -1;
        return inShape.Length == 2 ? [_steps, _out] : [_out];
    }

    internal override double[] Forward(ReferencePass pass, double[] x)
    {
        double[] p = pass.Parameters;
        var y = new double[pass.Batch * _steps * _out];
        for (int n = 0; n < pass.Batch * _steps; n++) // every step of every sample
        {
            for (int o = 0; o < _out; o++)
            {
                double sum = _bias ? p[_biasOffset + o] : 0;
                for (int i = 0; i < _in; i++)
                {
                    sum += p[_weight + (o * _in) + i] * x[(n * _in) + i];
                }

                y[(n * _out) + o] = sum;
            }
        }

        return y;
    }

    internal override double[] Backward(ReferencePass pass, double[] x, double[] y, double[] dy)
    {
        double[] p = pass.Parameters;
        double[] g = pass.Gradients;
        var dx = new double[x.Length];
        for (int n = 0; n < pass.Batch * _steps; n++) // every step of every sample
        {
            for (int o = 0; o < _out; o++)
            {
                double d = dy[(n * _out) + o];
                if (_bias)
                {
                    g[_biasOffset + o] += d;
                }

                for (int i = 0; i < _in; i++)
                {
                    g[_weight + (o * _in) + i] += d * x[(n * _in) + i];
                    dx[(n * _in) + i] += p[_weight + (o * _in) + i] * d;
                }
            }
        }

        return dx;
    }
}

/// <summary>
/// <c>nn.Conv1d</c> on <c>[C, L]</c> (treated as height 1) and <c>nn.Conv2d</c> on <c>[C, H, W]</c>: cross-correlation,
/// input position <c>o * stride - padBefore + k * dilation</c>, zeros outside the input. Padding -1 is PyTorch's
/// <c>padding='same'</c>: <c>dilation * (kernel - 1)</c> split with the smaller half before.
/// </summary>
internal sealed class ReferenceConvolution : ReferenceModule
{
    public override string Kind => _twoD ? "Conv2D" : "Conv1D";

    private readonly bool _twoD;
    private readonly int _outChannels;
    private readonly int _kh, _kw, _sh, _sw, _ph, _pw, _dh, _dw;
    private readonly bool _bias;
    private readonly string _name;
    private int _c, _h, _w, _oh, _ow, _top, _left;
    private int _weight, _biasOffset;

    public ReferenceConvolution(bool twoD, int outChannels, int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw, bool bias, string name)
    {
        _twoD = twoD;
        _outChannels = outChannels;
        (_kh, _kw, _sh, _sw, _ph, _pw, _dh, _dw) = (kh, kw, sh, sw, ph, pw, dh, dw);
        _bias = bias;
        _name = name;
    }

    public int WeightOffset => _weight;

    internal override int[] Infer(int[] inShape, ReferenceBuilder builder)
    {
        if (inShape.Length != (_twoD ? 3 : 2))
        {
            throw new ArgumentException($"Convolution '{_name}' got {Text(inShape)}.");
        }

        _c = inShape[0];
        _h = _twoD ? inShape[1] : 1;
        _w = inShape[^1];
        (_top, int bottom) = Pads(_ph, _kh, _dh);
        (_left, int right) = Pads(_pw, _kw, _dw);
        _oh = Output(_h, _kh, _sh, _top, bottom, _dh);
        _ow = Output(_w, _kw, _sw, _left, right, _dw);
        int fanIn = _c * _kh * _kw;
        _weight = _twoD ? builder.AddParameter(_name + ".weight", fanIn, 0, _outChannels, _c, _kh, _kw) : builder.AddParameter(_name + ".weight", fanIn, 0, _outChannels, _c, _kw);
        _biasOffset = _bias ? builder.AddParameter(_name + ".bias", fanIn, 0, _outChannels) : -1;
        return _twoD ? [_outChannels, _oh, _ow] : [_outChannels, _ow];
    }

    internal static (int Before, int After) Pads(int padding, int kernel, int dilation)
    {
        if (padding >= 0)
        {
            return (padding, padding);
        }

        int total = dilation * (kernel - 1);
        return (total / 2, total - (total / 2));
    }

    internal static int Output(int size, int kernel, int stride, int before, int after, int dilation)
    {
        int span = size + before + after - (dilation * (kernel - 1)) - 1;
        if (span < 0)
        {
            throw new ArgumentException("The window does not fit the input.");
        }

        return (span / stride) + 1;
    }

    private int WeightIndex(int o, int c, int i, int j) => _weight + (((((o * _c) + c) * _kh) + i) * _kw) + j;

    internal override double[] Forward(ReferencePass pass, double[] x)
    {
        double[] p = pass.Parameters;
        var y = new double[pass.Batch * OutSize];
        for (int n = 0; n < pass.Batch; n++)
        {
            for (int o = 0; o < _outChannels; o++)
            {
                for (int oh = 0; oh < _oh; oh++)
                {
                    for (int ow = 0; ow < _ow; ow++)
                    {
                        double sum = _bias ? p[_biasOffset + o] : 0;
                        for (int c = 0; c < _c; c++)
                        {
                            for (int i = 0; i < _kh; i++)
                            {
                                int ih = (oh * _sh) - _top + (i * _dh);
                                if (ih < 0 || ih >= _h)
                                {
                                    continue;
                                }

                                for (int j = 0; j < _kw; j++)
                                {
                                    int iw = (ow * _sw) - _left + (j * _dw);
                                    if (iw >= 0 && iw < _w)
                                    {
                                        sum += p[WeightIndex(o, c, i, j)] * x[(n * InSize) + (((c * _h) + ih) * _w) + iw];
                                    }
                                }
                            }
                        }

                        y[(n * OutSize) + (((o * _oh) + oh) * _ow) + ow] = sum;
                    }
                }
            }
        }

        return y;
    }

    internal override double[] Backward(ReferencePass pass, double[] x, double[] y, double[] dy)
    {
        double[] p = pass.Parameters;
        double[] g = pass.Gradients;
        var dx = new double[x.Length];
        for (int n = 0; n < pass.Batch; n++)
        {
            for (int o = 0; o < _outChannels; o++)
            {
                for (int oh = 0; oh < _oh; oh++)
                {
                    for (int ow = 0; ow < _ow; ow++)
                    {
                        double d = dy[(n * OutSize) + (((o * _oh) + oh) * _ow) + ow];
                        if (_bias)
                        {
                            g[_biasOffset + o] += d;
                        }

                        for (int c = 0; c < _c; c++)
                        {
                            for (int i = 0; i < _kh; i++)
                            {
                                int ih = (oh * _sh) - _top + (i * _dh);
                                if (ih < 0 || ih >= _h)
                                {
                                    continue;
                                }

                                for (int j = 0; j < _kw; j++)
                                {
                                    int iw = (ow * _sw) - _left + (j * _dw);
                                    if (iw >= 0 && iw < _w)
                                    {
                                        int xi = (n * InSize) + (((c * _h) + ih) * _w) + iw;
                                        g[WeightIndex(o, c, i, j)] += d * x[xi];
                                        dx[xi] += p[WeightIndex(o, c, i, j)] * d;
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }

        return dx;
    }
}

/// <summary>
/// <c>nn.MaxPool1d/2d</c> and <c>nn.AvgPool1d/2d</c> (stride defaulting to the kernel, symmetric padding). Max pooling
/// ignores padding and sends the gradient to the first maximum of the window in row-major order. Average pooling
/// divides by the number of window positions inside the padded input (<c>count_include_pad=True</c>) or inside the
/// input itself (<c>False</c>).
/// </summary>
internal sealed class ReferencePool : ReferenceModule
{
    public override string Kind => (_max ? "MaxPool" : "AvgPool") + (_twoD ? "2D" : "1D");

    private readonly bool _twoD;
    private readonly bool _max;
    private readonly int _kernel, _stride, _padding;
    private readonly bool _countIncludePad;
    private int _c, _h, _w, _oh, _ow, _kh, _sh, _ph;

    public ReferencePool(bool twoD, bool max, int kernel, int stride, int padding, bool countIncludePad)
    {
        _twoD = twoD;
        _max = max;
        _kernel = kernel;
        _stride = stride == 0 ? kernel : stride;
        _padding = padding;
        _countIncludePad = countIncludePad;
    }

    public override bool HasKink => _max;

    internal override int[] Infer(int[] inShape, ReferenceBuilder builder)
    {
        if (inShape.Length != (_twoD ? 3 : 2) || _padding > _kernel / 2)
        {
            throw new ArgumentException($"Pool got {Text(inShape)}.");
        }

        _c = inShape[0];
        _h = _twoD ? inShape[1] : 1;
        _w = inShape[^1];
        (_kh, _sh, _ph) = _twoD ? (_kernel, _stride, _padding) : (1, 1, 0);
        _oh = ReferenceConvolution.Output(_h, _kh, _sh, _ph, _ph, 1);
        _ow = ReferenceConvolution.Output(_w, _kernel, _stride, _padding, _padding, 1);
        return _twoD ? [_c, _oh, _ow] : [_c, _ow];
    }

    // The input indices (within the plane) of the window of (oh, ow) that lie inside the input, in row-major order.
    private List<int> Window(int oh, int ow)
    {
        var inside = new List<int>();
        for (int i = 0; i < _kh; i++)
        {
            int ih = (oh * _sh) - _ph + i;
            for (int j = 0; j < _kernel; j++)
            {
                int iw = (ow * _stride) - _padding + j;
                if (ih >= 0 && ih < _h && iw >= 0 && iw < _w)
                {
                    inside.Add((ih * _w) + iw);
                }
            }
        }

        return inside;
    }

    private int Divisor(int oh, int ow)
    {
        if (!_countIncludePad)
        {
            return Window(oh, ow).Count;
        }

        // Positions inside the padded extent [-pad, size + pad) along each axis.
        int rows = 0;
        for (int i = 0; i < _kh; i++)
        {
            int ih = (oh * _sh) - _ph + i;
            rows += ih >= -_ph && ih < _h + _ph ? 1 : 0;
        }

        int columns = 0;
        for (int j = 0; j < _kernel; j++)
        {
            int iw = (ow * _stride) - _padding + j;
            columns += iw >= -_padding && iw < _w + _padding ? 1 : 0;
        }

        return rows * columns;
    }

    private int ArgMax(double[] x, int plane, List<int> window)
    {
        int best = window[0];
        foreach (int index in window)
        {
            if (x[plane + index] > x[plane + best])
            {
                best = index;
            }
        }

        return best;
    }

    internal override double[] Forward(ReferencePass pass, double[] x)
    {
        var y = new double[pass.Batch * OutSize];
        int planeIn = _h * _w;
        int planeOut = _oh * _ow;
        for (int plane = 0; plane < pass.Batch * _c; plane++)
        {
            for (int oh = 0; oh < _oh; oh++)
            {
                for (int ow = 0; ow < _ow; ow++)
                {
                    List<int> window = Window(oh, ow);
                    double value;
                    if (_max)
                    {
                        value = x[(plane * planeIn) + ArgMax(x, plane * planeIn, window)];
                    }
                    else
                    {
                        double sum = 0;
                        foreach (int index in window)
                        {
                            sum += x[(plane * planeIn) + index];
                        }

                        value = sum / Divisor(oh, ow);
                    }

                    y[(plane * planeOut) + (oh * _ow) + ow] = value;
                }
            }
        }

        return y;
    }

    internal override double[] Backward(ReferencePass pass, double[] x, double[] y, double[] dy)
    {
        var dx = new double[x.Length];
        int planeIn = _h * _w;
        int planeOut = _oh * _ow;
        for (int plane = 0; plane < pass.Batch * _c; plane++)
        {
            for (int oh = 0; oh < _oh; oh++)
            {
                for (int ow = 0; ow < _ow; ow++)
                {
                    double d = dy[(plane * planeOut) + (oh * _ow) + ow];
                    List<int> window = Window(oh, ow);
                    if (_max)
                    {
                        dx[(plane * planeIn) + ArgMax(x, plane * planeIn, window)] += d;
                    }
                    else
                    {
                        foreach (int index in window)
                        {
                            dx[(plane * planeIn) + index] += d / Divisor(oh, ow);
                        }
                    }
                }
            }
        }

        return dx;
    }

    /// <summary>The smallest gap between the largest and the second largest value of a max-pooling window.</summary>
    internal override double Margin(ReferencePass pass, double[] x, double[] y)
    {
        if (!_max)
        {
            return double.PositiveInfinity;
        }

        double margin = double.PositiveInfinity;
        int planeIn = _h * _w;
        for (int plane = 0; plane < pass.Batch * _c; plane++)
        {
            for (int oh = 0; oh < _oh; oh++)
            {
                for (int ow = 0; ow < _ow; ow++)
                {
                    List<int> window = Window(oh, ow);
                    int best = ArgMax(x, plane * planeIn, window);
                    foreach (int index in window)
                    {
                        if (index != best)
                        {
                            margin = Math.Min(margin, x[(plane * planeIn) + best] - x[(plane * planeIn) + index]);
                        }
                    }
                }
            }
        }

        return margin;
    }
}

/// <summary>The mean of each channel over its positions: <c>[C, ...]</c> to <c>[C]</c> (<c>AdaptiveAvgPool(1)</c> + flatten).</summary>
internal sealed class ReferenceGlobalAveragePool : ReferenceModule
{
    public override string Kind => "GlobalAvgPool";

    private int _c, _positions;

    internal override int[] Infer(int[] inShape, ReferenceBuilder builder)
    {
        if (inShape.Length < 2)
        {
            throw new ArgumentException($"GlobalAvgPool got {Text(inShape)}.");
        }

        _c = inShape[0];
        _positions = Product(inShape) / _c;
        return [_c];
    }

    internal override double[] Forward(ReferencePass pass, double[] x)
    {
        var y = new double[pass.Batch * _c];
        for (int k = 0; k < y.Length; k++)
        {
            double sum = 0;
            for (int i = 0; i < _positions; i++)
            {
                sum += x[(k * _positions) + i];
            }

            y[k] = sum / _positions;
        }

        return y;
    }

    internal override double[] Backward(ReferencePass pass, double[] x, double[] y, double[] dy)
    {
        var dx = new double[x.Length];
        for (int k = 0; k < dy.Length; k++)
        {
            for (int i = 0; i < _positions; i++)
            {
                dx[(k * _positions) + i] = dy[k] / _positions;
            }
        }

        return dx;
    }
}

/// <summary>Flatten and Reshape (one dimension may be -1): a new shape, the same row-major elements.</summary>
internal sealed class ReferenceReshape : ReferenceModule
{
    public override string Kind => _shape is null ? "Flatten" : "Reshape";

    private readonly int[]? _shape;

    public ReferenceReshape(int[]? shape) => _shape = shape;

    internal override int[] Infer(int[] inShape, ReferenceBuilder builder)
    {
        int size = Product(inShape);
        if (_shape is null)
        {
            return [size];
        }

        int[] shape = (int[])_shape.Clone();
        int known = shape.Where(d => d != -1).Aggregate(1, (a, b) => a * b);
        int unknown = Array.IndexOf(shape, -1);
        if (unknown >= 0)
        {
            shape[unknown] = size / known;
        }

        if (Product(shape) != size)
        {
            throw new ArgumentException($"Reshape {Text(_shape)} of {Text(inShape)}.");
        }

        return shape;
    }

    internal override double[] Forward(ReferencePass pass, double[] x) => (double[])x.Clone();

    internal override double[] Backward(ReferencePass pass, double[] x, double[] y, double[] dy) => (double[])dy.Clone();
}

/// <summary>An element-wise activation, its derivative taken from its input.</summary>
internal sealed class ReferenceElementwise : ReferenceModule
{
    public override string Kind => _kind.ToString();

    private readonly ReferenceActivation _kind;
    private readonly double _parameter;

    public ReferenceElementwise(ReferenceActivation kind, double parameter)
    {
        _kind = kind;
        _parameter = parameter;
    }

    public override bool HasKink => _kind is ReferenceActivation.ReLU or ReferenceActivation.LeakyReLU or ReferenceActivation.Hardswish || (_kind == ReferenceActivation.ELU && _parameter != 1.0);

    internal override int[] Infer(int[] inShape, ReferenceBuilder builder) => inShape;

    internal override double[] Forward(ReferencePass pass, double[] x) => x.Select(v => ReferenceMath.Activate(_kind, _parameter, v)).ToArray();

    internal override double[] Backward(ReferencePass pass, double[] x, double[] y, double[] dy)
    {
        var dx = new double[x.Length];
        for (int j = 0; j < x.Length; j++)
        {
            dx[j] = dy[j] * ReferenceMath.Derivative(_kind, _parameter, x[j]);
        }

        return dx;
    }

    // Hardswish's kinks are at -3 and 3, the others' at 0.
    internal override double Margin(ReferencePass pass, double[] x, double[] y) =>
        !HasKink ? double.PositiveInfinity
        : _kind == ReferenceActivation.Hardswish ? x.Select(v => Math.Min(Math.Abs(v + 3), Math.Abs(v - 3))).DefaultIfEmpty(double.PositiveInfinity).Min()
        : x.Select(Math.Abs).DefaultIfEmpty(double.PositiveInfinity).Min();
}

/// <summary><c>nn.PReLU(num_parameters, init)</c>: <c>x &gt; 0 ? x : a[c] x</c>, the slopes <c>a</c> a parameter, one or one per channel (dimension 0 of the sample).</summary>
internal sealed class ReferencePReLU : ReferenceModule
{
    public override string Kind => "PReLU";

    private readonly int _slopes;
    private readonly double _init;
    private readonly string _name;
    private int _weight;

    public ReferencePReLU(int slopes, double init, string name)
    {
        _slopes = slopes;
        _init = init;
        _name = name;
    }

    public override bool HasKink => true;

    internal override int[] Infer(int[] inShape, ReferenceBuilder builder)
    {
        if (_slopes != 1 && _slopes != inShape[0])
        {
            throw new ArgumentException($"PReLU: {_slopes} slopes for {inShape[0]} channels.");
        }

        _weight = builder.AddParameter(_name + ".weight", 0, _init, _slopes);
        return inShape;
    }

    private int SlopeOf(int element) => _slopes == 1 ? 0 : element % InSize / (InSize / InShape[0]);

    internal override double[] Forward(ReferencePass pass, double[] x) =>
        x.Select((v, j) => v > 0 ? v : pass.Parameters[_weight + SlopeOf(j)] * v).ToArray();

    internal override double[] Backward(ReferencePass pass, double[] x, double[] y, double[] dy)
    {
        var dx = new double[x.Length];
        for (int j = 0; j < x.Length; j++)
        {
            int slope = _weight + SlopeOf(j);
            dx[j] = x[j] > 0 ? dy[j] : pass.Parameters[slope] * dy[j];
            if (!(x[j] > 0))
            {
                pass.Gradients[slope] += x[j] * dy[j];
            }
        }

        return dx;
    }

    internal override double Margin(ReferencePass pass, double[] x, double[] y) => x.Select(Math.Abs).DefaultIfEmpty(double.PositiveInfinity).Min();
}

/// <summary><c>nn.Softmax(dim=1)</c> / <c>nn.LogSoftmax(dim=1)</c> over the features of each 1-D sample.</summary>
internal sealed class ReferenceSoftmax : ReferenceModule
{
    public override string Kind => _log ? "LogSoftmax" : "Softmax";

    private readonly bool _log;

    public ReferenceSoftmax(bool log) => _log = log;

    internal override int[] Infer(int[] inShape, ReferenceBuilder builder) =>
        inShape.Length == 1 ? inShape : throw new ArgumentException($"Softmax got {Text(inShape)}.");

    private double[] Probabilities(double[] x, int n)
    {
        int f = InSize;
        double max = double.NegativeInfinity;
        for (int i = 0; i < f; i++)
        {
            max = Math.Max(max, x[(n * f) + i]);
        }

        var e = new double[f];
        double sum = 0;
        for (int i = 0; i < f; i++)
        {
            e[i] = Math.Exp(x[(n * f) + i] - max);
            sum += e[i];
        }

        for (int i = 0; i < f; i++)
        {
            e[i] /= sum;
        }

        return e;
    }

    internal override double[] Forward(ReferencePass pass, double[] x)
    {
        int f = InSize;
        var y = new double[x.Length];
        for (int n = 0; n < pass.Batch; n++)
        {
            double[] s = Probabilities(x, n);
            for (int i = 0; i < f; i++)
            {
                y[(n * f) + i] = _log ? Math.Log(s[i]) : s[i];
            }
        }

        return y;
    }

    internal override double[] Backward(ReferencePass pass, double[] x, double[] y, double[] dy)
    {
        int f = InSize;
        var dx = new double[x.Length];
        for (int n = 0; n < pass.Batch; n++)
        {
            double[] s = Probabilities(x, n);
            for (int i = 0; i < f; i++)
            {
                // d y_j / d x_i = s_j (delta_ij - s_i) for softmax, delta_ij - s_i for log-softmax.
                double sum = 0;
                for (int j = 0; j < f; j++)
                {
                    double jacobian = _log ? (i == j ? 1 : 0) - s[i] : s[j] * ((i == j ? 1 : 0) - s[i]);
                    sum += dy[(n * f) + j] * jacobian;
                }

                dx[(n * f) + i] = sum;
            }
        }

        return dx;
    }
}

/// <summary>A dropout's place in its model: its probability and width.</summary>
public sealed record ReferenceDropout(int Index, double P, int Width);

/// <summary><c>nn.Dropout(p)</c>: in training, each element is kept (and scaled by 1/(1-p)) where the mask says so; in inference, the identity.</summary>
internal sealed class ReferenceDropoutModule : ReferenceModule
{
    public override string Kind => "Dropout";

    private readonly double _p;
    private int _index;

    public ReferenceDropoutModule(double p) => _p = p;

    public int Index => _index;

    internal override int[] Infer(int[] inShape, ReferenceBuilder builder)
    {
        _index = builder.Dropouts.Count;
        builder.Dropouts.Add(new ReferenceDropout(_index, _p, Product(inShape)));
        return inShape;
    }

    private double Factor(ReferencePass pass, int j)
    {
        if (pass.Mode == ReferenceMode.Inference)
        {
            return 1;
        }

        bool[] keep = pass.Keep?[_index] ?? throw new InvalidOperationException("A training pass through dropout needs its mask.");
        return keep[j] ? 1 / (1 - _p) : 0;
    }

    internal override double[] Forward(ReferencePass pass, double[] x)
    {
        var y = new double[x.Length];
        for (int j = 0; j < x.Length; j++)
        {
            y[j] = x[j] * Factor(pass, j);
        }

        return y;
    }

    internal override double[] Backward(ReferencePass pass, double[] x, double[] y, double[] dy)
    {
        var dx = new double[x.Length];
        for (int j = 0; j < x.Length; j++)
        {
            dx[j] = dy[j] * Factor(pass, j);
        }

        return dx;
    }
}

/// <summary>
/// <c>nn.BatchNorm1d</c> on <c>[C]</c> or <c>[C, L]</c>, <c>nn.BatchNorm2d</c> on <c>[C, H, W]</c>. Training: each channel
/// normalized with the mean and the biased variance of its <c>batch x positions</c> values, then
/// <c>running = (1 - momentum) running + momentum * statistic</c> with the unbiased variance. Inference: the running statistics.
/// </summary>
internal sealed class ReferenceBatchNorm : ReferenceModule
{
    public override string Kind => _twoD ? "BatchNorm2D" : "BatchNorm1D";

    private readonly bool _twoD;
    private readonly double _eps, _momentum;
    private readonly bool _affine;
    private readonly string _name;
    private int _c, _positions, _weight, _bias, _mean, _var;

    public ReferenceBatchNorm(bool twoD, double eps, double momentum, bool affine, string name)
    {
        _twoD = twoD;
        _eps = eps;
        _momentum = momentum;
        _affine = affine;
        _name = name;
    }

    internal override int[] Infer(int[] inShape, ReferenceBuilder builder)
    {
        bool valid = _twoD ? inShape.Length == 3 : inShape.Length is 1 or 2;
        if (!valid)
        {
            throw new ArgumentException($"BatchNorm '{_name}' got {Text(inShape)}.");
        }

        _c = inShape[0];
        _positions = Product(inShape) / _c;
        if (_affine)
        {
            _weight = builder.AddParameter(_name + ".weight", 0, 1, _c);
            _bias = builder.AddParameter(_name + ".bias", 0, 0, _c);
        }

        _mean = builder.AddBuffer(_name + ".running_mean", 0, _c);
        _var = builder.AddBuffer(_name + ".running_var", 1, _c);
        return inShape;
    }

    private IEnumerable<int> Indices(int batch, int c)
    {
        for (int n = 0; n < batch; n++)
        {
            for (int i = 0; i < _positions; i++)
            {
                yield return (((n * _c) + c) * _positions) + i;
            }
        }
    }

    // The mean and the biased variance of channel c over the batch.
    private (double Mean, double Variance, int Count) Statistics(double[] x, int batch, int c)
    {
        int[] indices = Indices(batch, c).ToArray();
        double mean = indices.Sum(j => x[j]) / indices.Length;
        double variance = indices.Sum(j => (x[j] - mean) * (x[j] - mean)) / indices.Length;
        return (mean, variance, indices.Length);
    }

    private double Gamma(ReferencePass pass, int c) => _affine ? pass.Parameters[_weight + c] : 1;

    private double Beta(ReferencePass pass, int c) => _affine ? pass.Parameters[_bias + c] : 0;

    internal override double[] Forward(ReferencePass pass, double[] x)
    {
        var y = new double[x.Length];
        for (int c = 0; c < _c; c++)
        {
            double mean, variance;
            if (pass.Mode == ReferenceMode.Training)
            {
                (mean, variance, int count) = Statistics(x, pass.Batch, c);
                if (count < 2)
                {
                    throw new InvalidOperationException("Expected more than 1 value per channel when training (PyTorch's error).");
                }

                pass.Buffers[_mean + c] = ((1 - _momentum) * pass.Buffers[_mean + c]) + (_momentum * mean);
                pass.Buffers[_var + c] = ((1 - _momentum) * pass.Buffers[_var + c]) + (_momentum * variance * count / (count - 1));
            }
            else
            {
                mean = pass.Buffers[_mean + c];
                variance = pass.Buffers[_var + c];
            }

            double std = Math.Sqrt(variance + _eps);
            foreach (int j in Indices(pass.Batch, c))
            {
                y[j] = (Gamma(pass, c) * (x[j] - mean) / std) + Beta(pass, c);
            }
        }

        return y;
    }

    internal override double[] Backward(ReferencePass pass, double[] x, double[] y, double[] dy)
    {
        var dx = new double[x.Length];
        for (int c = 0; c < _c; c++)
        {
            int[] indices = Indices(pass.Batch, c).ToArray();
            double gamma = Gamma(pass, c);
            if (pass.Mode == ReferenceMode.Inference)
            {
                // The running statistics are constants: y = gamma (x - m) / s + beta.
                double s = Math.Sqrt(pass.Buffers[_var + c] + _eps);
                foreach (int j in indices)
                {
                    AddAffineGradients(pass, c, dy[j], (x[j] - pass.Buffers[_mean + c]) / s);
                    dx[j] = gamma * dy[j] / s;
                }

                continue;
            }

            // x_hat = (x - mu) / s with mu and s = sqrt(var + eps) functions of the whole channel:
            // dL/dx_j = gamma / s * (dy_j - mean(dy) - x_hat_j * mean(dy * x_hat)).
            (double mean, double variance, int count) = Statistics(x, pass.Batch, c);
            double std = Math.Sqrt(variance + _eps);
            double meanDy = 0, meanDyXHat = 0;
            foreach (int j in indices)
            {
                double xHat = (x[j] - mean) / std;
                meanDy += dy[j] / count;
                meanDyXHat += dy[j] * xHat / count;
                AddAffineGradients(pass, c, dy[j], xHat);
            }

            foreach (int j in indices)
            {
                double xHat = (x[j] - mean) / std;
                dx[j] = gamma / std * (dy[j] - meanDy - (xHat * meanDyXHat));
            }
        }

        return dx;
    }

    /// <summary>
    /// In training, the smallest ratio over the channels of the normalizing deviation sqrt(var + eps) to the root mean
    /// square of the channel's values: rounding errors of the input, of the order of its values, are magnified by the
    /// inverse of this ratio in the output and in the gradients.
    /// </summary>
    internal override double Conditioning(ReferencePass pass, double[] x, double[] y)
    {
        if (pass.Mode != ReferenceMode.Training)
        {
            return double.PositiveInfinity;
        }

        double conditioning = double.PositiveInfinity;
        for (int c = 0; c < _c; c++)
        {
            (double mean, double variance, int _) = Statistics(x, pass.Batch, c);
            conditioning = Math.Min(conditioning, Math.Sqrt((variance + _eps) / ((mean * mean) + variance + _eps)));
        }

        return conditioning;
    }

    private void AddAffineGradients(ReferencePass pass, int c, double dy, double xHat)
    {
        if (_affine)
        {
            pass.Gradients[_weight + c] += dy * xHat;
            pass.Gradients[_bias + c] += dy;
        }
    }
}

/// <summary><c>nn.LayerNorm(sample_shape)</c>: each sample normalized with its own mean and biased variance, then weight and bias of the sample's shape.</summary>
internal sealed class ReferenceLayerNorm : ReferenceModule
{
    public override string Kind => "LayerNorm";

    private readonly double _eps;
    private readonly bool _affine;
    private readonly string _name;
    private readonly bool _perStep;
    private int _weight, _bias;

    /// <summary>Over the whole sample, or with <paramref name="perStep"/> over the last dimension of every step of a sequence <c>[T, E]</c> (<c>nn.LayerNorm(E)</c>).</summary>
    public ReferenceLayerNorm(double eps, bool affine, string name, bool perStep = false)
    {
        _eps = eps;
        _affine = affine;
        _name = name;
        _perStep = perStep;
    }

    /// <summary>The features normalized together: the sample, or one step.</summary>
    private int Features => _perStep ? InShape[^1] : InSize;

    /// <summary>The rows of <see cref="Features"/> in a batch.</summary>
    private int Rows(ReferencePass pass) => pass.Batch * (InSize / Features);

    internal override int[] Infer(int[] inShape, ReferenceBuilder builder)
    {
        int[] normalized = _perStep ? [inShape[^1]] : inShape;
        if (_affine)
        {
            _weight = builder.AddParameter(_name + ".weight", 0, 1, normalized);
            _bias = builder.AddParameter(_name + ".bias", 0, 0, normalized);
        }

        return inShape;
    }

    private (double Mean, double Std) Statistics(double[] x, int n)
    {
        int f = Features;
        double mean = 0;
        for (int i = 0; i < f; i++)
        {
            mean += x[(n * f) + i] / f;
        }

        double variance = 0;
        for (int i = 0; i < f; i++)
        {
            double d = x[(n * f) + i] - mean;
            variance += d * d / f;
        }

        return (mean, Math.Sqrt(variance + _eps));
    }

    internal override double[] Forward(ReferencePass pass, double[] x)
    {
        int f = Features;
        var y = new double[x.Length];
        for (int n = 0; n < Rows(pass); n++)
        {
            (double mean, double std) = Statistics(x, n);
            for (int i = 0; i < f; i++)
            {
                double xHat = (x[(n * f) + i] - mean) / std;
                y[(n * f) + i] = _affine ? (pass.Parameters[_weight + i] * xHat) + pass.Parameters[_bias + i] : xHat;
            }
        }

        return y;
    }

    internal override double[] Backward(ReferencePass pass, double[] x, double[] y, double[] dy)
    {
        int f = Features;
        var dx = new double[x.Length];
        for (int n = 0; n < Rows(pass); n++)
        {
            (double mean, double std) = Statistics(x, n);
            var xHat = new double[f];
            var g = new double[f]; // dL/dx_hat
            double meanG = 0, meanGXHat = 0;
            for (int i = 0; i < f; i++)
            {
                int j = (n * f) + i;
                xHat[i] = (x[j] - mean) / std;
                g[i] = dy[j] * (_affine ? pass.Parameters[_weight + i] : 1);
                if (_affine)
                {
                    pass.Gradients[_weight + i] += dy[j] * xHat[i];
                    pass.Gradients[_bias + i] += dy[j];
                }

                meanG += g[i] / f;
                meanGXHat += g[i] * xHat[i] / f;
            }

            for (int i = 0; i < f; i++)
            {
                dx[(n * f) + i] = (g[i] - meanG - (xHat[i] * meanGXHat)) / std;
            }
        }

        return dx;
    }
}

/// <summary><c>x + block(x)</c>; the block must keep the shape.</summary>
internal sealed class ReferenceResidual : ReferenceModule
{
    public override string Kind => "Residual";

    private readonly ReferenceSequence _block;

    public ReferenceResidual(ReferenceModule[] block) => _block = new ReferenceSequence(block);

    internal override IEnumerable<ReferenceModule> Children => [_block];

    internal override int[] Infer(int[] inShape, ReferenceBuilder builder)
    {
        _block.Build(inShape, builder);
        if (!_block.OutShape.SequenceEqual(inShape))
        {
            throw new ArgumentException($"A residual block maps {Text(inShape)} to {Text(_block.OutShape)}.");
        }

        return inShape;
    }

    internal override double[] Forward(ReferencePass pass, double[] x)
    {
        double[] f = _block.Forward(pass, x);
        pass.Tape[_block] = (x, f);
        var y = new double[x.Length];
        for (int j = 0; j < y.Length; j++)
        {
            y[j] = f[j] + x[j];
        }

        return y;
    }

    internal override double[] Backward(ReferencePass pass, double[] x, double[] y, double[] dy)
    {
        (double[] bx, double[] by) = pass.Tape[_block];
        double[] dx = _block.Backward(pass, bx, by, dy);
        for (int j = 0; j < dx.Length; j++)
        {
            dx[j] += dy[j];
        }

        return dx;
    }

    internal override double Margin(ReferencePass pass, double[] x, double[] y)
    {
        (double[] bx, double[] by) = pass.Tape[_block];
        return _block.Margin(pass, bx, by);
    }

    internal override double Conditioning(ReferencePass pass, double[] x, double[] y)
    {
        (double[] bx, double[] by) = pass.Tape[_block];
        return _block.Conditioning(pass, bx, by);
    }
}

/// <summary>The scalar functions of the activations and their derivatives, in double.</summary>
public static class ReferenceMath
{
    private static readonly double SqrtTwoOverPi = Math.Sqrt(2 / Math.PI);

    public static double Activate(ReferenceActivation kind, double parameter, double x) => kind switch
    {
        ReferenceActivation.Identity => x,
        ReferenceActivation.ReLU => x > 0 ? x : 0,
        ReferenceActivation.Sigmoid => 1 / (1 + Math.Exp(-x)),
        ReferenceActivation.Tanh => Math.Tanh(x),
        ReferenceActivation.LeakyReLU => x > 0 ? x : parameter * x,
        ReferenceActivation.ELU => x > 0 ? x : parameter * (Math.Exp(x) - 1),
        ReferenceActivation.GELU => x * NormalCdf(x),
        // (1 + tanh(u)) / 2 written as 1 / (1 + exp(-2u)): the same function, without the cancellation of 1 + tanh(u)
        // where tanh(u) nears -1 (at x = -6.4 that sum is 7e-13 and keeps only four digits in double).
        ReferenceActivation.GELUTanh => x / (1 + Math.Exp(-2 * SqrtTwoOverPi * (x + (0.044715 * x * x * x)))),
        ReferenceActivation.SiLU => x / (1 + Math.Exp(-x)),
        ReferenceActivation.Softplus => parameter * x > SoftplusThreshold ? x : SoftplusOf(parameter * x) / parameter,
        ReferenceActivation.Hardswish => x <= -3 ? 0 : x >= 3 ? x : x * (x + 3) / 6,
        ReferenceActivation.Mish => x * Math.Tanh(SoftplusOf(x)),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>The derivative at <paramref name="x"/> (PyTorch's one-sided choice at the kinks: the left side at 0).</summary>
    public static double Derivative(ReferenceActivation kind, double parameter, double x)
    {
        switch (kind)
        {
            case ReferenceActivation.Identity:
                return 1;
            case ReferenceActivation.ReLU:
                return x > 0 ? 1 : 0;
            case ReferenceActivation.Sigmoid:
                double s = 1 / (1 + Math.Exp(-x));
                return s * (1 - s);
            case ReferenceActivation.Tanh:
                double c = Math.Cosh(x);
                return 1 / (c * c);
            case ReferenceActivation.LeakyReLU:
                return x > 0 ? 1 : parameter;
            case ReferenceActivation.ELU:
                return x > 0 ? 1 : parameter * Math.Exp(x);
            case ReferenceActivation.GELU:
                return NormalCdf(x) + (x * Math.Exp(-0.5 * x * x) / Math.Sqrt(2 * Math.PI));
            case ReferenceActivation.GELUTanh:
                // With half = (1 + tanh(u)) / 2 = 1 / (1 + exp(-2u)): (1 - tanh(u)^2) / 2 = 2 half (1 - half), without cancellation.
                double half = 1 / (1 + Math.Exp(-2 * SqrtTwoOverPi * (x + (0.044715 * x * x * x))));
                double du = SqrtTwoOverPi * (1 + (3 * 0.044715 * x * x));
                return half + (x * 2 * half * (1 - half) * du);
            case ReferenceActivation.SiLU:
                double sigma = 1 / (1 + Math.Exp(-x));
                return sigma + (x * sigma * (1 - sigma));
            case ReferenceActivation.Softplus:
                return parameter * x > SoftplusThreshold ? 1 : 1 / (1 + Math.Exp(-parameter * x));
            case ReferenceActivation.Hardswish:
                // PyTorch's one-sided choices: 0 at -3 and below, (2x + 3) / 6 up to 3 included, 1 above.
                return x < -3 ? 0 : x <= 3 ? ((2 * x) + 3) / 6 : 1;
            case ReferenceActivation.Mish:
                double sp = SoftplusOf(x);
                double th = Math.Tanh(sp);
                double sech2 = 1 - (th * th);
                return th + (x * sech2 / (1 + Math.Exp(-x)));
            default:
                throw new ArgumentOutOfRangeException(nameof(kind));
        }
    }

    /// <summary>PyTorch's default Softplus threshold.</summary>
    public const double SoftplusThreshold = 20;

    /// <summary><c>log(1 + exp(v))</c>, stable for large and very negative <c>v</c> (a series for tiny <c>exp(v)</c>).</summary>
    public static double SoftplusOf(double v)
    {
        double e = Math.Exp(-Math.Abs(v));
        double log1p = e < 1e-8 ? e - (e * e / 2) : Math.Log(1 + e);
        return Math.Max(v, 0) + log1p;
    }

    /// <summary>The standard normal distribution function, <c>(1 + erf(x / sqrt 2)) / 2 = erfc(-x / sqrt 2) / 2</c>.</summary>
    public static double NormalCdf(double x) => 0.5 * Erfc(-x / Math.Sqrt(2));

    /// <summary>The error function to about 1e-15: its Maclaurin series below 2.5, the continued fraction of erfc above.</summary>
    public static double Erf(double x)
    {
        double z = Math.Abs(x);
        double r = z < 2.5 ? ErfSeries(z) : 1 - ErfcContinuedFraction(z);
        return x < 0 ? -r : r;
    }

    /// <summary>The complementary error function, <c>1 - erf(x)</c>, accurate in relative terms for large <c>x</c> too.</summary>
    public static double Erfc(double x) => x >= 2.5 ? ErfcContinuedFraction(x) : 1 - Erf(x);

    // erf z = 2/sqrt(pi) * sum_n (-1)^n z^(2n+1) / (n! (2n+1)).
    private static double ErfSeries(double z)
    {
        double power = z; // (-1)^n z^(2n+1) / n!
        double sum = z;
        for (int n = 1; n < 200; n++)
        {
            power *= -z * z / n;
            double term = power / ((2 * n) + 1);
            sum += term;
            if (Math.Abs(term) < 1e-17 * Math.Abs(sum))
            {
                break;
            }
        }

        return 2 / Math.Sqrt(Math.PI) * sum;
    }

    // erfc z = exp(-z^2)/sqrt(pi) * 1/(z + (1/2)/(z + 1/(z + (3/2)/(z + 2/(z + ...))))), for z >= 2.5.
    private static double ErfcContinuedFraction(double z)
    {
        double tail = z;
        for (int k = 100; k >= 1; k--)
        {
            tail = z + (k / 2.0 / tail);
        }

        return Math.Exp(-z * z) / Math.Sqrt(Math.PI) / tail;
    }
}
