using System;
using System.Threading;
using Microsoft.CodeAnalysis;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Embedding;

/// <summary>The bytes of a <c>.safetensors</c> file given to the compiler as an <c>AdditionalFiles</c> item.</summary>
/// <param name="Path">The original file's name, as the text copy records it.</param>
/// <param name="Bytes">Its bytes, or null when they could not be recovered.</param>
internal sealed record WeightFileContent(string Path, EquatableArray<byte>? Bytes)
{
    /// <summary>Whether this file is the one a <c>[Network(Weights = ...)]</c> names: the same file name, or a path ending with it.</summary>
    public bool Matches(string weights)
    {
        string normalizedPath = Path.Replace('\\', '/');
        string normalizedName = weights.Replace('\\', '/').TrimStart('.', '/');
        return normalizedPath.Equals(normalizedName, StringComparison.Ordinal)
            || normalizedPath.EndsWith("/" + normalizedName, StringComparison.Ordinal);
    }

    /// <summary>The prefix of the text copies that build/NetDsl.targets writes: <c>netdsl-weights-base64 name\n&lt;base64&gt;</c>.</summary>
    public const string Prefix = "netdsl-weights-base64 ";

    /// <summary>The extension of those copies.</summary>
    public const string Extension = ".safetensors.base64";

    /// <summary>
    /// Reads an additional file written by build/NetDsl.targets: the compiler refuses binary additional files, so the
    /// weights arrive as base64 text whose first line names the original file. Returns null bytes when the text is not
    /// in that form.
    /// </summary>
    public static WeightFileContent Read(AdditionalText file, CancellationToken cancellationToken)
    {
        string text = file.GetText(cancellationToken)?.ToString() ?? string.Empty;
        int newline = text.IndexOf('\n');
        if (!text.StartsWith(Prefix, StringComparison.Ordinal) || newline < 0)
        {
            return new WeightFileContent(file.Path, null);
        }

        string name = text.Substring(Prefix.Length, newline - Prefix.Length).Trim();
        try
        {
            byte[] bytes = Convert.FromBase64String(text.Substring(newline + 1).Trim());
            return new WeightFileContent(name, bytes.ToEquatableArray());
        }
        catch (FormatException)
        {
            return new WeightFileContent(name, null);
        }
    }
}
