using System.Collections.Generic;

namespace NetDsl.Onnx.Model;

/// <summary>A named float tensor value with its shape: a graph input or output, or an intermediate value's shape.</summary>
internal sealed class OnnxValueInfo
{
    /// <summary>Describes a value of element type <paramref name="elementType"/> (a <c>TensorProto.DataType</c>).</summary>
    public OnnxValueInfo(string name, int elementType, IReadOnlyList<OnnxDimension> shape)
    {
        Name = name;
        ElementType = elementType;
        Shape = shape;
    }

    /// <summary>The value's name in the graph.</summary>
    public string Name { get; }

    /// <summary>The element type, a <c>TensorProto.DataType</c> value.</summary>
    public int ElementType { get; }

    /// <summary>The dimensions, outermost first.</summary>
    public IReadOnlyList<OnnxDimension> Shape { get; }
}
