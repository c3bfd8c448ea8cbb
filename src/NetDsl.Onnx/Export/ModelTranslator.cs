using System;
using System.Collections.Generic;
using NetDsl.Onnx.Layers;
using NetDsl.Onnx.Model;

namespace NetDsl.Onnx.Export;

/// <summary>
/// Turns a network into an in-memory ONNX model: the input <c>[N, ...]</c>, every parameter and buffer as an initializer
/// named by its <c>state_dict</c> key, each layer's nodes in order, and the output <c>[N, ...]</c>.
/// </summary>
internal static class ModelTranslator
{
    /// <summary>Builds the model; throws before anything is returned if a layer cannot be exported.</summary>
    /// <exception cref="NotSupportedException">A layer's kind is not supported.</exception>
    /// <exception cref="ArgumentException">The options' names are empty or collide with each other or with a tensor name.</exception>
    public static OnnxModel Translate(INetwork network, OnnxExportOptions options)
    {
        IReadOnlyList<LayerInfo> layers = network.Layers;
        if (layers.Count == 0)
        {
            throw new ArgumentException("The network describes no layers, so there is nothing to export.", nameof(network));
        }

        CheckName(options.InputName, nameof(options.InputName));
        CheckName(options.OutputName, nameof(options.OutputName));
        CheckName(options.BatchDimensionName, nameof(options.BatchDimensionName));
        if (options.InputName == options.OutputName)
        {
            throw new ArgumentException($"The input and output are both named '{options.InputName}'; ONNX values need distinct names.", nameof(options));
        }

        string graphName = options.GraphName is { Length: > 0 } name ? name : network.GetType().Name;
        var builder = new GraphBuilder(graphName, options.BatchDimensionName);
        AddTensors(builder, network.ParameterTensors, network.ReadParameters());
        AddTensors(builder, network.BufferTensors, network.Buffers);
        if (builder.HasValue(options.InputName) || builder.HasValue(options.OutputName))
        {
            throw new ArgumentException($"The input or output name ('{options.InputName}', '{options.OutputName}') is also the name of a parameter or buffer; choose another.", nameof(options));
        }

        builder.AddInput(options.InputName, layers[0].InputShape);
        string current = options.InputName;
        var blockInputs = new Dictionary<int, string>();
        for (int index = 0; index < layers.Count; index++)
        {
            string output = LayerTranslators.Translate(new LayerContext(builder, network, index, current, blockInputs));
            if (options.IncludeIntermediateShapes && output != current && index < layers.Count - 1)
            {
                builder.AddValueInfo(output, layers[index].OutputShape);
            }

            current = output;
        }

        LayerInfo last = layers[layers.Count - 1];
        builder.Rename(current, options.OutputName, last.Name);
        builder.AddOutput(options.OutputName, last.OutputShape);

        var model = new OnnxModel(OnnxExporter.IrVersion, OnnxExporter.OpsetVersion, OnnxExporter.ProducerName, OnnxExporter.ProducerVersion, builder.Graph)
        {
            DocString = options.Description,
        };
        model.Metadata.Add(new("netdsl.architecture", network.Architecture));
        return model;
    }

    private static void AddTensors(GraphBuilder builder, IReadOnlyList<TensorInfo> tensors, ReadOnlySpan<float> values)
    {
        foreach (TensorInfo tensor in tensors)
        {
            if (tensor.Offset + tensor.Length > values.Length)
            {
                throw new InvalidOperationException($"Tensor '{tensor.Name}' ends at {tensor.Offset + tensor.Length}, past the network's {values.Length} values.");
            }

            long[] dimensions = new long[tensor.Shape.Length];
            for (int i = 0; i < dimensions.Length; i++)
            {
                dimensions[i] = tensor.Shape[i];
            }

            builder.AddInitializer(OnnxTensor.Floats(tensor.Name, dimensions, values.Slice(tensor.Offset, tensor.Length)));
        }
    }

    private static void CheckName(string value, string option)
    {
        if (string.IsNullOrEmpty(value))
        {
            throw new ArgumentException($"OnnxExportOptions.{option} must not be empty.", option);
        }
    }
}
