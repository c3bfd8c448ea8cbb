// Shared source: compiled into NetDsl.Runtime (net10.0) and linked into NetDsl.Generator (netstandard2.0).
// Keep it self-contained and free of .NET Core-only APIs.
using System.Globalization;
using System.Text;

namespace NetDsl.Serialization;

/// <summary>
/// A minimal, strict pull reader for JSON text (RFC 8259): exactly the grammar, no comments, no trailing commas, no
/// leading zeros, no unescaped control characters, no lone surrogates, at most <see cref="MaxDepth"/> nested
/// containers (the limit of <c>serde_json</c>, which the safetensors reference implementation uses). Every syntax
/// error throws <see cref="SafeTensorsFormatException"/> of kind <see cref="WeightFileError.InvalidJson"/>
/// with the character position.
/// </summary>
internal sealed class SafeTensorsJsonReader
{
    /// <summary>The deepest nesting of objects and arrays accepted.</summary>
    public const int MaxDepth = 128;

    private readonly string _text;
    private int _position;
    private int _depth;

    public SafeTensorsJsonReader(string text) => _text = text;

    /// <summary>The kind of the next value, after skipping whitespace; throws if no value starts there.</summary>
    public SafeTensorsJsonKind PeekKind()
    {
        SkipWhitespace();
        if (_position >= _text.Length)
        {
            throw Error("expected a value, but the header ends");
        }

        char c = _text[_position];
        switch (c)
        {
            case '{':
                return SafeTensorsJsonKind.Object;
            case '[':
                return SafeTensorsJsonKind.Array;
            case '"':
                return SafeTensorsJsonKind.String;
            case 't':
                return SafeTensorsJsonKind.True;
            case 'f':
                return SafeTensorsJsonKind.False;
            case 'n':
                return SafeTensorsJsonKind.Null;
            default:
                if (c == '-' || (c >= '0' && c <= '9'))
                {
                    return SafeTensorsJsonKind.Number;
                }

                throw Error("expected a value, but found " + SafeTensorsText.Character(c));
        }
    }

    /// <summary>Reads the <c>{</c> that opens an object.</summary>
    public void BeginObject()
    {
        SkipWhitespace();
        Expect('{');
        Enter();
    }

    /// <summary>
    /// Moves to the next property of the current object: returns <see langword="false"/> after reading the closing
    /// <c>}</c>, otherwise reads the property's name and the colon and returns <see langword="true"/>; the caller then
    /// reads or skips the value. <paramref name="first"/> tracks whether a comma is due; start it at <see langword="true"/>.
    /// </summary>
    public bool NextProperty(ref bool first, out string name)
    {
        SkipWhitespace();
        if (TryConsume('}'))
        {
            _depth--;
            name = string.Empty;
            return false;
        }

        if (!first)
        {
            if (!TryConsume(','))
            {
                throw Error("expected ',' or '}' after a property, but found " + Describe());
            }

            SkipWhitespace();
        }

        first = false;
        if (Peek() != '"')
        {
            throw Error("expected a property name (a string), but found " + Describe());
        }

        name = ReadString();
        SkipWhitespace();
        if (!TryConsume(':'))
        {
            throw Error("expected ':' after the property name \"" + name + "\", but found " + Describe());
        }

        return true;
    }

    /// <summary>Reads the <c>[</c> that opens an array.</summary>
    public void BeginArray()
    {
        SkipWhitespace();
        Expect('[');
        Enter();
    }

    /// <summary>
    /// Moves to the next element of the current array: returns <see langword="false"/> after reading the closing
    /// <c>]</c>, otherwise <see langword="true"/> with the reader before the element. Start <paramref name="first"/> at <see langword="true"/>.
    /// </summary>
    public bool NextElement(ref bool first)
    {
        SkipWhitespace();
        if (first)
        {
            first = false;
            if (TryConsume(']'))
            {
                _depth--;
                return false;
            }

            return true;
        }

        if (TryConsume(']'))
        {
            _depth--;
            return false;
        }

        if (!TryConsume(','))
        {
            throw Error("expected ',' or ']' after an array element, but found " + Describe());
        }

        return true;
    }

    /// <summary>Reads a string value, decoding its escapes.</summary>
    public string ReadString()
    {
        SkipWhitespace();
        Expect('"');
        int start = _position;
        StringBuilder? decoded = null;
        while (true)
        {
            if (_position >= _text.Length)
            {
                throw Error("a string is not closed before the header ends");
            }

            char c = _text[_position];
            if (c == '"')
            {
                string value = decoded is null
                    ? _text.Substring(start, _position - start)
                    : decoded.Append(_text, start, _position - start).ToString();
                _position++;
                return value;
            }

            if (c < 0x20)
            {
                throw Error("the control character " + SafeTensorsText.Character(c) + " must be escaped inside a string");
            }

            if (c != '\\')
            {
                _position++;
                continue;
            }

            decoded ??= new StringBuilder();
            decoded.Append(_text, start, _position - start);
            _position++;
            AppendEscape(decoded);
            start = _position;
        }
    }

    /// <summary>
    /// Reads a number and returns its text exactly as written, after checking the JSON grammar
    /// (<c>-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?</c>).
    /// </summary>
    public string ReadNumberText()
    {
        SkipWhitespace();
        int start = _position;
        TryConsume('-');
        if (TryConsume('0'))
        {
            if (IsDigit(Peek()))
            {
                throw Error("a number must not have leading zeros");
            }
        }
        else
        {
            ReadDigits("a number needs a digit");
        }

        if (TryConsume('.'))
        {
            ReadDigits("a digit must follow the decimal point");
        }

        if (TryConsume('e') || TryConsume('E'))
        {
            if (!TryConsume('+'))
            {
                TryConsume('-');
            }

            ReadDigits("an exponent needs a digit");
        }

        return _text.Substring(start, _position - start);
    }

