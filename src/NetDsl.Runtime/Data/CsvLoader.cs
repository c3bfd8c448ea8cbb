using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;

namespace NetDsl;

/// <summary>
/// Loads a numeric CSV file into a <see cref="Dataset"/>: one sample per line, one target column (by index or header
/// name), every other column a feature. Numbers are parsed with the invariant culture; gzip-compressed files are read
/// transparently; quoted fields (RFC 4180, on one line) are accepted; blank lines are skipped. Missing and infinite
/// values are handled by <see cref="CsvOptions.MissingValues"/> and counted in the returned report. A malformed file
/// throws a <see cref="DataFormatException"/> naming the file, line, column and problem.
/// </summary>
public static class CsvLoader
{
    /// <summary>Loads the CSV file at <paramref name="path"/>.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="DataFormatException">The file is malformed: ragged rows, a non-numeric cell, a bad class index, no data.</exception>
    /// <exception cref="ArgumentException">The options are inconsistent (for example a target column name without a header).</exception>
    public static CleanedDataset Load(string path, CsvOptions? options = null)
    {
        using Stream stream = DataStreams.OpenRead(path);
        return Read(stream, path, options ?? new CsvOptions());
    }

    /// <summary>Loads CSV content from <paramref name="stream"/> (gzip-compressed or not); <paramref name="sourceName"/> names it in messages.</summary>
    /// <exception cref="DataFormatException">The content is malformed.</exception>
    /// <exception cref="ArgumentException">The options are inconsistent.</exception>
    public static CleanedDataset Load(Stream stream, string sourceName, CsvOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(sourceName);
        return Read(DataStreams.Decompress(stream, sourceName), sourceName, options ?? new CsvOptions());
    }

    private static CleanedDataset Read(Stream stream, string source, CsvOptions options)
    {
        CheckOptions(options);
        using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16, leaveOpen: true);
        var fields = new List<Field>();
        var features = new List<float>();
        var targets = new List<float>();
        string[]? header = null;
        int columns = -1;
        int targetColumn = -1;
        long columnsDefinedAt = 0;
        long lineNumber = 0;
        int droppedForTarget = 0;
        int rowsRead = 0;
        float largestClass = -1f;

        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNumber++;
            if (lineNumber <= options.SkipLines || string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            Split(line, options.Delimiter, fields, source, lineNumber);
            if (columns < 0)
            {
                columns = fields.Count;
                columnsDefinedAt = lineNumber;
                if (columns < 2)
                {
                    throw DataFormatException.AtLine(source, lineNumber, null, $"Expected at least 2 fields (features and a target) separated by '{options.Delimiter}', but found {columns}.");
                }

                if (options.HasHeader)
                {
                    header = new string[columns];
                    for (int c = 0; c < columns; c++)
                    {
                        header[c] = fields[c].Text(line).Trim();
                    }
                }

                targetColumn = ResolveTargetColumn(options, header, columns, source, lineNumber);
                if (options.HasHeader)
                {
                    continue;
                }
            }
            else if (fields.Count != columns)
            {
                string origin = header is null ? "the first data row" : "the header";
                throw DataFormatException.AtLine(source, lineNumber, null, $"Expected {columns} fields, as {origin} (line {columnsDefinedAt}) has, but found {fields.Count}.");
            }

            rowsRead++;
            float target = ParseTarget(line, fields[targetColumn], options, source, lineNumber, targetColumn + 1);
            if (float.IsNaN(target))
            {
                droppedForTarget++;
                continue;
            }

            largestClass = MathF.Max(largestClass, target);
            targets.Add(target);
            for (int c = 0; c < columns; c++)
            {
                if (c != targetColumn)
                {
                    features.Add(ParseFeature(line, fields[c], options, source, lineNumber, c + 1));
                }
            }
        }

        if (rowsRead == 0)
        {
            throw DataFormatException.InFile(source, columns < 0 ? "Expected CSV rows, but the file has no data (it is empty or blank)." : "Expected data rows after the header, but there are none.");
        }

        int? classCount = options.Target switch
        {
            TargetKind.ClassIndex => options.ClassCount ?? Math.Max(1, (int)largestClass + 1),
            TargetKind.Binary => 2,
            _ => null,
        };

