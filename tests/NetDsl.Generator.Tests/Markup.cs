using System;
using Microsoft.CodeAnalysis.Text;

namespace NetDsl.Generator.Tests;

/// <summary>Source text with one span marked as <c>[|...|]</c>: the text a diagnostic must underline.</summary>
internal static class Markup
{
    private const string Open = "[|";
    private const string Close = "|]";

    /// <summary>Removes the markers and returns the source and the span they enclosed.</summary>
    public static (string Source, TextSpan Span) Parse(string markup)
    {
        int start = markup.IndexOf(Open, StringComparison.Ordinal);
        if (start < 0 || markup.IndexOf(Open, start + Open.Length, StringComparison.Ordinal) >= 0)
        {
            throw new ArgumentException("The markup must contain exactly one [|...|] span.", nameof(markup));
        }

        string withoutOpen = markup.Remove(start, Open.Length);
        int end = withoutOpen.IndexOf(Close, start, StringComparison.Ordinal);
        if (end < 0 || withoutOpen.IndexOf(Close, end + Close.Length, StringComparison.Ordinal) >= 0)
        {
            throw new ArgumentException("The markup must contain exactly one [|...|] span.", nameof(markup));
        }

        return (withoutOpen.Remove(end, Close.Length), TextSpan.FromBounds(start, end));
    }
}
