// Shared source: compiled into NetDsl.Runtime (net10.0) and linked into NetDsl.Generator (netstandard2.0).
// Keep it self-contained and free of .NET Core-only APIs.
namespace NetDsl.Serialization;

/// <summary>The kinds of JSON value (RFC 8259).</summary>
internal enum SafeTensorsJsonKind
{
    Object,
    Array,
    String,
    Number,
    True,
    False,
    Null,
}
