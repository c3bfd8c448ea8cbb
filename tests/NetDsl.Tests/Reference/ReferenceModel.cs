using System;
using System.Collections.Generic;
using System.Linq;

namespace NetDsl.Tests.Reference;

/// <summary>
/// The constructors of the oracle's modules, named after NetDsl's attributes and PyTorch's modules. Options mirror
/// PyTorch's defaults; convolution padding -1 is <c>padding='same'</c>.
/// </summary>
public static class ReferenceLayers
{
    public const int Same = -1;

    public static ReferenceModule Linear(int outFeatures, string name, bool bias = true) => new ReferenceLinear(outFeatures, bias, name);

    public static ReferenceModule Conv1D(int outChannels, int kernel, string name, int stride = 1, int padding = 0, int dilation = 1, bool bias = true) =>
        new ReferenceConvolution(false, outChannels, 1, kernel, 1, stride, 0, padding, 1, dilation, bias, name);

    public static ReferenceModule Conv2D(int outChannels, int kernelHeight, int kernelWidth, string name, int strideHeight = 1, int strideWidth = 1,
        int paddingHeight = 0, int paddingWidth = 0, int dilationHeight = 1, int dilationWidth = 1, bool bias = true) =>
        new ReferenceConvolution(true, outChannels, kernelHeight, kernelWidth, strideHeight, strideWidth, paddingHeight, paddingWidth, dilationHeight, dilationWidth, bias, name);

    public static ReferenceModule MaxPool1D(int kernel, int stride = 0, int padding = 0) => new ReferencePool(false, true, kernel, stride, padding, false);

    public static ReferenceModule MaxPool2D(int kernel, int stride = 0, int padding = 0) => new ReferencePool(true, true, kernel, stride, padding, false);

    public static ReferenceModule AvgPool1D(int kernel, int stride = 0, int padding = 0, bool countIncludePad = true) => new ReferencePool(false, false, kernel, stride, padding, countIncludePad);

    public static ReferenceModule AvgPool2D(int kernel, int stride = 0, int padding = 0, bool countIncludePad = true) => new ReferencePool(true, false, kernel, stride, padding, countIncludePad);

    public static ReferenceModule GlobalAvgPool() => new ReferenceGlobalAveragePool();

    public static ReferenceModule Flatten() => new ReferenceReshape(null);

    public static ReferenceModule Reshape(params int[] shape) => new ReferenceReshape(shape);

    public static ReferenceModule Dropout(double p) => new ReferenceDropoutModule(p);

    public static ReferenceModule BatchNorm1D(string name, double eps = 1e-5, double momentum = 0.1, bool affine = true) => new ReferenceBatchNorm(false, eps, momentum, affine, name);

    public static ReferenceModule BatchNorm2D(string name, double eps = 1e-5, double momentum = 0.1, bool affine = true) => new ReferenceBatchNorm(true, eps, momentum, affine, name);

    public static ReferenceModule LayerNorm(string name, double eps = 1e-5, bool affine = true, bool perStep = false) => new ReferenceLayerNorm(eps, affine, name, perStep);

    public static ReferenceModule Residual(params ReferenceModule[] block) => new ReferenceResidual(block);

    public static ReferenceModule Identity() => new ReferenceElementwise(ReferenceActivation.Identity, 0);

    public static ReferenceModule ReLU() => new ReferenceElementwise(ReferenceActivation.ReLU, 0);

    public static ReferenceModule Sigmoid() => new ReferenceElementwise(ReferenceActivation.Sigmoid, 0);

    public static ReferenceModule Tanh() => new ReferenceElementwise(ReferenceActivation.Tanh, 0);

    public static ReferenceModule LeakyReLU(double slope = 0.01) => new ReferenceElementwise(ReferenceActivation.LeakyReLU, slope);

    public static ReferenceModule ELU(double alpha = 1.0) => new ReferenceElementwise(ReferenceActivation.ELU, alpha);

    public static ReferenceModule GELU(bool tanhApproximation = false) => new ReferenceElementwise(tanhApproximation ? ReferenceActivation.GELUTanh : ReferenceActivation.GELU, 0);

    public static ReferenceModule SiLU() => new ReferenceElementwise(ReferenceActivation.SiLU, 0);

    public static ReferenceModule Softplus(double beta = 1.0) => new ReferenceElementwise(ReferenceActivation.Softplus, beta);

    public static ReferenceModule Hardswish() => new ReferenceElementwise(ReferenceActivation.Hardswish, 0);

    public static ReferenceModule Mish() => new ReferenceElementwise(ReferenceActivation.Mish, 0);

    public static ReferenceModule PReLU(string name, int slopes = 1, double init = 0.25) => new ReferencePReLU(slopes, init, name);

    public static ReferenceModule Softmax() => new ReferenceSoftmax(log: false);

    public static ReferenceModule LogSoftmax() => new ReferenceSoftmax(log: true);

