using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Text;

namespace WordGenerator;

/// <summary>What loading kept and dropped, and why (each dropped line counted once, under its first reason in this order).</summary>
/// <param name="Lines">The non-empty lines of the file.</param>
/// <param name="Kept">The words kept: lowercase a–z only, each once.</param>
/// <param name="Apostrophe">Lines with an apostrophe (possessives such as <c>cat's</c>, contractions).</param>
/// <param name="Capital">Lines with a capital letter (names, places, abbreviations: <c>Boston</c>, <c>ABC</c>).</param>
/// <param name="OtherCharacter">Lines with any other character outside a–z, such as an accent (<c>attaché</c>).</param>
/// <param name="Duplicate">Lines repeating a kept word.</param>
public sealed record WordFilterSummary(int Lines, int Kept, int Apostrophe, int Capital, int OtherCharacter, int Duplicate)
{
    /// <summary>Every line not kept.</summary>
    public int Dropped => Lines - Kept;

    /// <inheritdoc/>
    public override string ToString() =>
        $"{Lines} lines, {Kept} words kept (lowercase a-z only), {Dropped} dropped: {Apostrophe} with an apostrophe, "
        + $"{Capital} with a capital letter, {OtherCharacter} with another character (accents), {Duplicate} duplicates";
}

/// <summary>The word list: one word per line, UTF-8, optionally gzip-compressed.</summary>
public static class WordList
{
    /// <summary>
    /// Reads the words of <paramref name="path"/> (gzip is recognized by its first two bytes) and keeps those made of
    /// lowercase letters a–z only, in the file's order, each once. Capitalized words are dropped rather than lowercased:
    /// they are names and abbreviations (and lowercasing would duplicate words such as <c>Bill</c>/<c>bill</c>).
    /// </summary>
    public static (string[] Words, WordFilterSummary Summary) Load(string path)
    {
        using Stream file = File.OpenRead(path);
        int first = file.ReadByte(), second = file.ReadByte();
        file.Position = 0;
        using Stream content = first == 0x1F && second == 0x8B ? new GZipStream(file, CompressionMode.Decompress) : file;
        using var reader = new StreamReader(content, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true));
        var lines = new List<string>();
        for (string? line = reader.ReadLine(); line is not null; line = reader.ReadLine())
        {
            lines.Add(line);
        }

        return Filter(lines);
    }

    /// <summary>Keeps the lines made of lowercase letters a–z only (after trimming white space), each once, and counts the rest by reason.</summary>
    public static (string[] Words, WordFilterSummary Summary) Filter(IEnumerable<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var kept = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        int count = 0, apostrophe = 0, capital = 0, other = 0, duplicate = 0;
        foreach (string raw in lines)
        {
            string word = raw.Trim();
            if (word.Length == 0)
            {
                continue;
            }

            count++;
            if (word.Contains('\'', StringComparison.Ordinal) || word.Contains('\u2019', StringComparison.Ordinal))
            {
                apostrophe++;
            }
            else if (HasCapital(word))
            {
                capital++;
            }
            else if (!CharVocabulary.CanEncode(word))
            {
                other++;
            }
            else if (!seen.Add(word))
            {
                duplicate++;
            }
            else
            {
                kept.Add(word);
            }
        }

        return ([.. kept], new WordFilterSummary(count, kept.Count, apostrophe, capital, other, duplicate));
    }

    private static bool HasCapital(string word)
    {
        foreach (char c in word)
        {
            if (char.IsUpper(c))
            {
                return true;
            }
        }

        return false;
    }
}
