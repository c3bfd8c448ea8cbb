// Shared source: compiled into NetDsl.Runtime (net10.0), where it is public, and linked into NetDsl.Generator
// (netstandard2.0), where it is internal. The one list of weight-file problems: the shared safetensors code reports
// them, the runtime's WeightFileException carries them, the generator turns them into diagnostics.
namespace NetDsl;

/// <summary>What is wrong with a weight file, as <c>WeightFileException.Error</c> reports it.</summary>
#if NETDSL_GENERATOR
internal
#else
public
#endif
enum WeightFileError
{
    /// <summary>The file ends before its 8-byte header length, its header, or the tensor data the header describes.</summary>
    Truncated = 1,

    /// <summary>Bytes follow the last tensor's data; safetensors requires the tensors to cover the data exactly (no polyglot files).</summary>
    TrailingBytes,

    /// <summary>The header length in the first 8 bytes exceeds 100,000,000 bytes, the limit of the safetensors reference implementation.</summary>
    HeaderTooLarge,

    /// <summary>The header is not valid UTF-8.</summary>
    InvalidUtf8,

    /// <summary>The header is not valid JSON.</summary>
    InvalidJson,

    /// <summary>The header is JSON, but not a safetensors header: a wrong type, a missing field, a negative or fractional number.</summary>
    InvalidHeader,

    /// <summary>A tensor name, metadata key or field appears twice.</summary>
    DuplicateName,

    /// <summary>A tensor's dtype is not one the safetensors format defines.</summary>
    UnknownDtype,

    /// <summary>A tensor's dtype is a safetensors dtype NetDsl does not convert to float32 (only F32, F16, BF16 and F64 are).</summary>
    UnsupportedDtype,

    /// <summary>A tensor's byte range does not match its shape and dtype.</summary>
    SizeMismatch,

    /// <summary>The tensors' byte ranges leave a hole, overlap, or end before they begin.</summary>
    InvalidOffsets,

    /// <summary>The file is valid but beyond NetDsl's limits: more than 2^31 - 1 bytes of data, or a larger dimension.</summary>
    TooLarge,

    /// <summary>An F64 value lies outside the range of float32.</summary>
    ValueOutOfRange,

    /// <summary>A tensor the network needs, or an extra tensor the caller requested, is not in the file.</summary>
    MissingTensor,

    /// <summary>The file holds a tensor that is neither a parameter of the network nor a requested extra tensor.</summary>
    UnexpectedTensor,

    /// <summary>A tensor's shape in the file differs from the shape the network needs.</summary>
    ShapeMismatch,

    /// <summary>The file records a different (or no) NetDsl architecture, and <c>WeightLoadOptions.RequireMatchingArchitecture</c> was set.</summary>
    ArchitectureMismatch,

    /// <summary>The file was written in a NetDsl weight-file version this NetDsl does not read.</summary>
    UnsupportedVersion,
}
