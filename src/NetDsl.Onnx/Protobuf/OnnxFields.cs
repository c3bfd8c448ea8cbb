namespace NetDsl.Onnx.Protobuf;

/// <summary>
/// The field numbers of the messages in ONNX's <c>onnx.proto3</c> that the exporter writes, and the enum values it
/// uses. Each number is the one the schema declares; a wrong one would make every reader misread the model.
/// </summary>
internal static class OnnxFields
{
    /// <summary><c>ModelProto</c>.</summary>
    public static class Model
    {
        public const int IrVersion = 1;
        public const int ProducerName = 2;
        public const int ProducerVersion = 3;
        public const int DocString = 6;
        public const int Graph = 7;
        public const int OpsetImport = 8;
        public const int MetadataProps = 14;
    }

    /// <summary><c>StringStringEntryProto</c>.</summary>
    public static class StringStringEntry
    {
        public const int Key = 1;
        public const int Value = 2;
    }

    /// <summary><c>OperatorSetIdProto</c>.</summary>
    public static class OperatorSetId
    {
        public const int Domain = 1;
        public const int Version = 2;
    }

    /// <summary><c>GraphProto</c>.</summary>
    public static class Graph
    {
        public const int Node = 1;
        public const int Name = 2;
        public const int Initializer = 5;
        public const int Input = 11;
        public const int Output = 12;
        public const int ValueInfo = 13;
    }

    /// <summary><c>NodeProto</c>.</summary>
    public static class Node
    {
        public const int Input = 1;
        public const int Output = 2;
        public const int Name = 3;
        public const int OpType = 4;
        public const int Attribute = 5;
        public const int Domain = 7;
    }

    /// <summary><c>AttributeProto</c>.</summary>
    public static class Attribute
    {
        public const int Name = 1;
        public const int F = 2;
        public const int I = 3;
        public const int S = 4;
        public const int T = 5;
        public const int Floats = 7;
        public const int Ints = 8;
        public const int Strings = 9;
        public const int Type = 20;
    }

    /// <summary><c>TensorProto</c>.</summary>
    public static class Tensor
    {
        public const int Dims = 1;
        public const int DataType = 2;
        public const int FloatData = 4;
        public const int Name = 8;
        public const int RawData = 9;
    }

    /// <summary><c>ValueInfoProto</c>.</summary>
    public static class ValueInfo
    {
        public const int Name = 1;
        public const int Type = 2;
    }

    /// <summary><c>TypeProto</c> and its nested <c>Tensor</c>.</summary>
    public static class Type
    {
        public const int TensorType = 1;
        public const int TensorElemType = 1;
        public const int TensorShape = 2;
    }

    /// <summary><c>TensorShapeProto</c> and its nested <c>Dimension</c>.</summary>
    public static class Shape
    {
        public const int Dim = 1;
        public const int DimValue = 1;
        public const int DimParam = 2;
    }

    /// <summary><c>TensorProto.DataType</c> values.</summary>
    public static class DataType
    {
        public const int Float = 1;
        public const int UInt8 = 2;
        public const int Int8 = 3;
        public const int Int32 = 6;
        public const int Int64 = 7;
    }

    /// <summary><c>AttributeProto.AttributeType</c> values.</summary>
    public static class AttributeType
    {
        public const int Float = 1;
        public const int Int = 2;
        public const int String = 3;
        public const int Tensor = 4;
        public const int Floats = 6;
        public const int Ints = 7;
        public const int Strings = 8;
    }
}
