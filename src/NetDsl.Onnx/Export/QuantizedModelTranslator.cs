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
/// the last layer keeps its float outputs and float bias. Runtimes that know QDQ (ONNX Runtime) fuse each pattern into
/// integer kernels; any runtime can run it in float.
/// </summary>
internal static class QuantizedModelTranslator
{
    public static OnnxModel Translate(QuantizedNetwork network, OnnxExportOptions options)
    {
        QuantizationPlan plan = network.Plan;
        var builder = new GraphBuilder(options.GraphName is { Length: > 0 } name ? name : "Quantized", options.BatchDimensionName);
        builder.AddInput(options.InputName, plan.InputShape);
        string current = options.InputName;
        if (plan.InputShape.Length > 1)
        {
            current = builder.AddNode("input", "Flatten", [current], OnnxAttribute.Int("axis", 1));
        }

        current = QuantizeDequantize(builder, "input", current, "input", network.InputQuantization);
        foreach (QuantizedStage stage in network.Stages)
        {
            current = stage switch
            {
                QuantizedLinear linear => Linear(builder, linear, current),
                _ => QuantizeDequantize(builder, stage.Name, builder.AddNode(stage.Name, "Relu", [current]), stage.Name + ".output", stage.Output),
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

    private static string Linear(GraphBuilder builder, QuantizedLinear linear, string input)
    {
        string name = linear.Name;
        long outputs = linear.OutFeatures;
        string weight = builder.AddNode(name, "DequantizeLinear",
            [
                builder.AddInitializer(OnnxTensor.Int8s(name + ".weight", [outputs, linear.InFeatures], linear.Weights)),
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

        string output = builder.AddNode(name, "Gemm", [input, weight, bias], OnnxAttribute.Int("transB", 1));
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
