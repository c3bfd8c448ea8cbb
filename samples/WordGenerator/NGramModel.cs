using System;
using System.Collections.Generic;
using NetDsl;

namespace WordGenerator;

/// <summary>
/// A character n-gram model, the baselines the network must beat: the probability of the next token given the
/// <c>n − 1</c> tokens before it (the last ones of an example's window, so padding stands for "start of word"), from counts
/// over the training examples with add-one (Laplace) smoothing over the 27 tokens that can follow (the 26 letters and the
/// end marker; the padding token is never a target). <c>n = 1</c> is the unigram model, the character frequencies alone:
/// its cross-entropy on other words is the loss of a model that ignores the context.
/// </summary>
public sealed class NGramModel
{
    /// <summary>The number of tokens that can be predicted: the end marker and the letters.</summary>
    public const int Outcomes = CharVocabulary.Size - CharVocabulary.End;

    private readonly Dictionary<long, int[]> _counts = [];
    private readonly double _smoothing;

    private NGramModel(int order, double smoothing)
    {
        Order = order;
        _smoothing = smoothing;
    }

    /// <summary>n: 1 for unigram, 2 for bigram.</summary>
    public int Order { get; }

    /// <summary>Counts the targets of <paramref name="training"/> by the <c>n − 1</c> tokens before each.</summary>
    /// <exception cref="ArgumentException">The windows hold fewer than <c>n − 1</c> tokens.</exception>
    public static NGramModel Fit(Dataset training, int order, double smoothing = 1)
    {
        ArgumentNullException.ThrowIfNull(training);
        ArgumentOutOfRangeException.ThrowIfLessThan(order, 1);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(smoothing);
        if (order - 1 > training.FeatureCount)
        {
            throw new ArgumentException($"A {order}-gram reads {order - 1} tokens before the target, but the windows hold {training.FeatureCount}.", nameof(order));
        }

        var model = new NGramModel(order, smoothing);
        for (int i = 0; i < training.Count; i++)
        {
            long key = model.Key(training.GetFeatures(i));
            if (!model._counts.TryGetValue(key, out int[]? counts))
            {
                counts = new int[Outcomes + 1];
                model._counts[key] = counts;
            }

            counts[Outcome(training.GetClass(i))]++;
            counts[Outcomes]++;
        }

        return model;
    }

    /// <summary>The smoothed probability of <paramref name="next"/> after <paramref name="window"/> (0 for the padding token).</summary>
    public double Probability(ReadOnlySpan<float> window, int next)
    {
        if (next == CharVocabulary.Padding)
        {
            return 0;
        }

        int outcome = Outcome(next);
        return _counts.TryGetValue(Key(window), out int[]? counts)
            ? (counts[outcome] + _smoothing) / (counts[Outcomes] + (_smoothing * Outcomes))
            : 1.0 / Outcomes;
    }

    /// <summary>The mean of <c>−ln p(target | window)</c> over the examples of <paramref name="data"/>: nats per character.</summary>
    public double CrossEntropy(Dataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        double sum = 0;
        for (int i = 0; i < data.Count; i++)
        {
            sum -= Math.Log(Probability(data.GetFeatures(i), data.GetClass(i)));
        }

        return sum / data.Count;
    }

    private long Key(ReadOnlySpan<float> window)
    {
        long key = 0;
        foreach (float token in window[(window.Length - (Order - 1))..])
        {
            key = (key * CharVocabulary.Size) + (int)token;
        }

        return key;
    }

    private static int Outcome(int token) => token is >= CharVocabulary.End and < CharVocabulary.Size
        ? token - CharVocabulary.End
        : throw new ArgumentOutOfRangeException(nameof(token), token, $"Expected a target token {CharVocabulary.End} to {CharVocabulary.Size - 1} (the end marker or a letter).");
}
