using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using NetDsl.Generated;

namespace NetDsl.Quantization;

/// <summary>
/// A trained float network quantized after training: int8 weights (symmetric, one scale per output channel), uint8
/// activations (one scale and zero point per tensor, calibrated on samples of the training data), int32 sums and biases,
/// TFLite's fixed-point requantization. Takes float inputs and returns float outputs, as the float network does. Build one
/// with <see cref="Create"/>, or through the typed <c>Quantized</c> class the generator adds to a network declared with
/// <c>[Network(Int8 = true)]</c>. Thread-safe; allocation-free after a thread's first call.
/// </summary>
public sealed class QuantizedNetwork
{
    /// <summary>Samples computed together: the scratch per thread is this many rows of the widest layer.</summary>
    private const int ChunkRows = 64;

    [ThreadStatic]
    private static byte[]? t_first;

    [ThreadStatic]
    private static byte[]? t_second;

    [ThreadStatic]
    private static int[]? t_sums;

    private readonly QuantizedStage[] _stages;
    private readonly int _widest;

    private QuantizedNetwork(QuantizationPlan plan, QuantizationParameters input, QuantizedStage[] stages)
    {
        Plan = plan;
        InputQuantization = input;
        _stages = stages;
        _widest = plan.InputSize;
        var layers = new List<QuantizedLayerInfo>();
        foreach (QuantizedStage stage in stages)
        {
            _widest = Math.Max(_widest, stage.OutFeatures);
            layers.Add(new QuantizedLayerInfo(stage.Name, stage.Kind, stage.InFeatures, stage.OutFeatures, stage.Output, stage.StorageBytes));
            StorageBytes += stage.StorageBytes;
        }

        Layers = layers;
        ChooseLayouts(stages);
    }

    /// <summary>The layer kinds with an int8 form (<c>Softmax</c> and <c>LogSoftmax</c> only as the last layer, in float).</summary>
    public static IReadOnlyList<string> SupportedLayerKinds => QuantizationPlan.SupportedKinds;

    /// <summary>Floats per input sample.</summary>
    public int InputSize => Plan.InputSize;

    /// <summary>Floats per output sample.</summary>
    public int OutputSize => Plan.OutputSize;

    /// <summary>How inputs are quantized.</summary>
    public QuantizationParameters InputQuantization { get; }

    /// <summary>The integer stages in order, with the quantization of their outputs.</summary>
    public IReadOnlyList<QuantizedLayerInfo> Layers { get; }

    /// <summary>
    /// The bytes of the int8 weights, plus an int32 bias and a float scale per output channel, plus the float parameters of
    /// the layers computed in float (LayerNorm, BatchNorm, PReLU): what a file of the network needs.
    /// </summary>
    public long StorageBytes { get; }

    /// <summary>The architecture string of the network this was quantized from.</summary>
    public string Architecture => Plan.Architecture;

    internal QuantizationPlan Plan { get; }

    /// <summary>The integer stages, for tests that recompute them.</summary>
    internal IReadOnlyList<QuantizedStage> Stages => _stages;

