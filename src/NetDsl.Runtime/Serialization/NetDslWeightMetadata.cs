// Shared source: compiled into NetDsl.Runtime (net10.0) and linked into NetDsl.Generator (netstandard2.0).
// Keep it self-contained and free of .NET Core-only APIs.
using System;

namespace NetDsl.Serialization;

/// <summary>
/// The <c>__metadata__</c> entries NetDsl writes into weight files, and the check of the format version. PyTorch's
/// files carry none of the NetDsl entries, so their absence is never an error.
/// </summary>
internal static class NetDslWeightMetadata
{
    /// <summary>The key transformers and other PyTorch tools read to learn the framework of the layouts.</summary>
    public const string FormatKey = "format";

    /// <summary>The value of <see cref="FormatKey"/>: PyTorch's layouts and names.</summary>
    public const string FormatValue = "pt";

    /// <summary>The key of the network's architecture fingerprint (<c>INetwork.Architecture</c>).</summary>
    public const string ArchitectureKey = "netdsl.architecture";

    /// <summary>The key of NetDsl's weight-file version.</summary>
    public const string VersionKey = "netdsl.format_version";

    /// <summary>The version this NetDsl writes and reads.</summary>
    public const string CurrentVersion = "1";

    /// <summary>Whether <paramref name="key"/> is one of the keys NetDsl writes itself.</summary>
    public static bool IsReserved(string key) =>
        string.Equals(key, FormatKey, StringComparison.Ordinal)
        || key.StartsWith("netdsl.", StringComparison.Ordinal);

    /// <summary>Refuses a file that records a NetDsl format version other than <see cref="CurrentVersion"/>.</summary>
    public static void CheckVersion(SafeTensorsHeader header)
    {
        string? version = header.FindMetadata(VersionKey);
        if (version is not null && !string.Equals(version, CurrentVersion, StringComparison.Ordinal))
        {
            throw new SafeTensorsFormatException(
                WeightFileError.UnsupportedVersion,
                "The file was written in NetDsl weight-file version '" + version + "', but this NetDsl reads version " + CurrentVersion
                + ": update NetDsl to load it.");
        }
    }
}
