using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace NetDsl;

/// <summary>
/// Formats a safetensors header exactly as the reference implementation serializes one (<c>serde_json</c>'s compact
/// form: no whitespace; <c>"__metadata__"</c> first, then the tensors in data order, each as
/// <c>{"dtype":…,"shape":[…],"data_offsets":[begin,end]}</c>; only <c>"</c>, <c>\</c> and control characters escaped,
/// the latter as <c>\b \t \n \f \r</c> or lowercase <c>\u00xx</c>), padded with spaces to a multiple of 8 bytes.
/// </summary>
internal static class SafeTensorsHeaderWriter
{
    /// <summary>UTF-8 that throws on unpaired surrogates instead of writing U+FFFD (which would change a name).</summary>
    public static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>One tensor's header entry.</summary>
    public readonly record struct Entry(string Name, string Dtype, int[] Shape, long Begin, long End);

    /// <summary>The header's bytes, padded to a multiple of 8 with spaces.</summary>
    public static byte[] Format(IReadOnlyList<KeyValuePair<string, string>>? metadata, IReadOnlyList<Entry> entries)
    {
        var json = new StringBuilder("{");
        bool first = true;
        if (metadata is not null)
        {
            json.Append("\"__metadata__\":{");
            for (int i = 0; i < metadata.Count; i++)
            {
                if (i > 0)
                {
                    json.Append(',');
                }

                AppendString(json, metadata[i].Key);
                json.Append(':');
                AppendString(json, metadata[i].Value);
            }

            json.Append('}');
            first = false;
        }

        foreach (Entry entry in entries)
        {
            if (!first)
            {
                json.Append(',');
            }

            first = false;
            AppendString(json, entry.Name);
            json.Append(":{\"dtype\":");
            AppendString(json, entry.Dtype);
            json.Append(",\"shape\":[");
            for (int d = 0; d < entry.Shape.Length; d++)
            {
                if (d > 0)
                {
                    json.Append(',');
                }

                json.Append(entry.Shape[d].ToString(CultureInfo.InvariantCulture));
            }

            json.Append("],\"data_offsets\":[")
                .Append(entry.Begin.ToString(CultureInfo.InvariantCulture))
                .Append(',')
                .Append(entry.End.ToString(CultureInfo.InvariantCulture))
                .Append("]}");
        }

        json.Append('}');
        byte[] text = StrictUtf8.GetBytes(json.ToString());
        int padded = (text.Length + 7) & ~7;
        if (padded == text.Length)
        {
            return text;
        }

        byte[] header = new byte[padded];
        text.CopyTo(header, 0);
        header.AsSpan(text.Length).Fill((byte)' ');
        return header;
    }

    private static void AppendString(StringBuilder json, string value)
    {
        json.Append('"');
        foreach (char c in value)
        {
            switch (c)
            {
                case '"':
                    json.Append("\\\"");
                    break;
                case '\\':
                    json.Append("\\\\");
                    break;
                case '\b':
                    json.Append("\\b");
                    break;
                case '\t':
                    json.Append("\\t");
                    break;
                case '\n':
                    json.Append("\\n");
                    break;
                case '\f':
                    json.Append("\\f");
                    break;
                case '\r':
                    json.Append("\\r");
                    break;
                default:
                    if (c < 0x20)
                    {
                        json.Append("\\u00").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        json.Append(c);
                    }

                    break;
            }
        }

        json.Append('"');
    }
}
