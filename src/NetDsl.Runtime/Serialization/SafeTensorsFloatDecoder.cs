// Shared source: compiled into NetDsl.Runtime (net10.0) and linked into NetDsl.Generator (netstandard2.0).
// Keep it self-contained and free of .NET Core-only APIs.
using System;
using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;

namespace NetDsl.Serialization;

/// <summary>
/// Converts a tensor's little-endian data to float32, NetDsl's only element type. The rules, which compile-time
/// embedding and run-time loading share:
/// <list type="bullet">
/// <item><description>F32: copied bit for bit (NaN payloads included).</description></item>
/// <item><description>F16 and BF16: converted exactly (every value of both is a float32 value; infinities stay
/// infinite; F16 NaNs become quiet NaNs with the same payload, as <c>System.Half</c> converts them; BF16 is the upper
/// half of a float32, so its bits carry over unchanged).</description></item>
/// <item><description>F64: rounded to the nearest float32 (ties to even), as PyTorch's <c>tensor.float()</c> does, so up to
/// 2^-24 relative error, and values below float32's smallest subnormal become zero. A finite value too large for
/// float32 (beyond ±3.4028235e38) is refused rather than turned into an infinity. NaN and infinities convert as they are.</description></item>
/// <item><description>Every other dtype is refused.</description></item>
/// </list>
/// </summary>
internal static class SafeTensorsFloatDecoder
{
    /// <summary>
    /// Decodes <paramref name="entry"/>'s elements from <paramref name="data"/> (the whole data buffer) into
    /// <paramref name="destination"/>, which must hold exactly its elements.
    /// </summary>
    public static void Decode(SafeTensorsHeaderEntry entry, ReadOnlySpan<byte> data, Span<float> destination)
    {
        if (destination.Length != entry.ElementCount)
        {
            throw new ArgumentException(
                "Tensor '" + entry.Name + "' has " + SafeTensorsText.Number(entry.ElementCount) + " elements, but the destination holds "
                + SafeTensorsText.Number(destination.Length) + ".",
                nameof(destination));
        }

        ReadOnlySpan<byte> source = data.Slice((int)entry.Begin, (int)entry.ByteLength);
        switch (entry.Dtype)
        {
            case SafeTensorsDtype.F32:
                DecodeF32(source, destination);
                return;
            case SafeTensorsDtype.F16:
                for (int i = 0; i < destination.Length; i++)
                {
                    destination[i] = HalfToSingle(BinaryPrimitives.ReadUInt16LittleEndian(source.Slice(2 * i)));
                }

                return;
            case SafeTensorsDtype.BF16:
                for (int i = 0; i < destination.Length; i++)
                {
                    destination[i] = BitsToSingle((uint)BinaryPrimitives.ReadUInt16LittleEndian(source.Slice(2 * i)) << 16);
                }

                return;
            case SafeTensorsDtype.F64:
                DecodeF64(entry, source, destination);
                return;
            default:
                throw Unsupported(entry);
        }
    }

    /// <summary>The error for a dtype NetDsl does not convert.</summary>
    public static SafeTensorsFormatException Unsupported(SafeTensorsHeaderEntry entry) =>
        new(WeightFileError.UnsupportedDtype,
            "Tensor '" + entry.Name + "' has dtype " + entry.DtypeName + ", but NetDsl loads only floating-point tensors: F32, and F16, BF16 or F64 converted to float32.",
            entry.Name);

    /// <summary>Converts an IEEE 754 binary16 value, given by its bits, to float32 exactly.</summary>
    public static float HalfToSingle(ushort half)
    {
        uint sign = (uint)(half & 0x8000) << 16;
        int exponent = (half >> 10) & 0x1F;
        uint mantissa = (uint)half & 0x3FF;
        if (exponent == 0x1F)
        {
            // Infinity, or NaN with its payload in the top mantissa bits and quieted, as IEEE 754, the F16C
            // instructions and System.Half do.
            return BitsToSingle(sign | 0x7F80_0000u | (mantissa << 13) | (mantissa != 0 ? 0x0040_0000u : 0u));
        }

        if (exponent != 0)
        {
            return BitsToSingle(sign | ((uint)(exponent + 112) << 23) | (mantissa << 13));
        }

        // Zero or subnormal: mantissa × 2^-24, exact in float32.
        float magnitude = mantissa * 5.9604645E-08f;
        return sign != 0 ? -magnitude : magnitude;
    }

    private static void DecodeF32(ReadOnlySpan<byte> source, Span<float> destination)
    {
        if (BitConverter.IsLittleEndian)
        {
            // A byte-wise copy: bit for bit, whatever the alignment of the source.
            source.CopyTo(MemoryMarshal.AsBytes(destination));
            return;
        }

        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = BitsToSingle(BinaryPrimitives.ReadUInt32LittleEndian(source.Slice(4 * i)));
        }
    }

    private static void DecodeF64(SafeTensorsHeaderEntry entry, ReadOnlySpan<byte> source, Span<float> destination)
    {
        for (int i = 0; i < destination.Length; i++)
        {
            double value = BitConverter.Int64BitsToDouble(BinaryPrimitives.ReadInt64LittleEndian(source.Slice(8 * i)));
            float narrowed = (float)value;
            if (float.IsInfinity(narrowed) && !double.IsInfinity(value))
            {
                throw new SafeTensorsFormatException(
                    WeightFileError.ValueOutOfRange,
                    "Tensor '" + entry.Name + "' holds the F64 value " + value.ToString("R", CultureInfo.InvariantCulture) + " at "
                    + ElementPosition(entry, i) + ", outside the range of float32 (±3.4028235E+38); NetDsl computes in float32 and does not turn it into an infinity.",
                    entry.Name);
            }

            destination[i] = narrowed;
        }
    }

    // "element [1, 2]" for a matrix, "element 5" for a vector.
    private static string ElementPosition(SafeTensorsHeaderEntry entry, int flatIndex)
    {
        if (entry.Shape.Count <= 1)
        {
            return "element " + SafeTensorsText.Number(flatIndex);
        }

        var index = new int[entry.Shape.Count];
        int remainder = flatIndex;
        for (int d = index.Length - 1; d >= 0; d--)
        {
            index[d] = remainder % entry.Shape[d];
            remainder /= entry.Shape[d];
        }

        return "element " + SafeTensorsText.Shape(index);
    }

    private static float BitsToSingle(uint bits)
    {
        var union = new SingleBits { Bits = bits };
        return union.Value;
    }

    // BitConverter.Int32BitsToSingle is not in netstandard2.0; an explicit-layout union is, and copies the bits exactly.
    [StructLayout(LayoutKind.Explicit)]
    private struct SingleBits
    {
        [FieldOffset(0)]
        public uint Bits;

        [FieldOffset(0)]
        public float Value;
    }
}
