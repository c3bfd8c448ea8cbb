using System;
using System.Collections.Generic;
using NetDsl;

namespace WordGenerator;

/// <summary>
/// The words of each part, in a seeded random order (so a prefix of a part is a random subset of it). The split is by
/// word: all the examples of a word are in the part of the word, and no word is in two parts.
/// </summary>
public sealed record WordSplit(string[] Training, string[] Validation, string[] Test)
{
    /// <summary>
    /// Shuffles <paramref name="words"/> with <paramref name="seed"/> and cuts them: <c>round(n × validationFraction)</c>
    /// validation words, <c>round(n × testFraction)</c> test words, the rest for training. The words must be distinct.
    /// </summary>
    /// <exception cref="ArgumentException">A word appears twice, or the fractions leave no training word.</exception>
    public static WordSplit Create(IReadOnlyList<string> words, double validationFraction, double testFraction, int seed)
    {
        ArgumentNullException.ThrowIfNull(words);
        if (validationFraction < 0 || testFraction < 0 || validationFraction + testFraction >= 1)
        {
            throw new ArgumentException($"Expected validation and test fractions of at least 0 that leave words to train on, but got {validationFraction} and {testFraction}.");
        }

        var distinct = new HashSet<string>(StringComparer.Ordinal);
        foreach (string word in words)
        {
            if (!distinct.Add(word))
            {
                throw new ArgumentException($"Expected distinct words, but '{word}' appears twice: it could land in two parts.", nameof(words));
            }
        }

        int n = words.Count;
        int validation = (int)Math.Round(n * validationFraction), test = (int)Math.Round(n * testFraction);
        int[] order = Permutation(n, seed);
        string[] Take(int from, int count)
        {
            var part = new string[count];
            for (int i = 0; i < count; i++)
            {
                part[i] = words[order[from + i]];
            }

            return part;
        }

        return new WordSplit(Take(validation + test, n - validation - test), Take(0, validation), Take(validation, test));
    }

    /// <summary>A permutation of <c>0 .. n−1</c> drawn with <see cref="SeededRandom"/> (Fisher–Yates).</summary>
    public static int[] Permutation(int n, int seed)
    {
        var order = new int[n];
        for (int i = 0; i < n; i++)
        {
            order[i] = i;
        }

        var random = new SeededRandom(seed);
        for (int i = n - 1; i > 0; i--)
        {
            int j = random.NextInt32(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }

        return order;
    }
}
