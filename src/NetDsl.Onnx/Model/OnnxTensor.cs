using System;
using System.Buffers.Binary;
using NetDsl.Onnx.Protobuf;

namespace NetDsl.Onnx.Model;

/// <summary>A constant tensor (an initializer): name, element type, dimensions and little-endian raw data.</summary>
internal sealed class OnnxTensor
{
    private readonly long[] _dimensions;
    private readonly byte[] _rawData;

    private OnnxTensor(string name, int dataType, long[] dimensions, byte[] rawData)
    {
        Name = name;
        DataType = dataType;
        _dimensions = dimensions;
        _rawData = rawData;
    }

    /// <summary>The tensor's name in the graph.</summary>
    public string Name { get; }

    /// <summary>The element type, a <c>TensorProto.DataType</c> value.</summary>
    public int DataType { get; }

    /// <summary>The dimensions, outermost first; empty for a scalar.</summary>
    public ReadOnlySpan<long> Dimensions => _dimensions;

    /// <summary>The elements, row-major, as fixed-width little-endian bytes (<c>TensorProto.raw_data</c>).</summary>
    public ReadOnlySpan<byte> RawData => _rawData;

    /// <summary>A float tensor of the given shape holding a copy of <paramref name="values"/>.</summary>
    /// <exception cref="ArgumentException">The number of values does not match the shape.</exception>
    public static OnnxTensor Floats(string name, ReadOnlySpan<long> dimensions, ReadOnlySpan<float> values)
    {
        CheckCount(name, dimensions, values.Length);
        byte[] raw = new byte[values.Length * sizeof(float)];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(raw.AsSpan(i * sizeof(float)), values[i]);
        }

        return new OnnxTensor(name, OnnxFields.DataType.Float, dimensions.ToArray(), raw);
    }

    /// <summary>An int64 tensor of the given shape holding a copy of <paramref name="values"/>.</summary>
    /// <exception cref="ArgumentException">The number of values does not match the shape.</exception>
    public static OnnxTensor Int64s(string name, ReadOnlySpan<long> dimensions, ReadOnlySpan<long> values)
    {
        CheckCount(name, dimensions, values.Length);
        byte[] raw = new byte[values.Length * sizeof(long)];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(raw.AsSpan(i * sizeof(long)), values[i]);
        }

        return new OnnxTensor(name, OnnxFields.DataType.Int64, dimensions.ToArray(), raw);
    }

    /// <summary>An int8 tensor of the given shape holding a copy of <paramref name="values"/>.</summary>
    public static OnnxTensor Int8s(string name, ReadOnlySpan<long> dimensions, ReadOnlySpan<sbyte> values)
    {
        CheckCount(name, dimensions, values.Length);
        return new OnnxTensor(name, OnnxFields.DataType.Int8, dimensions.ToArray(), System.Runtime.InteropServices.MemoryMarshal.AsBytes(values).ToArray());
    }

    /// <summary>A uint8 tensor of the given shape holding a copy of <paramref name="values"/>.</summary>
    public static OnnxTensor UInt8s(string name, ReadOnlySpan<long> dimensions, ReadOnlySpan<byte> values)
    {
        CheckCount(name, dimensions, values.Length);
        return new OnnxTensor(name, OnnxFields.DataType.UInt8, dimensions.ToArray(), values.ToArray());
    }

    /// <summary>An int32 tensor of the given shape holding a copy of <paramref name="values"/>.</summary>
    public static OnnxTensor Int32s(string name, ReadOnlySpan<long> dimensions, ReadOnlySpan<int> values)
    {
        CheckCount(name, dimensions, values.Length);
        byte[] raw = new byte[values.Length * sizeof(int)];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(raw.AsSpan(i * sizeof(int)), values[i]);
        }

        return new OnnxTensor(name, OnnxFields.DataType.Int32, dimensions.ToArray(), raw);
    }

    private static void CheckCount(string name, ReadOnlySpan<long> dimensions, int count)
    {
        long expected = 1;
        foreach (long dimension in dimensions)
        {
            expected *= dimension;
        }

        if (expected != count)
        {
            throw new ArgumentException($"Tensor '{name}' has shape [{string.Join(", ", dimensions.ToArray())}], which holds {expected} elements, but {count} values were given.");
        }
    }
}
