// Shared source: compiled into NetDsl.Runtime (net10.0) and linked into NetDsl.Generator (netstandard2.0).
// Keep it self-contained and free of .NET Core-only APIs.
namespace NetDsl.Serialization;

/// <summary>
/// What is wrong with a weight file. The runtime maps each kind to the public <c>WeightFileError</c> of the same
/// name; the generator maps it to a diagnostic.
/// </summary>
internal enum SafeTensorsProblemKind
{
    /// <summary>The file ends before its 8-byte header length, its header, or the tensor data the header describes.</summary>
    Truncated = 1,

    /// <summary>Bytes follow the last tensor's data: the data buffer must be exactly covered by the tensors.</summary>
    TrailingBytes,

    /// <summary>The header length exceeds the limit of the reference implementation (100,000,000 bytes).</summary>
    HeaderTooLarge,

    /// <summary>The header is not valid UTF-8.</summary>
    InvalidUtf8,

    /// <summary>The header is not valid JSON.</summary>
    InvalidJson,

    /// <summary>The header is JSON, but not a safetensors header: wrong types, missing fields, bad numbers.</summary>
    InvalidHeader,

    /// <summary>A tensor name, metadata key or field appears twice.</summary>
    DuplicateName,

    /// <summary>A dtype that the safetensors format does not define.</summary>
    UnknownDtype,

    /// <summary>A safetensors dtype that NetDsl cannot convert to float32 (integers, booleans, 8-bit and smaller floats, complex).</summary>
    UnsupportedDtype,

    /// <summary>A tensor's byte range does not match its shape and dtype, or its size overflows.</summary>
    SizeMismatch,

    /// <summary>Byte ranges that leave holes, overlap, or end before they begin.</summary>
    InvalidOffsets,

    /// <summary>The file is valid but exceeds NetDsl's limits (2 GiB of data, dimensions above 2^31 - 1).</summary>
    TooLarge,

    /// <summary>An F64 value outside the range of float32.</summary>
    ValueOutOfRange,

    /// <summary>A tensor the network needs (or an extra the caller requested) is not in the file.</summary>
    MissingTensor,

    /// <summary>The file holds a tensor that is neither a parameter of the network nor a requested extra.</summary>
    UnexpectedTensor,

    /// <summary>A tensor's shape differs from the shape the network needs.</summary>
    ShapeMismatch,

    /// <summary>The file's NetDsl architecture differs from the network's, and a match was required.</summary>
    ArchitectureMismatch,

    /// <summary>The file was written in a NetDsl weight-file version this NetDsl does not read.</summary>
    UnsupportedVersion,
}