    /// <summary>
    /// Quantizes <paramref name="model"/>: calibrates every activation's range on <paramref name="calibrationInputs"/>
    /// (whole samples, a few hundred from the training set are typical) and quantizes the weights. The model is read,
    /// never changed. Throws <see cref="NotSupportedException"/> naming the first layer without an int8 form.
    /// </summary>
    public static QuantizedNetwork Create(INetwork model, ReadOnlySpan<float> calibrationInputs, QuantizationOptions? options = null)
    {
        options ??= QuantizationOptions.Default;
        options.Validate();
        QuantizationPlan plan = QuantizationPlan.Of(model);
        int rows = SampleCount(calibrationInputs, plan.InputSize, nameof(calibrationInputs));
        if (rows == 0)
        {
            throw new ArgumentException($"Expected at least one calibration sample of {plan.InputSize} floats, got none.", nameof(calibrationInputs));
        }

        for (int i = 0; i < calibrationInputs.Length; i++)
        {
            if (!float.IsFinite(calibrationInputs[i]))
            {
                throw new ArgumentException($"Expected finite calibration inputs, got {calibrationInputs[i]} at index {i} (sample {i / plan.InputSize}).", nameof(calibrationInputs));
            }
        }

        List<float[]> activations = FloatPass.Run(model, plan, calibrationInputs, rows);
        CheckAgainstModel(model, plan, activations[^1], calibrationInputs, rows);

        Int8Path path = Int8Paths.Best;
        QuantizationParameters input = ActivationRange.Calibrate(activations[0], options);
        QuantizationParameters current = input;
        var stages = new QuantizedStage[plan.Stages.Count];
        for (int i = 0; i < stages.Length; i++)
        {
            PlannedStage stage = plan.Stages[i];
            if (PassingQuantizationThrough(stage, current) is { } passing)
            {
                stages[i] = passing;
                continue;
            }

            if (stage.Kind == PlannedKind.ResidualAdd)
            {
                QuantizationParameters sum = ActivationRange.Calibrate(activations[i + 1], options);
                stages[i] = QuantizedResidualAdd.Closing(stages, i, stage, current, sum, path);
                current = sum;
                continue;
            }

            if (stage.Kind == PlannedKind.FloatLayer)
            {
                QuantizationParameters activated = ActivationRange.Calibrate(activations[i + 1], options);
                FloatLayerParameters? parameters = FloatLayerParameters.Carries(stage.Layer.Kind) ? FloatLayerParameters.CopyFrom(model, stage.Layer) : null;
                stages[i] = new QuantizedFloatLayer(stage.Layer, stage.InFeatures, stage.OutFeatures, current, activated, parameters);
                current = activated;
                continue;
            }

            if (stage.Kind == PlannedKind.Convolution)
            {
                // Never the float-output stage: a convolution's outputs are requantized, and the end dequantizes them.
                QuantizationParameters convolutionOutput = ActivationRange.Calibrate(activations[i + 1], options);
                (float[] kernel, float[] shift) = FloatPass.ConvolutionTensors(model, stage);
                Int8Window window = stage.Window!;
                QuantizedLinear product = QuantizedLinear.FromFloat(stage.Layer.Name, kernel, shift, window.Depth, window.OutChannels, current, convolutionOutput, stage.FusedRelu, floatOutput: false, path);
                stages[i] = new QuantizedConvolution(stage.Layer.Name, ConvolutionKind(stage), window, product);
                current = convolutionOutput;
                continue;
            }

            bool last = i == stages.Length - 1;
            QuantizationParameters output = last ? default : ActivationRange.Calibrate(activations[i + 1], options);
            (ReadOnlyMemory<float> weight, ReadOnlyMemory<float> bias) = FloatPass.LinearTensors(model, stage.Layer);
            stages[i] = QuantizedLinear.FromFloat(stage.Layer.Name, weight.Span, bias.ToArray(), stage.InFeatures, stage.OutFeatures, current, output, stage.FusedRelu, floatOutput: last, path);
            current = output;
        }

        return new QuantizedNetwork(plan, input, stages);
    }

    /// <summary>How reports name a convolution stage: <c>Conv2D</c>, <c>Conv2D+BatchNorm2D</c>, <c>Conv1D+ReLU</c>...</summary>
    internal static string ConvolutionKind(PlannedStage stage) =>
        stage.Layer.Kind + (stage.FoldedNorm is null ? string.Empty : "+" + stage.FoldedNorm.Kind) + (stage.FusedRelu ? "+ReLU" : string.Empty);

    /// <summary>
    /// Saves the quantized network as a safetensors file (see docs/quantization.md for its tensors), atomically: a failure
    /// leaves the old file or the new one, never a part. The file holds no float weights.
    /// </summary>
    public void Save(string path) => QuantizedWeightFile.Writer(this).Save(path);

    /// <summary>The safetensors file <see cref="Save"/> writes, as bytes.</summary>
    public byte[] ToBytes() => QuantizedWeightFile.Writer(this).ToArray();

