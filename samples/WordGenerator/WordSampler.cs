using System;
using System.Collections.Generic;
using NetDsl;

namespace WordGenerator;

/// <summary>Where a generated word comes from.</summary>
public enum WordOrigin
{
    /// <summary>Not in the word list: a new word.</summary>
    Novel,

    /// <summary>A word of the list the network was not trained on (a validation, test or unused training word).</summary>
    HeldOut,

    /// <summary>One of the training words.</summary>
    Training,
}

/// <summary>A generated word: its letters, and whether the length cap cut it before the end marker.</summary>
public sealed record GeneratedWord(string Text, bool Truncated);

/// <summary>
/// Generates words with a trained character model, one character at a time: from a window of padding (the start of a
/// word), the network's logits for the next token, a token drawn at a temperature among the end marker and the letters
/// (the padding token is never drawn), the window slid by one, until the end marker or <see cref="MaxLength"/> letters.
/// </summary>
public sealed class WordSampler
{
    private readonly INetwork _model;
    private readonly float[] _window;
    private readonly float[] _logits;

    /// <summary>A sampler over <paramref name="model"/>, which reads <paramref name="context"/> tokens and returns <see cref="CharVocabulary.Size"/> logits.</summary>
    public WordSampler(INetwork model, int context, int maxLength = 24)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfLessThan(context, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 1);
        _model = model;
        _window = new float[context];
        _logits = new float[CharVocabulary.Size];
        MaxLength = maxLength;
    }

    /// <summary>The most letters a word gets; one that reaches it without the end marker is <see cref="GeneratedWord.Truncated"/>.</summary>
    public int MaxLength { get; }

    /// <summary>Generates one word at <paramref name="temperature"/> (0: always the most likely token), drawing from <paramref name="random"/>.</summary>
    public GeneratedWord Generate(double temperature, SeededRandom random)
    {
        var letters = new List<int>();
        while (letters.Count < MaxLength)
        {
            CharExamples.WriteWindow(letters.ToArray(), _window);
            _model.Forward(_window, _logits);
            int token = CharVocabulary.End + TemperatureSampler.Sample(_logits.AsSpan(CharVocabulary.End), temperature, random);
            if (token == CharVocabulary.End)
            {
                return new GeneratedWord(CharVocabulary.Decode(letters.ToArray()), Truncated: false);
            }

            letters.Add(token);
        }

        return new GeneratedWord(CharVocabulary.Decode(letters.ToArray()), Truncated: true);
    }

    /// <summary>The mean of <c>−ln p(next token)</c> the model gives <paramref name="word"/>'s characters and its end marker: nats per character.</summary>
    public double LossPerCharacter(string word)
    {
        int[] tokens = CharVocabulary.Encode(word);
        double sum = 0;
        for (int i = 0; i <= tokens.Length; i++)
        {
            CharExamples.WriteWindow(tokens.AsSpan(0, i), _window);
            _model.Forward(_window, _logits);
            int target = i < tokens.Length ? tokens[i] : CharVocabulary.End;
            sum -= Math.Log(TemperatureSampler.Probabilities(_logits, 1)[target]);
        }

        return sum / (tokens.Length + 1);
    }
}
