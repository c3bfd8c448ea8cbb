using System;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace NetDsl.Generator.Emit;

/// <summary>
/// A minimal indenting text writer for generated source (four spaces per level, '\n' line ends). Lines are written as
/// interpolated strings, <c>writer.WriteLine($"float {name} = {Literals.Float(value)};")</c>: numbers in the holes are
/// formatted with the invariant culture, whatever the build machine's culture, straight into the writer's buffer.
/// </summary>
internal sealed class SourceWriter
{
    private readonly StringBuilder _builder = new();
    private int _indentation;

    public void WriteLine(string line = "")
    {
        if (line.Length > 0)
        {
            _builder.Append(' ', _indentation * 4);
            _builder.Append(line);
        }

        _builder.Append('\n');
    }

    /// <summary>Writes an interpolated line, its holes formatted with the invariant culture.</summary>
    public void WriteLine([InterpolatedStringHandlerArgument("")] ref LineHandler line) => _builder.Append('\n');

    /// <summary>Writes <c>{</c> and indents until <see cref="CloseBlock"/>.</summary>
    public void OpenBlock(string? header = null)
    {
        if (header is not null)
        {
            WriteLine(header);
        }

        WriteLine("{");
        _indentation++;
    }

    /// <summary>Writes an interpolated header line, then <c>{</c>, and indents until <see cref="CloseBlock"/>.</summary>
    public void OpenBlock([InterpolatedStringHandlerArgument("")] ref LineHandler header)
    {
        _builder.Append('\n');
        WriteLine("{");
        _indentation++;
    }

    public void CloseBlock(string suffix = "")
    {
        _indentation--;
        WriteLine("}" + suffix);
    }

    public override string ToString() => _builder.ToString();

    /// <summary>
    /// Appends an interpolated line to the writer, indented, as the compiler lowers <c>$"..."</c> passed to
    /// <see cref="WriteLine(ref LineHandler)"/>: literal parts as they are, holes with the invariant culture.
    /// </summary>
    [InterpolatedStringHandler]
    internal readonly struct LineHandler
    {
        private readonly StringBuilder _builder;

        public LineHandler(int literalLength, int formattedCount, SourceWriter writer)
        {
            _builder = writer._builder;
            _builder.Append(' ', writer._indentation * 4);
        }

        public void AppendLiteral(string value) => _builder.Append(value);

        public void AppendFormatted(string? value) => _builder.Append(value);

        public void AppendFormatted(int value) => _builder.Append(value.ToString(CultureInfo.InvariantCulture));

        public void AppendFormatted(long value) => _builder.Append(value.ToString(CultureInfo.InvariantCulture));

        /// <summary>A shape as NetDsl prints it everywhere: <c>[1, 28, 28]</c>.</summary>
        public void AppendFormatted(Model.Shape value) => _builder.Append(value.ToString());

        /// <summary>Code assembled piece by piece (a long sum).</summary>
        public void AppendFormatted(StringBuilder value) => _builder.Append(value);

        /// <summary>Refused: a float or double hole would lose its literal suffix; write <see cref="Literals.Float"/> or <see cref="Literals.Double"/>.</summary>
        [Obsolete("Format floating-point values with Literals.Float or Literals.Double, which write C# literals.", error: true)]
        public void AppendFormatted(double value) => throw new NotSupportedException();

        /// <summary>Refused, as <see cref="AppendFormatted(double)"/>.</summary>
        [Obsolete("Format floating-point values with Literals.Float or Literals.Double, which write C# literals.", error: true)]
        public void AppendFormatted(float value) => throw new NotSupportedException();

        public void AppendFormatted<T>(T value)
            where T : IFormattable =>
            _builder.Append(value.ToString(null, CultureInfo.InvariantCulture));
    }
}