    /// <summary>
    /// Reads a quantized network saved by <see cref="Save"/> for the network whose <paramref name="layers"/> and
    /// <paramref name="architecture"/> these are (<c>model.Layers</c>, <c>model.Architecture</c>; the generated
    /// <c>Net.Quantized.Load</c> passes them itself). Every tensor's name, dtype, shape and values are checked.
    /// </summary>
    /// <exception cref="WeightFileException">The file is not a quantized network of this architecture, or a tensor is missing, extra or invalid.</exception>
    public static QuantizedNetwork Load(string path, IReadOnlyList<LayerInfo> layers, string architecture) =>
        FromFile(SafeTensorsFile.Read(path), layers, architecture);

    /// <summary>As <see cref="Load(string, IReadOnlyList{LayerInfo}, string)"/> from the file's bytes (compiled-in or downloaded).</summary>
    public static QuantizedNetwork FromBytes(ReadOnlySpan<byte> file, IReadOnlyList<LayerInfo> layers, string architecture) =>
        FromFile(SafeTensorsFile.Read(file), layers, architecture);

    private static QuantizedNetwork FromFile(SafeTensorsFile file, IReadOnlyList<LayerInfo> layers, string architecture)
    {
        QuantizationPlan plan = QuantizationPlan.Of(layers, architecture);
        (QuantizationParameters input, QuantizedStage[] stages) = QuantizedWeightFile.Read(file, plan);
        return new QuantizedNetwork(plan, input, stages);
    }

    /// <summary>One sample: <paramref name="input"/> has <see cref="InputSize"/> floats, <paramref name="output"/> room for <see cref="OutputSize"/>.</summary>
    public void Forward(ReadOnlySpan<float> input, Span<float> output)
    {
        if (input.Length != InputSize || output.Length < OutputSize)
        {
            throw new ArgumentException($"Expected an input of {InputSize} floats and an output of at least {OutputSize}, got {input.Length} and {output.Length}.");
        }

        Run(input, output, 1);
    }

    /// <summary>Whole samples: <paramref name="inputs"/> is a multiple of <see cref="InputSize"/>, <paramref name="outputs"/> as many samples of <see cref="OutputSize"/>.</summary>
    public void ForwardBatch(ReadOnlySpan<float> inputs, Span<float> outputs)
    {
        int batch = SampleCount(inputs, InputSize, nameof(inputs));
        if (outputs.Length != batch * OutputSize)
        {
            throw new ArgumentException($"Expected outputs of {batch} x {OutputSize} = {batch * OutputSize} floats for {batch} input samples, got {outputs.Length}.", nameof(outputs));
        }

        for (int first = 0; first < batch; first += ChunkRows)
        {
            int rows = Math.Min(ChunkRows, batch - first);
            Run(inputs.Slice(first * InputSize, rows * InputSize), outputs.Slice(first * OutputSize, rows * OutputSize), rows);
        }
    }

    /// <summary>
    /// Evaluates <paramref name="model"/> (the float network this was quantized from) and this network on a labelled test set:
    /// both accuracies (arg-max of the outputs) and, per integer stage, how far its dequantized outputs are from the float ones.
    /// </summary>
    public QuantizationReport Evaluate(INetwork model, ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.Architecture != Architecture)
        {
            throw new ArgumentException($"Expected the network this was quantized from ({Architecture}), got {model.Architecture}.", nameof(model));
        }

        int rows = SampleCount(inputs, InputSize, nameof(inputs));
        if (labels.Length != rows || rows == 0)
        {
            throw new ArgumentException($"Expected one label per input sample ({rows} samples, at least one), got {labels.Length} labels.", nameof(labels));
        }

        var floatOutputs = new float[rows * OutputSize];
        var int8Outputs = new float[rows * OutputSize];
        model.ForwardBatch(inputs, floatOutputs);
        ForwardBatch(inputs, int8Outputs);

        List<float[]> reference = FloatPass.Run(model, Plan, inputs, rows);
        List<float[]> quantized = Trace(inputs, rows);
        var errors = new List<LayerQuantizationError>();
        for (int i = 0; i < _stages.Length; i++)
        {
            errors.Add(LayerQuantizationError.Between(_stages[i].Name, _stages[i].Kind, reference[i + 1], quantized[i]));
        }

