using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;

namespace NetDsl.Benchmarks.ConvSweep;

/// <summary>
/// The sweep's CSV file: header lines starting with <c>#</c> (when, where, the peak), a row of column names, one row per
/// result. Invariant culture; a value that was not measured is an empty field.
/// </summary>
public static class SweepCsv
{
    /// <summary>The column names, in order.</summary>
    public static readonly string[] Columns =
    [
        "system", "group", "label", "kind", "in_channels", "out_channels", "size", "kernel", "stride", "padding", "batch",
        "forward_mflop", "forward_ms", "forward_gflops", "forward_peak_fraction",
        "backward_mflop", "backward_ms", "backward_gflops", "backward_peak_fraction", "peak_gflops", "input_gradient",
    ];

    /// <summary>Writes <paramref name="results"/> to <paramref name="path"/> (through a temporary file), after the header lines.</summary>
    public static void Write(string path, IEnumerable<string> headerLines, IEnumerable<SweepResult> results)
    {
        ArgumentNullException.ThrowIfNull(path);
        string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory != null)
        {
            Directory.CreateDirectory(directory);
        }

        string temporary = path + ".tmp";
        using (var writer = new StreamWriter(temporary))
        {
            foreach (string line in headerLines)
            {
                writer.WriteLine("# " + line);
            }

            writer.WriteLine(string.Join(",", Columns));
            foreach (SweepResult r in results)
            {
                SweepCase c = r.Case;
                writer.WriteLine(string.Join(",",
                    r.System, c.Group, Quote(c.Label), c.Kind, Number(c.InChannels), Number(c.OutChannels), Number(c.Size), Number(c.Kernel), Number(c.Stride), Number(c.Padding), Number(c.Batch),
                    Number(c.ForwardFlops / 1e6), Number(r.ForwardSeconds * 1e3), Number(r.ForwardGflops), Number(r.ForwardPeakFraction),
                    c.BackwardFlops > 0 ? Number(c.BackwardFlops / 1e6) : "", Number(r.BackwardSeconds * 1e3), Number(r.BackwardGflops), Number(r.BackwardPeakFraction),
                    Number(r.PeakGflops), c.InputGradient ? "true" : "false"));
            }
        }

        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Reads the results of a file written by <see cref="Write"/> (header lines are skipped).</summary>
    public static IReadOnlyList<SweepResult> Read(string path)
    {
        var results = new List<SweepResult>();
        string[]? names = null;
        foreach (string line in File.ReadLines(path))
        {
            if (line.StartsWith('#') || line.Length == 0)
            {
                continue;
            }

            string[] fields = Split(line);
            if (names is null)
            {
                names = fields;
                continue;
            }

            string Field(string name)
            {
                int index = Array.IndexOf(names, name);
                return index < 0 || index >= fields.Length ? throw new FormatException($"{path}: no column '{name}' in: {line}") : fields[index];
            }

            int Int(string name) => int.Parse(Field(name), CultureInfo.InvariantCulture);
            // Files written before the column existed timed every backward pass with the input gradient.
            bool inputGradient = Array.IndexOf(names, "input_gradient") < 0 || bool.Parse(Field("input_gradient"));
            double Double(string name) => Field(name).Length == 0 ? double.NaN : double.Parse(Field(name), CultureInfo.InvariantCulture);
            var sweepCase = new SweepCase(
                Field("group"), Field("label"), Enum.Parse<SweepKind>(Field("kind")), Int("in_channels"), Int("out_channels"),
                Int("size"), Int("kernel"), Int("stride"), Int("padding"), Int("batch"), inputGradient);
            results.Add(new SweepResult(sweepCase, Field("system"), Double("forward_ms") / 1e3, Double("backward_ms") / 1e3, Double("peak_gflops")));
        }

        return results;
    }

    private static string Number(double value) => double.IsNaN(value) ? "" : value.ToString("G6", CultureInfo.InvariantCulture);

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Quote(string text) => text.Contains(',', StringComparison.Ordinal) || text.Contains('"', StringComparison.Ordinal) ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : text;

    private static string[] Split(string line)
    {
        var fields = new List<string>();
        var current = new System.Text.StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char ch = line[i];
            if (quoted)
            {
                if (ch == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    current.Append('"');
                    i++;
                }
                else if (ch == '"')
                {
                    quoted = false;
                }
                else
                {
                    current.Append(ch);
                }
            }
            else if (ch == '"')
            {
                quoted = true;
            }
            else if (ch == ',')
            {
                fields.Add(current.ToString());
                current.Clear();
            }
            else
            {
                current.Append(ch);
            }
        }

        fields.Add(current.ToString());
        return fields.ToArray();
    }
}
