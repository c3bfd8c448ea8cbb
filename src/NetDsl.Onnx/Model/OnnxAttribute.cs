using System.Collections.Generic;
using NetDsl.Onnx.Protobuf;

namespace NetDsl.Onnx.Model;

/// <summary>A node attribute: a float, an integer, or a list of integers (all the exporter's operators need).</summary>
internal sealed class OnnxAttribute
{
    private OnnxAttribute(string name, int type, float floatValue, long intValue, IReadOnlyList<long> intValues)
    {
        Name = name;
        Type = type;
        FloatValue = floatValue;
        IntValue = intValue;
        IntValues = intValues;
    }

    /// <summary>The attribute's name, as the operator's schema spells it.</summary>
    public string Name { get; }

    /// <summary>The <c>AttributeProto.AttributeType</c>: which of the values below is meant.</summary>
    public int Type { get; }

    /// <summary>The value of a float attribute.</summary>
    public float FloatValue { get; }

    /// <summary>The value of an integer attribute.</summary>
    public long IntValue { get; }

    /// <summary>The values of an integer-list attribute.</summary>
    public IReadOnlyList<long> IntValues { get; }

    /// <summary>A float attribute.</summary>
    public static OnnxAttribute Float(string name, float value) => new(name, OnnxFields.AttributeType.Float, value, 0, []);

    /// <summary>An integer attribute.</summary>
    public static OnnxAttribute Int(string name, long value) => new(name, OnnxFields.AttributeType.Int, 0, value, []);

    /// <summary>An integer-list attribute.</summary>
    public static OnnxAttribute Ints(string name, params long[] values) => new(name, OnnxFields.AttributeType.Ints, 0, 0, (long[])values.Clone());
}