    /// <summary>Reads <c>true</c>, <c>false</c> or <c>null</c>.</summary>
    public void ReadLiteral(SafeTensorsJsonKind kind)
    {
        string literal = kind == SafeTensorsJsonKind.True ? "true" : kind == SafeTensorsJsonKind.False ? "false" : "null";
        SkipWhitespace();
        if (string.CompareOrdinal(_text, _position, literal, 0, literal.Length) != 0)
        {
            throw Error("expected '" + literal + "'");
        }

        _position += literal.Length;
    }

    /// <summary>Reads and discards the next value, whatever it is (nesting still counts towards <see cref="MaxDepth"/>).</summary>
    public void SkipValue()
    {
        switch (PeekKind())
        {
            case SafeTensorsJsonKind.Object:
                BeginObject();
                bool firstProperty = true;
                while (NextProperty(ref firstProperty, out _))
                {
                    SkipValue();
                }

                break;
            case SafeTensorsJsonKind.Array:
                BeginArray();
                bool firstElement = true;
                while (NextElement(ref firstElement))
                {
                    SkipValue();
                }

                break;
            case SafeTensorsJsonKind.String:
                ReadString();
                break;
            case SafeTensorsJsonKind.Number:
                ReadNumberText();
                break;
            default:
                ReadLiteral(PeekKind());
                break;
        }
    }

    /// <summary>Checks that only whitespace remains.</summary>
    public void ExpectEnd()
    {
        SkipWhitespace();
        if (_position < _text.Length)
        {
            throw Error("unexpected " + Describe() + " after the end of the header's object");
        }
    }

    // An InvalidJson error at the current position.
    private SafeTensorsFormatException Error(string what) =>
        new(WeightFileError.InvalidJson,
            "The header is not valid JSON: " + what + " (at character " + _position.ToString(CultureInfo.InvariantCulture) + " of the header).");

    private void AppendEscape(StringBuilder decoded)
    {
        if (_position >= _text.Length)
        {
            throw Error("a string is not closed before the header ends");
        }

        char c = _text[_position++];
        switch (c)
        {
            case '"':
            case '\\':
            case '/':
                decoded.Append(c);
                return;
            case 'b':
                decoded.Append('\b');
                return;
            case 'f':
                decoded.Append('\f');
                return;
            case 'n':
                decoded.Append('\n');
                return;
            case 'r':
                decoded.Append('\r');
                return;
            case 't':
                decoded.Append('\t');
                return;
            case 'u':
                break;
            default:
                _position--;
                throw Error("invalid escape '\\" + c.ToString() + "' in a string");
        }

        char unit = ReadHex4();
        if (char.IsLowSurrogate(unit))
        {
            throw Error("the escape \\u" + ((int)unit).ToString("X4", CultureInfo.InvariantCulture) + " is a low surrogate without a high surrogate before it");
        }

        if (char.IsHighSurrogate(unit))
        {
            if (_position + 1 >= _text.Length || _text[_position] != '\\' || _text[_position + 1] != 'u')
            {
                throw Error("the escape \\u" + ((int)unit).ToString("X4", CultureInfo.InvariantCulture) + " is a high surrogate not followed by a \\u escape of a low surrogate");
            }

            _position += 2;
            char low = ReadHex4();
            if (!char.IsLowSurrogate(low))
            {
                throw Error("the escape \\u" + ((int)unit).ToString("X4", CultureInfo.InvariantCulture) + " is a high surrogate not followed by a low surrogate");
            }

            decoded.Append(unit).Append(low);
            return;
        }

        decoded.Append(unit);
    }

    private char ReadHex4()
    {
        int value = 0;
        for (int i = 0; i < 4; i++)
        {
            char c = Peek();
            int digit = c >= '0' && c <= '9' ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                : -1;
            if (digit < 0)
            {
                throw Error("a \\u escape needs four hexadecimal digits, but found " + Describe());
            }

            value = (value << 4) | digit;
            _position++;
        }

        return (char)value;
    }

    private void ReadDigits(string error)
    {
        if (!IsDigit(Peek()))
        {
            throw Error(error + ", but found " + Describe());
        }

        while (IsDigit(Peek()))
        {
            _position++;
        }
    }

    private void Enter()
    {
        if (++_depth > MaxDepth)
        {
            throw Error("objects and arrays are nested more than " + MaxDepth.ToString(CultureInfo.InvariantCulture) + " deep");
        }
    }

    private void Expect(char c)
    {
        if (!TryConsume(c))
        {
            throw Error("expected '" + c.ToString() + "', but found " + Describe());
        }
    }

    private bool TryConsume(char c)
    {
        if (_position < _text.Length && _text[_position] == c)
        {
            _position++;
            return true;
        }

        return false;
    }

    // '\0' at the end: never a digit, quote or structural character, so callers can test it freely.
    private char Peek() => _position < _text.Length ? _text[_position] : '\0';

    private string Describe() =>
        _position >= _text.Length ? "the end of the header" : SafeTensorsText.Character(_text[_position]);

    private void SkipWhitespace()
    {
        while (_position < _text.Length)
        {
            char c = _text[_position];
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
            {
                return;
            }

            _position++;
        }
    }

    private static bool IsDigit(char c) => c >= '0' && c <= '9';
}