    /// <summary><c>nn.RNN(F, hidden, layers, nonlinearity='relu' if relu else 'tanh', bias, batch_first=True, bidirectional)</c> on <c>[T, F]</c>.</summary>
    public static ReferenceModule RNN(int hidden, string name, bool relu = false, int layers = 1, bool bidirectional = false, bool returnSequences = true, bool bias = true) =>
        new ReferenceRecurrent(relu ? ReferenceRecurrentCell.RNNReLU : ReferenceRecurrentCell.RNNTanh, hidden, layers, bidirectional, returnSequences, bias, name);

    /// <summary><c>nn.LSTM(F, hidden, layers, bias, batch_first=True, bidirectional)</c> on <c>[T, F]</c>.</summary>
    public static ReferenceModule LSTM(int hidden, string name, int layers = 1, bool bidirectional = false, bool returnSequences = true, bool bias = true) =>
        new ReferenceRecurrent(ReferenceRecurrentCell.LSTM, hidden, layers, bidirectional, returnSequences, bias, name);

    /// <summary><c>nn.GRU(F, hidden, layers, bias, batch_first=True, bidirectional)</c> on <c>[T, F]</c>.</summary>
    public static ReferenceModule GRU(int hidden, string name, int layers = 1, bool bidirectional = false, bool returnSequences = true, bool bias = true) =>
        new ReferenceRecurrent(ReferenceRecurrentCell.GRU, hidden, layers, bidirectional, returnSequences, bias, name);

    /// <summary>The mean of a sequence <c>[T, F]</c> over its steps.</summary>
    public static ReferenceModule MeanOverTime() => new ReferenceSequenceHead(ReferenceSequenceReduction.Mean);

    /// <summary>The maximum of a sequence <c>[T, F]</c> over its steps.</summary>
    public static ReferenceModule MaxOverTime() => new ReferenceSequenceHead(ReferenceSequenceReduction.Max);

    /// <summary>The last step of a sequence <c>[T, F]</c>.</summary>
    public static ReferenceModule LastStep() => new ReferenceSequenceHead(ReferenceSequenceReduction.Last);

    /// <summary>Sinusoidal positions added to a sequence <c>[T, E]</c>, or a learned table <c>name.weight</c>.</summary>
    public static ReferenceModule PositionalEncoding(string name = "", bool learned = false) => new ReferencePositionalEncoding(learned, name);

    /// <summary><c>nn.MultiheadAttention(E, heads, batch_first=True)</c> as self-attention on <c>[T, E]</c>.</summary>
    public static ReferenceModule MultiheadAttention(int heads, string name, bool causal = false) => new ReferenceAttention(heads, causal, name);

    /// <summary><c>nn.Embedding(vocabulary, dimension, padding_idx)</c> on <c>[T]</c> indices.</summary>
    public static ReferenceModule Embedding(int vocabulary, int dimension, string name, int? paddingIndex = null) =>
        new ReferenceEmbedding(vocabulary, dimension, paddingIndex, name);
}

/// <summary>
/// A model of the oracle: modules applied in order to samples of <see cref="InputShape"/>, with flat parameters and
/// buffers in PyTorch's <c>state_dict()</c> order (module by module, weight before bias; residual blocks in place).
/// </summary>
public sealed class ReferenceModel
{
    private readonly ReferenceSequence _body;
    private readonly ReferenceBuilder _builder = new();

    public ReferenceModel(int[] inputShape, params ReferenceModule[] modules)
    {
        InputShape = (int[])inputShape.Clone();
        _body = new ReferenceSequence(modules);
        _body.Build(InputShape, _builder);
    }

    public int[] InputShape { get; }

    public int[] OutputShape => _body.OutShape;

    public int InputSize => _body.InSize;

    public int OutputSize => _body.OutSize;

    public int ParameterCount => _builder.ParameterCount;

    public int BufferCount => _builder.BufferCount;

    public IReadOnlyList<ReferenceTensor> ParameterTensors => _builder.Parameters;

    public IReadOnlyList<ReferenceTensor> BufferTensors => _builder.Buffers;

    public IReadOnlyList<ReferenceDropout> Dropouts => _builder.Dropouts;

    /// <summary>The kinds of every module, nested ones included.</summary>
    public IEnumerable<string> ModuleKinds => Modules(_body).Skip(1).Select(m => m.Kind);

    public bool HasKinks => Modules(_body).Any(m => m.HasKink);

    public bool HasBatchNorm => Modules(_body).Any(m => m is ReferenceBatchNorm);

    /// <summary>The buffers as PyTorch initializes them: running means 0, running variances 1.</summary>
    public double[] InitialBuffers()
    {
        var buffers = new double[BufferCount];
        foreach (ReferenceTensor tensor in BufferTensors)
        {
            Array.Fill(buffers, tensor.InitialValue, tensor.Offset, tensor.Length);
        }

        return buffers;
    }

    /// <summary>
    /// For each dropout, the Linear module that directly follows it in the same sequence (its weight offset, in and out
    /// features), or null: its weight gradient reveals the dropout's output.
    /// </summary>
    public IReadOnlyList<(int WeightOffset, int InFeatures, int OutFeatures)?> DropoutFollowers()
    {
        var result = new (int, int, int)?[Dropouts.Count];
        foreach (ReferenceSequence sequence in Modules(_body).OfType<ReferenceSequence>())
        {
            for (int k = 0; k + 1 < sequence.Modules.Count; k++)
            {
                if (sequence.Modules[k] is ReferenceDropoutModule dropout && sequence.Modules[k + 1] is ReferenceLinear linear)
                {
                    result[dropout.Index] = (linear.WeightOffset, linear.InFeatures, linear.OutFeatures);
                }
            }
        }

        return result;
    }

