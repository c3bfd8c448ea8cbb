using System;
using System.Collections.Generic;
using NetDsl.Onnx.Model;
using NetDsl.Quantization;

namespace NetDsl.Onnx.Export;

/// <summary>
/// A quantized network in ONNX's QDQ form: the float input is quantized and dequantized with the input's scale and zero
/// point; each <c>Linear</c> is a <c>Gemm</c> of the dequantized activations, its int8 weights dequantized per output
/// channel (<c>DequantizeLinear</c> on axis 0) and its int32 bias dequantized with the accumulator's scales, then
/// <c>Relu</c> when fused, then <c>QuantizeLinear</c>/<c>DequantizeLinear</c> with the layer's output scale and zero point;
/// the last layer keeps its float outputs and float bias. A layer computed in float (an activation, a pool, LayerNorm, a
/// standalone BatchNorm, PReLU) is the float network's own node between the dequantized input and its output's
/// <c>QuantizeLinear</c>/<c>DequantizeLinear</c>, its float parameters initializers under their PyTorch names. A residual block's end is an <c>Add</c> of the dequantized block output and block input (then <c>Relu</c> when fused)
/// before its output's <c>QuantizeLinear</c>/<c>DequantizeLinear</c>. Runtimes that know QDQ (ONNX Runtime) fuse each pattern into
/// integer kernels; any runtime can run it in float.
/// </summary>
internal static class QuantizedModelTranslator
{
    public static OnnxModel Translate(QuantizedNetwork network, OnnxExportOptions options)
    {
        QuantizationPlan plan = network.Plan;
        var builder = new GraphBuilder(options.GraphName is { Length: > 0 } name ? name : "Quantized", options.BatchDimensionName);
        builder.AddInput(options.InputName, plan.InputShape);
        string current = QuantizeDequantize(builder, "input", options.InputName, "input", network.InputQuantization);
        bool flat = plan.InputShape.Length == 1;
        var blockInputs = new Stack<string>();
        for (int index = 0; index < network.Stages.Count; index++)
        {
            QuantizedStage stage = network.Stages[index];
            LayerInfo layer = plan.Stages[index].Layer;
            if (stage is QuantizedLinear && !flat)
            {
                current = builder.AddNode(layer.Name, "Flatten", [current], OnnxAttribute.Int("axis", 1));
                flat = true;
            }

            if (stage is QuantizedFloatLayer { Parameters: not null } && !PreviousShape(plan, index).SequenceEqual(layer.InputShape))
            {
                // Flatten and Reshape layers vanish from the int8 stages, but LayerNorm's and BatchNorm's axes and PReLU's
                // per-channel slopes need the layer's own input shape.
                current = builder.AddNode(layer.Name, "Reshape", [current, builder.AddInitializer(OnnxTensor.Int64s("/" + layer.Name + "/input_shape", [layer.InputShape.Length + 1], SampleShape(layer.InputShape)))]);
                flat = layer.InputShape.Length == 1;
            }

            flat |= stage is QuantizedFloatLayer { Layer.Kind: "GlobalAvgPool" };
            current = stage switch
            {
                QuantizedLinear linear => Linear(builder, linear, current, "Gemm", [linear.OutFeatures, linear.InFeatures], OnnxAttribute.Int("transB", 1)),
                QuantizedConvolution convolution => Linear(builder, convolution.Product, current, "Conv",
                    System.Array.ConvertAll(QuantizedWeightFile.WeightShape(convolution.Window), d => (long)d),
                    WindowAttributes(layer, convolution.Window, convolution: true)),
                QuantizedMaxPool pool => builder.AddNode(layer.Name, "MaxPool", [current], WindowAttributes(layer, pool.Window, convolution: false)),
                QuantizedResidualStart => Keep(blockInputs, current),
                QuantizedResidualAdd add => QuantizeDequantize(builder, stage.Name, ResidualAdd(builder, add, current, blockInputs.Pop()), stage.Name + ".output", stage.Output),
                QuantizedRelu => QuantizeDequantize(builder, stage.Name, builder.AddNode(stage.Name, "Relu", [current]), stage.Name + ".output", stage.Output),
                QuantizedFloatLayer floatLayer => QuantizeDequantize(builder, stage.Name,
                    NetDsl.Onnx.Layers.LayerTranslators.Translate(FloatLayerContext(builder, floatLayer, current)), stage.Name + ".output", stage.Output),
                _ => throw new NotSupportedException($"Stage '{stage.Name}' ({stage.Kind}) has no QDQ translation."),
            };
        }

        current = plan.Tail switch
        {
            FloatTail.Softmax => builder.AddNode("output", "Softmax", [current], OnnxAttribute.Int("axis", -1)),
            FloatTail.LogSoftmax => builder.AddNode("output", "LogSoftmax", [current], OnnxAttribute.Int("axis", -1)),
            _ => current,
        };

        builder.Rename(current, options.OutputName, "output");
        builder.AddOutput(options.OutputName, [plan.OutputSize]);
        var model = new OnnxModel(OnnxExporter.IrVersion, OnnxExporter.OpsetVersion, OnnxExporter.ProducerName, OnnxExporter.ProducerVersion, builder.Graph)
        {
            DocString = options.Description,
        };
        model.Metadata.Add(new("netdsl.architecture", network.Architecture));
        model.Metadata.Add(new("netdsl.quantization", "int8"));
        return model;
    }