        string[]? featureNames = null;
        if (header is not null)
        {
            featureNames = new string[columns - 1];
            for (int c = 0, f = 0; c < columns; c++)
            {
                if (c != targetColumn)
                {
                    featureNames[f++] = header[c];
                }
            }
        }

        Dataset data = Dataset.Own(features.ToArray(), columns - 1, targets.ToArray(), 1, classCount, featureNames);
        CleanedDataset cleaned = DataCleaner.Clean(
            data,
            options.MissingValues == MissingValuePolicy.Fail ? MissingValuePolicy.DropRow : options.MissingValues,
            options.ImputationValue,
            feature =>
            {
                // The file's column of the feature (1-based): the target column is not a feature.
                int column = feature < targetColumn ? feature + 1 : feature + 2;
                string name = featureNames is null ? string.Empty : $" ('{featureNames[feature]}')";
                return DataFormatException.InFile(source, $"Expected a finite value in column {column}{name} to impute its missing values from (MissingValuePolicy.{options.MissingValues}), but every row's value there is missing or infinite.");
            });
        CleaningReport report = cleaned.Report with
        {
            Policy = options.MissingValues,
            RowsRead = cleaned.Report.RowsRead + droppedForTarget,
            RowsDropped = cleaned.Report.RowsDropped + droppedForTarget,
            RowsDroppedForTarget = cleaned.Report.RowsDroppedForTarget + droppedForTarget,
        };
        return new CleanedDataset(cleaned.Data, report);
    }

    private static void CheckOptions(CsvOptions options)
    {
        if (options.TargetColumnName is not null && !options.HasHeader)
        {
            throw new ArgumentException($"A target column name ('{options.TargetColumnName}') needs a header: set HasHeader, or give TargetColumn as an index.", nameof(options));
        }

        if (options.SkipLines < 0)
        {
            throw new ArgumentException($"Expected a non-negative number of lines to skip, but got {options.SkipLines}.", nameof(options));
        }

        if (options.Delimiter is '"' or '\r' or '\n')
        {
            throw new ArgumentException($"The delimiter cannot be a quote or a line break, but got U+{(int)options.Delimiter:X4}.", nameof(options));
        }

        if (options.ClassCount is int classes && (classes < 1 || options.Target != TargetKind.ClassIndex))
        {
            throw new ArgumentException($"ClassCount ({classes}) must be positive and is only for class-index targets (Target is {options.Target}).", nameof(options));
        }

        if (!Enum.IsDefined(options.Target) || !Enum.IsDefined(options.MissingValues))
        {
            throw new ArgumentException($"Expected defined Target and MissingValues values, but got {options.Target} and {options.MissingValues}.", nameof(options));
        }
    }

    private static int ResolveTargetColumn(CsvOptions options, string[]? header, int columns, string source, long lineNumber)
    {
        if (options.TargetColumnName is string name)
        {
            int index = Array.FindIndex(header!, h => string.Equals(h, name, StringComparison.Ordinal));
            if (index < 0)
            {
                throw DataFormatException.AtLine(source, lineNumber, null, $"Expected a column named '{name}' in the header, but its columns are: {string.Join(", ", header!)}.");
            }

            return index;
        }

        int column = options.TargetColumn < 0 ? columns + options.TargetColumn : options.TargetColumn;
        if (column < 0 || column >= columns)
        {
            throw DataFormatException.AtLine(source, lineNumber, null, $"Expected the target column {options.TargetColumn} to exist, but rows have {columns} columns (indices 0 to {columns - 1}, or -1 to -{columns} from the end).");
        }

        return column;
    }

    private static float ParseTarget(string line, Field field, CsvOptions options, string source, long lineNumber, int column)
    {
        float value = ParseCell(line, field, options, source, lineNumber, column, out bool missing);
        if (missing || float.IsInfinity(value))
        {
            if (options.MissingValues == MissingValuePolicy.Fail)
            {
                throw DataFormatException.AtLine(source, lineNumber, column, $"Expected a target, but the cell is {(missing ? "missing" : "infinite")} (policy Fail).");
            }

            return float.NaN;
        }

        switch (options.Target)
        {
            case TargetKind.ClassIndex:
                if (value < 0f || value != MathF.Floor(value) || value >= (options.ClassCount ?? 16_777_216))
                {
                    string range = options.ClassCount is int classes ? $"0 to {classes - 1}" : "0 or more";
                    throw DataFormatException.AtLine(source, lineNumber, column, $"Expected a class index, a whole number {range}, but found '{field.Text(line).Trim()}'.");
                }

                break;
            case TargetKind.Binary:
                if (value is not (0f or 1f))
                {
                    throw DataFormatException.AtLine(source, lineNumber, column, $"Expected a binary label, 0 or 1, but found '{field.Text(line).Trim()}'.");
                }

                break;
        }

        return value;
    }

    private static float ParseFeature(string line, Field field, CsvOptions options, string source, long lineNumber, int column)
    {
        float value = ParseCell(line, field, options, source, lineNumber, column, out bool missing);
        if (options.MissingValues == MissingValuePolicy.Fail && (missing || float.IsInfinity(value)))
        {
            throw DataFormatException.AtLine(source, lineNumber, column, $"Expected a finite number, but the cell is {(missing ? "missing" : "infinite")} (policy Fail).");
        }

        return value;
    }

    private static float ParseCell(string line, Field field, CsvOptions options, string source, long lineNumber, int column, out bool missing)
    {
        ReadOnlySpan<char> text = field.Quoted ? field.Text(line).AsSpan().Trim() : line.AsSpan(field.Start, field.Length).Trim();
        missing = false;
        if (text.IsEmpty || IsMissingToken(text, options.MissingTokens))
        {
            missing = true;
            return float.NaN;
        }

        if (float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out float value))
        {
            if (float.IsNaN(value))
            {
                missing = true;
            }

            return value;
        }

        if (text.Equals("inf", StringComparison.OrdinalIgnoreCase) || text.Equals("+inf", StringComparison.OrdinalIgnoreCase))
        {
            return float.PositiveInfinity;
        }

        if (text.Equals("-inf", StringComparison.OrdinalIgnoreCase))
        {
            return float.NegativeInfinity;
        }

        throw DataFormatException.AtLine(source, lineNumber, column, $"Expected a number (invariant culture, '.' as decimal separator), but found '{text.ToString()}'.");
    }

    private static bool IsMissingToken(ReadOnlySpan<char> text, IReadOnlyCollection<string> tokens)
    {
        foreach (string token in tokens)
        {
            if (text.Equals(token.AsSpan().Trim(), StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Splits one line into fields; quoted fields may hold the delimiter and doubled quotes.</summary>
    private static void Split(string line, char delimiter, List<Field> fields, string source, long lineNumber)
    {
        fields.Clear();
        int position = 0;
        while (true)
        {
            int start = position;
            while (start < line.Length && line[start] == ' ')
            {
                start++;
            }

            if (start < line.Length && line[start] == '"')
            {
                int i = start + 1;
                while (true)
                {
                    if (i >= line.Length)
                    {
                        throw DataFormatException.AtLine(source, lineNumber, fields.Count + 1, "Expected a closing quote, but the quoted field runs to the end of the line (fields cannot span lines).");
                    }

                    if (line[i] == '"')
                    {
                        if (i + 1 < line.Length && line[i + 1] == '"')
                        {
                            i += 2;
                            continue;
                        }

                        break;
                    }

                    i++;
                }

                fields.Add(new Field(start + 1, i - start - 1, Quoted: true));
                position = i + 1;
                while (position < line.Length && line[position] == ' ')
                {
                    position++;
                }

                if (position < line.Length && line[position] != delimiter)
                {
                    throw DataFormatException.AtLine(source, lineNumber, fields.Count, $"Expected '{delimiter}' or the end of the line after a closing quote, but found '{line[position]}'.");
                }
            }
            else
            {
                int end = line.IndexOf(delimiter, position);
                end = end < 0 ? line.Length : end;
                fields.Add(new Field(position, end - position, Quoted: false));
                position = end;
            }

            if (position >= line.Length)
            {
                return;
            }

            position++; // past the delimiter
            if (position == line.Length)
            {
                fields.Add(new Field(position, 0, Quoted: false)); // a trailing delimiter ends with an empty field
                return;
            }
        }
    }

    /// <summary>A field of a line: its characters (inside the quotes, for a quoted field, where doubled quotes stand for one).</summary>
    private readonly record struct Field(int Start, int Length, bool Quoted)
    {
        public string Text(string line) => Quoted ? line.Substring(Start, Length).Replace("\"\"", "\"", StringComparison.Ordinal) : line.Substring(Start, Length);
    }
}
