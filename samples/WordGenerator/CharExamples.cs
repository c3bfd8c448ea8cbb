using System;
using System.Collections.Generic;
using NetDsl;

namespace WordGenerator;

/// <summary>
/// Turns words into the network's examples. A word of L letters gives L + 1 examples, one per character to predict:
/// for position i (0 ≤ i ≤ L) the input is the <c>context</c> tokens before position i, oldest first, left-padded with
/// <see cref="CharVocabulary.Padding"/> (so a window that starts with padding also says where the word starts), and
/// the target is letter i, or <see cref="CharVocabulary.End"/> for i = L. For <c>cat</c> and a context of 4:
/// <c>____ → c</c>, <c>___c → a</c>, <c>__ca → t</c>, <c>_cat → $</c>.
/// </summary>
public static class CharExamples
{
    /// <summary>The number of examples (characters to predict, end markers included) of <paramref name="words"/>.</summary>
    public static int Count(IReadOnlyList<string> words)
    {
        ArgumentNullException.ThrowIfNull(words);
        int count = 0;
        foreach (string word in words)
        {
            count += word.Length + 1;
        }

        return count;
    }

    /// <summary>A classification dataset of every example of <paramref name="words"/>: <c>context</c> token features, one class (the next token) each.</summary>
    public static Dataset ToDataset(IReadOnlyList<string> words, int context)
    {
        ArgumentNullException.ThrowIfNull(words);
        ArgumentOutOfRangeException.ThrowIfLessThan(context, 1);
        int count = Count(words);
        var features = new float[count * context];
        var targets = new float[count];
        int row = 0;
        foreach (string word in words)
        {
            int[] tokens = CharVocabulary.Encode(word);
            for (int i = 0; i <= tokens.Length; i++)
            {
                WriteWindow(tokens.AsSpan(0, i), features.AsSpan(row * context, context));
                targets[row] = i < tokens.Length ? tokens[i] : CharVocabulary.End;
                row++;
            }
        }

        return new Dataset(features, context, targets, targetWidth: 1, classCount: CharVocabulary.Size);
    }

    /// <summary>
    /// Writes the network input that follows <paramref name="history"/> (the tokens of the word so far): its last
    /// <c>window.Length</c> tokens, oldest first, left-padded with <see cref="CharVocabulary.Padding"/> when it is shorter.
    /// </summary>
    public static void WriteWindow(ReadOnlySpan<int> history, Span<float> window)
    {
        int padding = Math.Max(0, window.Length - history.Length);
        window[..padding].Fill(CharVocabulary.Padding);
        ReadOnlySpan<int> last = history[(history.Length - (window.Length - padding))..];
        for (int k = 0; k < last.Length; k++)
        {
            window[padding + k] = last[k];
        }
    }
}
