// Shared source: compiled into NetDsl.Runtime (net10.0) and linked into NetDsl.Generator (netstandard2.0).
// Keep it self-contained and free of .NET Core-only APIs.
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace NetDsl.Serialization;

/// <summary>How weight-file messages print numbers, shapes and names: always with the invariant culture.</summary>
internal static class SafeTensorsText
{
    /// <summary>An integer, for example <c>24</c>.</summary>
    public static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>An unsigned integer, for example <c>18446744073709551615</c>.</summary>
    public static string Number(ulong value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A number of bytes: <c>1 byte</c>, <c>24 bytes</c>.</summary>
    public static string Bytes(long count) => count == 1 ? "1 byte" : Number(count) + " bytes";

    /// <summary>A number of bytes: <c>1 byte</c>, <c>24 bytes</c>.</summary>
    public static string Bytes(ulong count) => count == 1 ? "1 byte" : Number(count) + " bytes";

    /// <summary>A shape as NetDsl prints it, for example <c>[2, 3]</c> (a scalar is <c>[]</c>).</summary>
    public static string Shape(IReadOnlyList<int> shape)
    {
        var text = new StringBuilder("[");
        for (int i = 0; i < shape.Count; i++)
        {
            if (i > 0)
            {
                text.Append(", ");
            }

            text.Append(shape[i].ToString(CultureInfo.InvariantCulture));
        }

        return text.Append(']').ToString();
    }

    /// <summary>A byte range as the header writes it, for example <c>[0, 24]</c>.</summary>
    public static string Offsets(long begin, long end) => "[" + Number(begin) + ", " + Number(end) + "]";

    /// <summary>A list of quoted names, for example <c>'fc1.weight', 'fc1.bias'</c>, shortened after <paramref name="limit"/> names.</summary>
    public static string NameList(IReadOnlyList<string> names, int limit = 10)
    {
        var text = new StringBuilder();
        for (int i = 0; i < names.Count && i < limit; i++)
        {
            if (i > 0)
            {
                text.Append(", ");
            }

            text.Append('\'').Append(names[i]).Append('\'');
        }

        if (names.Count > limit)
        {
            text.Append(" and ").Append(Number(names.Count - limit)).Append(" more");
        }

        return text.ToString();
    }

    /// <summary>A character of the header text for an error message: <c>'x'</c>, or <c>U+FEFF</c> for invisible ones.</summary>
    public static string Character(char c)
    {
        switch (char.GetUnicodeCategory(c))
        {
            case UnicodeCategory.Control:
            case UnicodeCategory.Format:
            case UnicodeCategory.Surrogate:
            case UnicodeCategory.PrivateUse:
            case UnicodeCategory.OtherNotAssigned:
            case UnicodeCategory.SpaceSeparator:
            case UnicodeCategory.LineSeparator:
            case UnicodeCategory.ParagraphSeparator:
                return "U+" + ((int)c).ToString("X4", CultureInfo.InvariantCulture);
            default:
                return "'" + c.ToString() + "'";
        }
    }
}