        long floatBytes = 0;
        for (int i = 0; i < _stages.Length; i++)
        {
            PlannedStage stage = Plan.Stages[i];
            if (_stages[i] is QuantizedFloatLayer { Parameters: { } parameters })
            {
                floatBytes += parameters.StorageBytes;
            }
            else if (stage.Kind == PlannedKind.Linear)
            {
                floatBytes += 4L * (stage.InFeatures + 1) * stage.OutFeatures;
            }
            else if (stage is { Kind: PlannedKind.Convolution, Window: { } window })
            {
                // The convolution's weight and bias, and the batch normalization's four vectors folded into them.
                floatBytes += 4L * (window.Depth + 1 + (stage.FoldedNorm is null ? 0 : 4)) * window.OutChannels;
            }
        }

        return new QuantizationReport(
            rows,
            Accuracy(floatOutputs, labels, OutputSize),
            Accuracy(int8Outputs, labels, OutputSize),
            floatBytes,
            StorageBytes,
            errors);
    }

    /// <summary>As <see cref="Evaluate(INetwork, ReadOnlySpan{float}, ReadOnlySpan{int})"/> on a classification data set.</summary>
    public QuantizationReport Evaluate(INetwork model, Dataset test)
    {
        ArgumentNullException.ThrowIfNull(test);
        var labels = new int[test.Count];
        for (int i = 0; i < labels.Length; i++)
        {
            labels[i] = test.GetClass(i);
        }

        return Evaluate(model, test.Features, labels);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Run(ReadOnlySpan<float> inputs, Span<float> outputs, int rows)
    {
        Span<byte> x = ThreadScratch.Of(ref t_first, ChunkRows * _widest);
        Span<byte> y = ThreadScratch.Of(ref t_second, ChunkRows * _widest);
        Span<int> sums = ThreadScratch.Of(ref t_sums, ChunkRows * _widest);
        QuantizationParameters input = InputQuantization;
        ActivationQuantization.Quantize(inputs.Slice(0, rows * InputSize), input, x);
        QuantizationParameters last = input;
        for (int s = 0; s < _stages.Length; s++)
        {
            QuantizedStage stage = _stages[s];
            if (stage is QuantizedLinear { FloatOutput: true } output)
            {
                output.RunToFloat(x, rows, outputs, sums);
                ApplyTail(outputs, rows);
                return;
            }

            stage.Run(x, rows, y, sums);
            Span<byte> swap = x;
            x = y;
            y = swap;
            last = stage.Output;
        }

        for (int i = 0; i < rows * OutputSize; i++)
        {
            outputs[i] = last.Dequantize(x[i]);
        }

        ApplyTail(outputs, rows);
    }

    private void ApplyTail(Span<float> outputs, int rows) => ApplyTail(Plan, outputs, rows);

    /// <summary>The plan's float tail (Softmax, LogSoftmax) on <paramref name="rows"/> outputs, in place.</summary>
    private static void ApplyTail(QuantizationPlan plan, Span<float> outputs, int rows)
    {
        Span<float> values = outputs.Slice(0, rows * plan.OutputSize);
        switch (plan.Tail)
        {
            case FloatTail.Softmax: SoftmaxKernels.Softmax(values, values, rows, plan.OutputSize); break;
            case FloatTail.LogSoftmax: SoftmaxKernels.LogSoftmax(values, values, rows, plan.OutputSize); break;
        }
    }

    /// <summary>
    /// Samples stay channels-last from a convolution to the next window stage (a ReLU between them does not count), and
    /// from a pool that reads them so to the next; every other stage, and the network's end, sees planar samples.
    /// </summary>
    private static void ChooseLayouts(QuantizedStage[] stages)
    {
        bool channelsLast = false;
        for (int i = 0; i < stages.Length; i++)
        {
            if (stages[i] is QuantizedWindowStage window)
            {
                int next = i + 1;
                while (next < stages.Length && stages[next] is QuantizedRelu)
                {
                    next++;
                }

                bool output = next < stages.Length && stages[next] is QuantizedWindowStage && (window is QuantizedConvolution || channelsLast);
                window.UseChannelsLast(channelsLast, output);
                channelsLast = output;
            }
        }
    }

    /// <summary>A stage that keeps its input's quantization and has nothing to store (ReLU, max pool, a residual block's start), or null for others.</summary>
    internal static QuantizedStage? PassingQuantizationThrough(PlannedStage stage, QuantizationParameters input) => stage.Kind switch
    {
        PlannedKind.Relu => new QuantizedRelu(stage.Layer.Name, stage.InFeatures, input),
        PlannedKind.MaxPool => new QuantizedMaxPool(stage.Layer.Name, stage.Window!, input),
        PlannedKind.ResidualStart => new QuantizedResidualStart(stage.Layer.Name, stage.InFeatures, input, stage.BlockDepth),
        _ => null,
    };

    /// <summary>Every stage's outputs as real values (dequantized; the last Linear's float outputs before the tail).</summary>
    private List<float[]> Trace(ReadOnlySpan<float> inputs, int rows)
    {
        var trace = new List<float[]>();
        var x = new byte[rows * _widest];
        var y = new byte[rows * _widest];
        var sums = new int[rows * _widest];
        for (int i = 0; i < rows * InputSize; i++)
        {
            x[i] = InputQuantization.Quantize(inputs[i]);
        }

        QuantizedWindowStage? channelsLast = null;
        foreach (QuantizedStage stage in _stages)
        {
            var values = new float[rows * stage.OutFeatures];
            if (stage is QuantizedLinear { FloatOutput: true } output)
            {
                output.RunToFloat(x, rows, values, sums);
            }
            else
            {
                stage.Run(x, rows, y, sums);
                channelsLast = stage switch
                {
                    QuantizedWindowStage window => window.ChannelsLastOutput ? window : null,
                    QuantizedRelu => channelsLast,
                    _ => null,
                };

                // Reported in PyTorch's planar order, as the float network's outputs are.
                byte[] planar = y;
                if (channelsLast is not null)
                {
                    planar = new byte[values.Length];
                    ChannelsLastSamples.ToPlanar(y, rows, channelsLast.Window.OutChannels, channelsLast.Window.OutPlane, planar);
                }

                for (int i = 0; i < values.Length; i++)
                {
                    values[i] = stage.Output.Dequantize(planar[i]);
                }

                (x, y) = (y, x);
            }

            trace.Add(values);
        }

        return trace;
    }

    /// <summary>
    /// The stage-by-stage float pass must give the model's own outputs: if it does not, this code misreads a layer, and
    /// quantizing would silently build a different network.
    /// </summary>
    private static void CheckAgainstModel(INetwork model, QuantizationPlan plan, float[] stagesOutput, ReadOnlySpan<float> inputs, int rows)
    {
        var expected = new float[rows * plan.OutputSize];
        model.ForwardBatch(inputs.Slice(0, rows * plan.InputSize), expected);
        var actual = (float[])stagesOutput.Clone();
        ApplyTail(plan, actual, rows);

        for (int i = 0; i < expected.Length; i++)
        {
            if (!(Math.Abs(expected[i] - actual[i]) <= 1e-3f * Math.Max(1f, Math.Abs(expected[i]))))
            {
                throw new InvalidOperationException(
                    $"Quantization read the network {plan.Architecture} differently from its Forward: output {i % plan.OutputSize} of sample {i / plan.OutputSize} is {expected[i]} from Forward and {actual[i]} from the layers read one by one. This is a bug in NetDsl; please report it with the declaration.");
            }
        }
    }

    private static int SampleCount(ReadOnlySpan<float> values, int sampleSize, string name)
    {
        if (values.Length % sampleSize != 0)
        {
            throw new ArgumentException($"Expected whole samples of {sampleSize} floats, got {values.Length} floats ({values.Length / sampleSize} samples and {values.Length % sampleSize} left over).", name);
        }

        return values.Length / sampleSize;
    }

    private static double Accuracy(float[] outputs, ReadOnlySpan<int> labels, int classes)
    {
        int correct = 0;
        for (int n = 0; n < labels.Length; n++)
        {
            ReadOnlySpan<float> row = outputs.AsSpan(n * classes, classes);
            int best = 0;
            for (int c = 1; c < classes; c++)
            {
                if (row[c] > row[best])
                {
                    best = c;
                }
            }

            correct += best == labels[n] ? 1 : 0;
        }

        return (double)correct / labels.Length;
    }
}
