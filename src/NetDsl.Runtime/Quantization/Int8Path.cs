using System.Runtime.Intrinsics.X86;

namespace NetDsl.Quantization;

/// <summary>
/// The instruction sets the int8 matrix product can run on. Every path computes the same exact int32 sums, so they
/// differ in speed only. .NET 10 exposes the byte dot product (<c>vpdpbusd</c>) only in its 256-bit VEX form
/// (<see cref="System.Runtime.Intrinsics.X86.AvxVnni"/>); the 512-bit forms it declares (<c>AvxVnniInt8.V512</c>) need AVX10.2.
/// </summary>
internal enum Int8Path
{
    /// <summary>Plain integer loops, on every machine.</summary>
    Scalar,

    /// <summary>Activations widened to int16, one <c>vpmaddwd</c> per pair of inputs for 8 outputs.</summary>
    Avx2,

    /// <summary>As <see cref="Avx2"/>, for 16 outputs per instruction.</summary>
    Avx512BW,

    /// <summary><c>vpdpbusd</c>: uint8 activations times int8 weights, four inputs for 8 outputs per instruction.</summary>
    AvxVnni,
}

/// <summary>Which <see cref="Int8Path"/>s this machine runs, and the fastest of them.</summary>
internal static class Int8Paths
{
    /// <summary>The fastest path this machine supports: AvxVnni, else Avx512BW, else Avx2, else Scalar.</summary>
    public static Int8Path Best { get; } =
        AvxVnni.IsSupported ? Int8Path.AvxVnni
        : Avx512BW.IsSupported ? Int8Path.Avx512BW
        : Avx2.IsSupported ? Int8Path.Avx2
        : Int8Path.Scalar;

    /// <summary>Whether this machine (and the runtime's configuration, e.g. <c>DOTNET_EnableAVX512F=0</c>) runs <paramref name="path"/>.</summary>
    public static bool IsSupported(Int8Path path) => path switch
    {
        Int8Path.Scalar => true,
        Int8Path.Avx2 => Avx2.IsSupported,
        Int8Path.Avx512BW => Avx512BW.IsSupported,
        Int8Path.AvxVnni => AvxVnni.IsSupported,
        _ => false,
    };
}