    /// <summary>Inference (<c>model.eval()</c>): the outputs of a batch, with the running statistics in <paramref name="buffers"/>.</summary>
    public double[] Infer(double[] parameters, double[] buffers, double[] inputs, int batch) =>
        Run(ReferenceMode.Inference, parameters, buffers, inputs, batch, null).Outputs;

    /// <summary>
    /// Training (<c>model.train()</c>): the outputs of a batch with batch statistics and the given dropout masks (one per
    /// dropout, <c>batch x width</c> elements; may be null without dropout), the updated running statistics (a copy:
    /// <paramref name="buffers"/> is not changed), and the recording for <see cref="ReferenceTrace.Backward"/>.
    /// </summary>
    public ReferenceTrace Train(double[] parameters, double[] buffers, double[] inputs, int batch, IReadOnlyList<bool[]>? keep = null) =>
        Run(ReferenceMode.Training, parameters, buffers, inputs, batch, keep);

    /// <summary>A pass in either mode, recorded for backward.</summary>
    public ReferenceTrace Run(ReferenceMode mode, double[] parameters, double[] buffers, double[] inputs, int batch, IReadOnlyList<bool[]>? keep)
    {
        Check(parameters.Length, ParameterCount, nameof(parameters));
        Check(buffers.Length, BufferCount, nameof(buffers));
        Check(inputs.Length, batch * InputSize, nameof(inputs));
        if (keep is not null)
        {
            Check(keep.Count, Dropouts.Count, nameof(keep));
            for (int k = 0; k < keep.Count; k++)
            {
                Check(keep[k].Length, batch * Dropouts[k].Width, nameof(keep));
            }
        }

        var pass = new ReferencePass(batch, (double[])parameters.Clone(), (double[])buffers.Clone(), mode, keep);
        double[] x = (double[])inputs.Clone();
        double[] y = _body.Forward(pass, x);
        pass.Tape[_body] = (x, y);
        return new ReferenceTrace(_body, pass, y, ParameterCount);
    }

    private static IEnumerable<ReferenceModule> Modules(ReferenceModule root)
    {
        yield return root;
        foreach (ReferenceModule child in root.Children)
        {
            foreach (ReferenceModule module in Modules(child))
            {
                yield return module;
            }
        }
    }

    private static void Check(int actual, int expected, string name)
    {
        if (actual != expected)
        {
            throw new ArgumentException($"{name}: expected length {expected}, got {actual}.");
        }
    }
}

/// <summary>One recorded forward pass of a <see cref="ReferenceModel"/>.</summary>
public sealed class ReferenceTrace
{
    private readonly ReferenceSequence _body;
    private readonly ReferencePass _pass;
    private readonly int _parameterCount;

    internal ReferenceTrace(ReferenceSequence body, ReferencePass pass, double[] outputs, int parameterCount)
    {
        _body = body;
        _pass = pass;
        Outputs = outputs;
        _parameterCount = parameterCount;
    }

    public double[] Outputs { get; }

    /// <summary>The running statistics after the pass (updated by training batch normalization).</summary>
    public double[] Buffers => (double[])_pass.Buffers.Clone();

    /// <summary>The gradients of every parameter (summed over the batch) and of every input, given the outputs' gradients.</summary>
    public ReferenceGradients Backward(double[] outputGradients)
    {
        if (outputGradients.Length != Outputs.Length)
        {
            throw new ArgumentException($"Expected {Outputs.Length} output gradients, got {outputGradients.Length}.");
        }

        _pass.Gradients = new double[_parameterCount];
        (double[] x, double[] y) = _pass.Tape[_body];
        double[] dx = _body.Backward(_pass, x, y, (double[])outputGradients.Clone());
        return new ReferenceGradients(_pass.Gradients, dx);
    }

    /// <summary>
    /// The smallest distance of the pass from a kink: |input| of ReLU, LeakyReLU and ELU (alpha != 1), the gap between
    /// the two largest values of each max-pooling window. Infinity when the model has no kink.
    /// </summary>
    public double Margin()
    {
        (double[] x, double[] y) = _pass.Tape[_body];
        return _body.Margin(_pass, x, y);
    }

    /// <summary>
    /// For a training pass through batch normalization, the smallest ratio of a channel's normalizing deviation
    /// sqrt(var + eps) to the root mean square of its values (1 for centred data, near 0 when a channel's values nearly
    /// coincide, as two samples of a BatchNorm1D on [C] can): the factor by which the pass magnifies the rounding errors
    /// of its input is about its inverse. Infinity otherwise.
    /// </summary>
    public double Conditioning()
    {
        (double[] x, double[] y) = _pass.Tape[_body];
        return _body.Conditioning(_pass, x, y);
    }
}
