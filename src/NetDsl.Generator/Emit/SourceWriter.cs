using System.Text;

namespace NetDsl.Generator.Emit;

/// <summary>A minimal indenting text writer for generated source (four spaces per level, '\n' line ends).</summary>
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

    public void CloseBlock(string suffix = "")
    {
        _indentation--;
        WriteLine("}" + suffix);
    }

    public override string ToString() => _builder.ToString();
}