    /// <summary>The shape of one sample of stage <paramref name="index"/>'s input in the graph: the previous stage's output, or the network's input.</summary>
    private static ReadOnlySpan<int> PreviousShape(QuantizationPlan plan, int index) => index == 0 ? plan.InputShape : plan.Stages[index - 1].Layer.OutputShape;

    /// <summary><c>[-1, ...sample]</c>: a Reshape's target shape for a batch of samples.</summary>
    private static long[] SampleShape(ReadOnlySpan<int> sample)
    {
        var shape = new long[sample.Length + 1];
        shape[0] = -1;
        for (int i = 0; i < sample.Length; i++)
        {
            shape[i + 1] = sample[i];
        }

        return shape;
    }

    /// <summary>
    /// The context of a layer computed in float: a float parameter (LayerNorm's, BatchNorm's, PReLU's) becomes an F32
    /// initializer under its PyTorch name, which the float network's own translation reads.
    /// </summary>
    private static LayerContext FloatLayerContext(GraphBuilder builder, QuantizedFloatLayer layer, string input)
    {
        if (layer.Parameters is not { } parameters)
        {
            return new LayerContext(builder, layer.Layer, input);
        }

        var tensors = new List<(string Name, int Length)>();
        foreach (FloatLayerTensor tensor in parameters.Tensors)
        {
            string name = builder.AddInitializer(OnnxTensor.Floats(tensor.Name, System.Array.ConvertAll(tensor.Shape, d => (long)d), tensor.Values));
            tensors.Add((name, tensor.Values.Length));
        }

        return new LayerContext(builder, layer.Layer, input, tensors);
    }

    /// <summary>A residual block's start: its (dequantized) input is what the block's add adds, and passes on unchanged.</summary>
    private static string Keep(Stack<string> blockInputs, string current)
    {
        blockInputs.Push(current);
        return current;
    }

    /// <summary><c>Add</c> of the dequantized block output and block input, then the fused <c>Relu</c>; the caller quantizes the sum.</summary>
    private static string ResidualAdd(GraphBuilder builder, QuantizedResidualAdd add, string blockOutput, string blockInput)
    {
        string sum = builder.AddNode(add.Name, "Add", [blockOutput, blockInput]);
        return add.Relu ? builder.AddNode(add.Name, "Relu", [sum]) : sum;
    }

