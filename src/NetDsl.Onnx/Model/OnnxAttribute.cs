using System.Collections.Generic;
using NetDsl.Onnx.Protobuf;

namespace NetDsl.Onnx.Model;

/// <summary>A node attribute: a float, an integer, a list of integers, a string or a list of strings (all the exporter's operators need).</summary>
internal sealed class OnnxAttribute
{
    private OnnxAttribute(string name, int type, float floatValue, long intValue, IReadOnlyList<long> intValues, IReadOnlyList<string>? stringValues = null)
    {
        Name = name;
        Type = type;
        FloatValue = floatValue;
        IntValue = intValue;
        IntValues = intValues;
        StringValues = stringValues ?? [];
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

    /// <summary>The value of a string attribute (one element) or the values of a string-list attribute.</summary>
    public IReadOnlyList<string> StringValues { get; }

    /// <summary>A float attribute.</summary>
    public static OnnxAttribute Float(string name, float value) => new(name, OnnxFields.AttributeType.Float, value, 0, []);

    /// <summary>An integer attribute.</summary>
    public static OnnxAttribute Int(string name, long value) => new(name, OnnxFields.AttributeType.Int, 0, value, []);

    /// <summary>An integer-list attribute.</summary>
    public static OnnxAttribute Ints(string name, params long[] values) => new(name, OnnxFields.AttributeType.Ints, 0, 0, (long[])values.Clone());

    /// <summary>A string attribute (written as UTF-8 bytes, as ONNX's <c>s</c> field holds them).</summary>
    public static OnnxAttribute String(string name, string value) => new(name, OnnxFields.AttributeType.String, 0, 0, [], [value]);

    /// <summary>A string-list attribute.</summary>
    public static OnnxAttribute Strings(string name, params string[] values) => new(name, OnnxFields.AttributeType.Strings, 0, 0, [], (string[])values.Clone());
}
