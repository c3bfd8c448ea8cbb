// Shared source: compiled into NetDsl.Runtime (net10.0) and linked into NetDsl.Generator (netstandard2.0).
// Keep it self-contained and free of .NET Core-only APIs.
using System;

namespace NetDsl.Serialization;

/// <summary>The element types the safetensors format defines, in the order its reference implementation declares them.</summary>
internal enum SafeTensorsDtype
{
    Bool,
    F4,
    F6E2M3,
    F6E3M2,
    U8,
    I8,
    F8E5M2,
    F8E4M3,
    F8E8M0,
    F8E4M3Fnuz,
    F8E5M2Fnuz,
    I16,
    U16,
    F16,
    BF16,
    I32,
    U32,
    F32,
    C64,
    F64,
    I64,
    U64,
}

/// <summary>Names and sizes of <see cref="SafeTensorsDtype"/> values, as the safetensors header spells them.</summary>
internal static class SafeTensorsDtypes
{
    // Indexed by the enum value.
    private static readonly string[] s_names =
    {
        "BOOL", "F4", "F6_E2M3", "F6_E3M2", "U8", "I8", "F8_E5M2", "F8_E4M3", "F8_E8M0", "F8_E4M3FNUZ", "F8_E5M2FNUZ",
        "I16", "U16", "F16", "BF16", "I32", "U32", "F32", "C64", "F64", "I64", "U64",
    };

    private static readonly int[] s_bitSizes =
    {
        8, 4, 6, 6, 8, 8, 8, 8, 8, 8, 8,
        16, 16, 16, 16, 32, 32, 32, 64, 64, 64, 64,
    };

    /// <summary>Every dtype name, comma-separated, for messages.</summary>
    public static string AllNames => string.Join(", ", s_names);

    /// <summary>The dtype's name in a header, for example <c>F32</c>.</summary>
    public static string Name(SafeTensorsDtype dtype) => s_names[(int)dtype];

    /// <summary>The size of one element in bits (sub-byte types exist: F4 and the F6 types).</summary>
    public static int BitSize(SafeTensorsDtype dtype) => s_bitSizes[(int)dtype];

    /// <summary>Finds the dtype a header names; names are case-sensitive, as in the reference implementation.</summary>
    public static bool TryParse(string name, out SafeTensorsDtype dtype)
    {
        for (int i = 0; i < s_names.Length; i++)
        {
            if (string.Equals(s_names[i], name, StringComparison.Ordinal))
            {
                dtype = (SafeTensorsDtype)i;
                return true;
            }
        }

        dtype = default;
        return false;
    }

    /// <summary>Whether NetDsl converts tensors of this dtype to float32: F32 (as is), F16 and BF16 (exactly), F64 (rounded).</summary>
    public static bool IsFloat32Convertible(SafeTensorsDtype dtype) =>
        dtype is SafeTensorsDtype.F32 or SafeTensorsDtype.F16 or SafeTensorsDtype.BF16 or SafeTensorsDtype.F64;
}