    /// <summary>The kernel, stride, padding (begins, then ends) and dilation attributes of a Conv or MaxPool node.</summary>
    private static OnnxAttribute[] WindowAttributes(LayerInfo layer, Int8Window window, bool convolution)
    {
        var attributes = window.OneDimensional
            ? new System.Collections.Generic.List<OnnxAttribute>
            {
                OnnxAttribute.Ints("kernel_shape", [window.KernelWidth]),
                OnnxAttribute.Ints("strides", [window.StrideWidth]),
                OnnxAttribute.Ints("pads", [window.PadLeft, (long)layer.Option("PadRight")]),
                OnnxAttribute.Ints("dilations", [window.DilationWidth]),
            }
            : new System.Collections.Generic.List<OnnxAttribute>
            {
                OnnxAttribute.Ints("kernel_shape", [window.KernelHeight, window.KernelWidth]),
                OnnxAttribute.Ints("strides", [window.StrideHeight, window.StrideWidth]),
                OnnxAttribute.Ints("pads", [window.PadTop, window.PadLeft, (long)layer.Option("PadBottom"), (long)layer.Option("PadRight")]),
                OnnxAttribute.Ints("dilations", [window.DilationHeight, window.DilationWidth]),
            };
        if (!convolution)
        {
            attributes.Add(OnnxAttribute.Int("ceil_mode", 0));
        }

        return attributes.ToArray();
    }

    /// <summary>
    /// A Gemm or Conv node on dequantized int8 weights (per output channel) and a dequantized int32 bias (or a float one for
    /// the last layer), the fused Relu, then the output's QuantizeLinear/DequantizeLinear.
    /// </summary>
    private static string Linear(GraphBuilder builder, QuantizedLinear linear, string input, string operation, long[] weightShape, params OnnxAttribute[] attributes)
    {
        string name = linear.Name;
        long outputs = linear.OutFeatures;
        string weight = builder.AddNode(name, "DequantizeLinear",
            [
                builder.AddInitializer(OnnxTensor.Int8s(name + ".weight", weightShape, linear.Weights)),
                builder.AddInitializer(OnnxTensor.Floats(name + ".weight_scale", [outputs], linear.WeightScales)),
                builder.AddInitializer(OnnxTensor.Int8s(name + ".weight_zero_point", [outputs], new sbyte[outputs])),
            ],
            OnnxAttribute.Int("axis", 0));

        string bias;
        if (linear.FloatOutput)
        {
            bias = builder.AddInitializer(OnnxTensor.Floats(name + ".bias", [outputs], linear.FloatBias));
        }
        else
        {
            var biasScales = new float[outputs];
            for (int o = 0; o < biasScales.Length; o++)
            {
                biasScales[o] = linear.Input.Scale * linear.WeightScales[o];
            }

            bias = builder.AddNode(name, "DequantizeLinear",
                [
                    builder.AddInitializer(OnnxTensor.Int32s(name + ".bias", [outputs], linear.IntegerBias)),
                    builder.AddInitializer(OnnxTensor.Floats(name + ".bias_scale", [outputs], biasScales)),
                    builder.AddInitializer(OnnxTensor.Int32s(name + ".bias_zero_point", [outputs], new int[outputs])),
                ],
                OnnxAttribute.Int("axis", 0));
        }

        string output = builder.AddNode(name, operation, [input, weight, bias], attributes);
        if (linear.Relu)
        {
            output = builder.AddNode(name, "Relu", [output]);
        }

        return linear.FloatOutput ? output : QuantizeDequantize(builder, name, output, name + ".output", linear.Output);
    }

    /// <summary><c>DequantizeLinear(QuantizeLinear(value))</c> with uint8 parameters named <c>{prefix}_scale</c> and <c>{prefix}_zero_point</c>.</summary>
    private static string QuantizeDequantize(GraphBuilder builder, string layer, string value, string prefix, QuantizationParameters parameters)
    {
        string scale = builder.HasValue(prefix + "_scale") ? prefix + "_scale" : builder.AddInitializer(OnnxTensor.Floats(prefix + "_scale", [], [parameters.Scale]));
        string zeroPoint = builder.HasValue(prefix + "_zero_point") ? prefix + "_zero_point" : builder.AddInitializer(OnnxTensor.UInt8s(prefix + "_zero_point", [], [(byte)parameters.ZeroPoint]));
        string quantized = builder.AddNode(layer, "QuantizeLinear", [value, scale, zeroPoint]);
        return builder.AddNode(layer, "DequantizeLinear", [quantized, scale, zeroPoint]);
    }
}
