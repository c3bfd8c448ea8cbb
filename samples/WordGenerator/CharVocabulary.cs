using System;
using System.Text;

namespace WordGenerator;

/// <summary>
/// The 28 tokens of the character model: <see cref="Padding"/> (index 0: the start of a word and the padding of a window
/// that reaches before it; the embedding's <c>PaddingIndex</c>, so its row stays zero), <see cref="End"/> (index 1: the
/// end-of-word marker, predicted after the last letter) and the lowercase letters <c>a</c>–<c>z</c> (indices 2–27).
/// </summary>
public static class CharVocabulary
{
    /// <summary>The start/padding token: never a target, only an input.</summary>
    public const int Padding = 0;

    /// <summary>The end-of-word marker: the target after a word's last letter.</summary>
    public const int End = 1;

    /// <summary>The index of <c>a</c>; <c>z</c> is <c>FirstLetter + 25</c>.</summary>
    public const int FirstLetter = 2;

    /// <summary>V: every token, the padding and end tokens and 26 letters.</summary>
    public const int Size = FirstLetter + 26;

    /// <summary>How <see cref="Padding"/> is printed.</summary>
    public const char PaddingSymbol = '_';

    /// <summary>How <see cref="End"/> is printed.</summary>
    public const char EndSymbol = '$';

    /// <summary>True for the characters the vocabulary holds: the lowercase ASCII letters.</summary>
    public static bool IsLetter(char c) => c is >= 'a' and <= 'z';

    /// <summary>True when every character of <paramref name="word"/> is a lowercase ASCII letter (and there is one).</summary>
    public static bool CanEncode(string word)
    {
        ArgumentNullException.ThrowIfNull(word);
        if (word.Length == 0)
        {
            return false;
        }

        foreach (char c in word)
        {
            if (!IsLetter(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The token of a lowercase letter.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="letter"/> is not <c>a</c>–<c>z</c>.</exception>
    public static int Encode(char letter) => IsLetter(letter)
        ? FirstLetter + (letter - 'a')
        : throw new ArgumentOutOfRangeException(nameof(letter), letter, $"Expected a lowercase letter a-z, but got '{letter}' (U+{(int)letter:X4}).");

    /// <summary>The tokens of a word's letters (without the end marker).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A character is not <c>a</c>–<c>z</c>.</exception>
    public static int[] Encode(string word)
    {
        ArgumentNullException.ThrowIfNull(word);
        var tokens = new int[word.Length];
        for (int i = 0; i < word.Length; i++)
        {
            tokens[i] = Encode(word[i]);
        }

        return tokens;
    }

    /// <summary>The character a token prints as: a letter, <see cref="PaddingSymbol"/> or <see cref="EndSymbol"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="token"/> is outside <c>[0, Size)</c>.</exception>
    public static char Decode(int token) => token switch
    {
        Padding => PaddingSymbol,
        End => EndSymbol,
        >= FirstLetter and < Size => (char)('a' + (token - FirstLetter)),
        _ => throw new ArgumentOutOfRangeException(nameof(token), token, $"Expected a token 0 to {Size - 1}."),
    };

    /// <summary>The characters of <paramref name="tokens"/>, each as <see cref="Decode(int)"/> prints it.</summary>
    public static string Decode(ReadOnlySpan<int> tokens)
    {
        var text = new StringBuilder(tokens.Length);
        foreach (int token in tokens)
        {
            text.Append(Decode(token));
        }

        return text.ToString();
    }

    /// <summary>The characters of a window of tokens stored as floats (a network input), each as <see cref="Decode(int)"/> prints it.</summary>
    public static string Decode(ReadOnlySpan<float> tokens)
    {
        var text = new StringBuilder(tokens.Length);
        foreach (float token in tokens)
        {
            text.Append(Decode((int)token));
        }

        return text.ToString();
    }
}
