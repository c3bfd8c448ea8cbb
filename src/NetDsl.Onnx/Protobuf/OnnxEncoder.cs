using System.Collections.Generic;
using NetDsl.Onnx.Model;

namespace NetDsl.Onnx.Protobuf;

/// <summary>
/// Encodes the in-memory ONNX model as the protobuf bytes of <c>onnx.ModelProto</c>, field by field with the numbers
/// of <see cref="OnnxFields"/>. Repeated scalars are packed; tensor data goes into <c>raw_data</c>.
/// </summary>
internal static class OnnxEncoder
{
    /// <summary>The bytes of a <c>ModelProto</c>: what a <c>.onnx</c> file holds.</summary>
    public static byte[] Encode(OnnxModel model)
    {
        var writer = new ProtoWriter(4096);
        writer.WriteInt64(OnnxFields.Model.IrVersion, model.IrVersion);
        writer.WriteString(OnnxFields.Model.ProducerName, model.ProducerName);
        writer.WriteString(OnnxFields.Model.ProducerVersion, model.ProducerVersion);
        if (model.DocString is { Length: > 0 } doc)
        {
            writer.WriteString(OnnxFields.Model.DocString, doc);
        }

        writer.WriteMessage(OnnxFields.Model.Graph, Graph(model.Graph));
        var opset = new ProtoWriter();
        opset.WriteString(OnnxFields.OperatorSetId.Domain, "");
        opset.WriteInt64(OnnxFields.OperatorSetId.Version, model.OpsetVersion);
        writer.WriteMessage(OnnxFields.Model.OpsetImport, opset);
        foreach (KeyValuePair<string, string> entry in model.Metadata)
        {
            var pair = new ProtoWriter();
            pair.WriteString(OnnxFields.StringStringEntry.Key, entry.Key);
            pair.WriteString(OnnxFields.StringStringEntry.Value, entry.Value);
            writer.WriteMessage(OnnxFields.Model.MetadataProps, pair);
        }

        return writer.ToArray();
    }

    /// <summary>A <c>GraphProto</c>.</summary>
    public static ProtoWriter Graph(OnnxGraph graph)
    {
        var writer = new ProtoWriter(4096);
        foreach (OnnxNode node in graph.Nodes)
        {
            writer.WriteMessage(OnnxFields.Graph.Node, Node(node));
        }

        writer.WriteString(OnnxFields.Graph.Name, graph.Name);
        foreach (OnnxTensor tensor in graph.Initializers)
        {
            writer.WriteMessage(OnnxFields.Graph.Initializer, Tensor(tensor));
        }

        WriteValueInfos(writer, OnnxFields.Graph.Input, graph.Inputs);
        WriteValueInfos(writer, OnnxFields.Graph.Output, graph.Outputs);
        WriteValueInfos(writer, OnnxFields.Graph.ValueInfo, graph.ValueInfo);
        return writer;
    }

    /// <summary>A <c>NodeProto</c> of the default domain.</summary>
    public static ProtoWriter Node(OnnxNode node)
    {
        var writer = new ProtoWriter();
        foreach (string input in node.Inputs)
        {
            writer.WriteString(OnnxFields.Node.Input, input);
        }

        foreach (string output in node.Outputs)
        {
            writer.WriteString(OnnxFields.Node.Output, output);
        }

        writer.WriteString(OnnxFields.Node.Name, node.Name);
        writer.WriteString(OnnxFields.Node.OpType, node.OpType);
        foreach (OnnxAttribute attribute in node.Attributes)
        {
            writer.WriteMessage(OnnxFields.Node.Attribute, Attribute(attribute));
        }

        writer.WriteString(OnnxFields.Node.Domain, "");
        return writer;
    }

    /// <summary>An <c>AttributeProto</c> with its <c>type</c> discriminator.</summary>
    public static ProtoWriter Attribute(OnnxAttribute attribute)
    {
        var writer = new ProtoWriter();
        writer.WriteString(OnnxFields.Attribute.Name, attribute.Name);
        switch (attribute.Type)
        {
            case OnnxFields.AttributeType.Float:
                writer.WriteFloat(OnnxFields.Attribute.F, attribute.FloatValue);
                break;
            case OnnxFields.AttributeType.Int:
                writer.WriteInt64(OnnxFields.Attribute.I, attribute.IntValue);
                break;
            case OnnxFields.AttributeType.String:
                writer.WriteString(OnnxFields.Attribute.S, attribute.StringValues[0]);
                break;
            case OnnxFields.AttributeType.Strings:
                foreach (string value in attribute.StringValues)
                {
                    writer.WriteString(OnnxFields.Attribute.Strings, value);
                }

                break;
            default:
                long[] values = new long[attribute.IntValues.Count];
                for (int i = 0; i < values.Length; i++)
                {
                    values[i] = attribute.IntValues[i];
                }

                writer.WritePackedInt64(OnnxFields.Attribute.Ints, values);
                break;
        }

        writer.WriteInt64(OnnxFields.Attribute.Type, attribute.Type);
        return writer;
    }

    /// <summary>A <c>TensorProto</c>: dims (packed), data_type, name, raw_data.</summary>
    public static ProtoWriter Tensor(OnnxTensor tensor)
    {
        var writer = new ProtoWriter(tensor.RawData.Length + 64);
        writer.WritePackedInt64(OnnxFields.Tensor.Dims, tensor.Dimensions);
        writer.WriteInt64(OnnxFields.Tensor.DataType, tensor.DataType);
        writer.WriteString(OnnxFields.Tensor.Name, tensor.Name);
        writer.WriteBytes(OnnxFields.Tensor.RawData, tensor.RawData);
        return writer;
    }

    /// <summary>A <c>ValueInfoProto</c> of a tensor type: name, element type and shape, symbolic dimensions by name.</summary>
    public static ProtoWriter ValueInfo(OnnxValueInfo value)
    {
        var shape = new ProtoWriter();
        foreach (OnnxDimension dimension in value.Shape)
        {
            var dim = new ProtoWriter();
            if (dimension.Parameter is { } parameter)
            {
                dim.WriteString(OnnxFields.Shape.DimParam, parameter);
            }
            else
            {
                dim.WriteInt64(OnnxFields.Shape.DimValue, dimension.Value);
            }

            shape.WriteMessage(OnnxFields.Shape.Dim, dim);
        }

        var tensorType = new ProtoWriter();
        tensorType.WriteInt64(OnnxFields.Type.TensorElemType, value.ElementType);
        tensorType.WriteMessage(OnnxFields.Type.TensorShape, shape);
        var type = new ProtoWriter();
        type.WriteMessage(OnnxFields.Type.TensorType, tensorType);

        var writer = new ProtoWriter();
        writer.WriteString(OnnxFields.ValueInfo.Name, value.Name);
        writer.WriteMessage(OnnxFields.ValueInfo.Type, type);
        return writer;
    }

    private static void WriteValueInfos(ProtoWriter writer, int field, List<OnnxValueInfo> values)
    {
        foreach (OnnxValueInfo value in values)
        {
            writer.WriteMessage(field, ValueInfo(value));
        }
    }
}
