using System;
using System.Globalization;

namespace NetDsl;

/// <summary>
/// A data file is malformed. The message names the file, where the problem is (line and column for text files, byte
/// offset for binary files) and what was wrong; the same facts are properties for programs.
/// </summary>
public sealed class DataFormatException : FormatException
{
    /// <summary>Creates the exception with a message only.</summary>
    public DataFormatException(string message)
        : base(message)
    {
        Problem = message;
    }

    /// <summary>Creates the exception with a message and the exception that caused it.</summary>
    public DataFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
        Problem = message;
    }

    private DataFormatException(string filePath, long? line, int? column, long? byteOffset, string problem, Exception? innerException = null)
        : base(Describe(filePath, line, column, byteOffset, problem), innerException)
    {
        FilePath = filePath;
        Line = line;
        Column = column;
        ByteOffset = byteOffset;
        Problem = problem;
    }

    /// <summary>The file, as given to the loader.</summary>
    public string? FilePath { get; }

    /// <summary>The 1-based line of a text file, when the problem has one.</summary>
    public long? Line { get; }

    /// <summary>The 1-based column (field) of a text file, when the problem has one.</summary>
    public int? Column { get; }

    /// <summary>The 0-based offset in the (decompressed) content of a binary file, when the problem has one.</summary>
    public long? ByteOffset { get; }

    /// <summary>What was wrong, without the location.</summary>
    public string Problem { get; }

    /// <summary>A problem at a line (and, optionally, a column) of a text file.</summary>
    public static DataFormatException AtLine(string filePath, long line, int? column, string problem) => new(filePath, line, column, null, problem);

    /// <summary>A problem at a byte offset of a binary file.</summary>
    public static DataFormatException AtOffset(string filePath, long byteOffset, string problem) => new(filePath, null, null, byteOffset, problem);

    /// <summary>A problem of the file as a whole.</summary>
    public static DataFormatException InFile(string filePath, string problem) => new(filePath, null, null, null, problem);

    /// <summary>A problem of the file as a whole, found by another component (the gzip decompressor).</summary>
    internal static DataFormatException InFile(string filePath, string problem, Exception innerException) => new(filePath, null, null, null, problem, innerException);

    private static string Describe(string filePath, long? line, int? column, long? byteOffset, string problem)
    {
        string location = filePath;
        if (line is long l)
        {
            location += string.Create(CultureInfo.InvariantCulture, $", line {l}");
            if (column is int c)
            {
                location += string.Create(CultureInfo.InvariantCulture, $", column {c}");
            }
        }
        else if (byteOffset is long offset)
        {
            location += string.Create(CultureInfo.InvariantCulture, $", byte offset {offset}");
        }

        return location + ": " + problem;
    }
}
