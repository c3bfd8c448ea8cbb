namespace NetDsl;

/// <summary>The element types of the IDX format (the third byte of the magic number); multi-byte values are big-endian.</summary>
public enum IdxDataType
{
    /// <summary>Unsigned byte (0x08), as in MNIST.</summary>
    UnsignedByte = 0x08,

    /// <summary>Signed byte (0x09).</summary>
    SignedByte = 0x09,

    /// <summary>Signed 16-bit integer (0x0B).</summary>
    Int16 = 0x0B,

    /// <summary>Signed 32-bit integer (0x0C).</summary>
    Int32 = 0x0C,

    /// <summary>32-bit float (0x0D).</summary>
    Single = 0x0D,

    /// <summary>64-bit float (0x0E).</summary>
    Double = 0x0E,
}
