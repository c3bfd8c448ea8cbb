using System;
using System.Collections.Generic;

namespace NetDsl;

/// <summary>
/// Splits a dataset into training, validation and test parts by fractions, deterministically under a seed. For a
/// classification dataset the split is stratified by default: each part receives each class in (as nearly as
/// whole samples allow) the class's overall proportion.
/// </summary>
public static class DatasetSplitter
{
    /// <summary>Splits <paramref name="data"/>.</summary>
    /// <param name="data">The dataset.</param>
    /// <param name="trainingFraction">The fraction for training, in (0, 1].</param>
    /// <param name="validationFraction">The fraction for validation, in [0, 1).</param>
    /// <param name="testFraction">The fraction for testing, in [0, 1); the three fractions add up to 1.</param>
    /// <param name="seed">The seed of the shuffle: the same seed gives the same split.</param>
    /// <param name="stratify">Whether to stratify by class; null (the default) stratifies datasets of one class per sample.</param>
    /// <returns>
    /// The parts, each shuffled. Part sizes are <c>round(n * fraction)</c> for validation and test (the rest is training);
    /// stratified, each class contributes <c>floor(n_c * fraction)</c> samples plus one for the classes with the
    /// largest remainders until the part's size is reached.
    /// </returns>
    /// <exception cref="ArgumentException">The fractions are out of range or do not add up to 1, or stratification is asked for a dataset without classes.</exception>
    public static DatasetSplit Split(Dataset data, double trainingFraction, double validationFraction, double testFraction, int seed, bool? stratify = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        CheckFractions(trainingFraction, validationFraction, testFraction);
        bool stratified = stratify ?? (data.ClassCount is not null && data.TargetWidth == 1);
        if (stratified && data.ClassCount is null)
        {
            throw new ArgumentException("Stratification needs class targets, but the dataset has none (ClassCount is null).", nameof(stratify));
        }

        if (stratified && data.TargetWidth != 1)
        {
            throw new ArgumentException($"Stratification needs one class per sample, but the dataset has {data.TargetWidth} class targets per sample.", nameof(stratify));
        }

        var random = new SeededRandom(seed);
        int n = data.Count;
        int validationSize = (int)Math.Round(n * validationFraction, MidpointRounding.AwayFromZero);
        int testSize = (int)Math.Round(n * testFraction, MidpointRounding.AwayFromZero);
        if (validationSize + testSize > n)
        {
            testSize = n - validationSize;
        }

        var training = new List<int>(n);
        var validation = new List<int>(validationSize);
        var test = new List<int>(testSize);
        if (!stratified)
        {
            int[] order = Permutation(n, random);
            validation.AddRange(order.AsSpan(0, validationSize));
            test.AddRange(order.AsSpan(validationSize, testSize));
            training.AddRange(order.AsSpan(validationSize + testSize));
        }
        else
        {
            // The samples of each class, each list shuffled.
            int classes = data.ClassCount!.Value;
            var members = new List<int>[classes];
            for (int c = 0; c < classes; c++)
            {
                members[c] = [];
            }

            for (int i = 0; i < n; i++)
            {
                members[data.GetClass(i)].Add(i);
            }

            for (int c = 0; c < classes; c++)
            {
                Shuffle(members[c], random);
            }

            int[] validationPerClass = Allocate(members, validationFraction, validationSize, new int[classes]);
            int[] testPerClass = Allocate(members, testFraction, testSize, validationPerClass);
            for (int c = 0; c < classes; c++)
            {
                List<int> list = members[c];
                int v = validationPerClass[c], t = testPerClass[c];
                validation.AddRange(list.GetRange(0, v));
                test.AddRange(list.GetRange(v, t));
                training.AddRange(list.GetRange(v + t, list.Count - v - t));
            }

            // Interleave the classes within each part.
            Shuffle(training, random);
            Shuffle(validation, random);
            Shuffle(test, random);
        }

        return new DatasetSplit(data.Select(training.ToArray()), data.Select(validation.ToArray()), data.Select(test.ToArray()));
    }

    /// <summary>A random permutation of 0 … <paramref name="count"/>−1 (Fisher–Yates).</summary>
    internal static int[] Permutation(int count, SeededRandom random)
    {
        int[] order = new int[count];
        for (int i = 0; i < count; i++)
        {
            order[i] = i;
        }

        for (int i = count - 1; i > 0; i--)
        {
            int j = random.NextInt32(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }

        return order;
    }

    private static void Shuffle(List<int> list, SeededRandom random)
    {
        for (int i = list.Count - 1; i > 0; i--)
        {
            int j = random.NextInt32(i + 1);
            (list[i], list[j]) = (list[j], list[i]);
        }
    }

    /// <summary>
    /// How many samples of each class go to a part of <paramref name="size"/> samples: the floor of each class's exact
    /// share, then one more for the classes with the largest remainders (ties to the lower class), never more than the
    /// class has left after <paramref name="taken"/>.
    /// </summary>
    private static int[] Allocate(List<int>[] members, double fraction, int size, int[] taken)
    {
        int classes = members.Length;
        int[] counts = new int[classes];
        double[] remainders = new double[classes];
        int total = 0;
        for (int c = 0; c < classes; c++)
        {
            double exact = members[c].Count * fraction;
            counts[c] = Math.Min((int)Math.Floor(exact), members[c].Count - taken[c]);
            remainders[c] = exact - counts[c];
            total += counts[c];
        }

        while (total < size)
        {
            int best = -1;
            for (int c = 0; c < classes; c++)
            {
                if (counts[c] + taken[c] < members[c].Count && (best < 0 || remainders[c] > remainders[best]))
                {
                    best = c;
                }
            }

            if (best < 0)
            {
                break;
            }

            counts[best]++;
            remainders[best] -= 1.0;
            total++;
        }

        while (total > size)
        {
            int worst = -1;
            for (int c = 0; c < classes; c++)
            {
                if (counts[c] > 0 && (worst < 0 || remainders[c] < remainders[worst]))
                {
                    worst = c;
                }
            }

            counts[worst]--;
            remainders[worst] += 1.0;
            total--;
        }

        return counts;
    }

    private static void CheckFractions(double training, double validation, double test)
    {
        if (!(training > 0 && training <= 1) || !(validation >= 0 && validation < 1) || !(test >= 0 && test < 1))
        {
            throw new ArgumentException(
                $"Expected a training fraction in (0, 1] and validation and test fractions in [0, 1), but got {training}, {validation} and {test}.",
                "trainingFraction");
        }

        double sum = training + validation + test;
        if (Math.Abs(sum - 1.0) > 1e-9)
        {
            throw new ArgumentException($"Expected the fractions to add up to 1, but {training} + {validation} + {test} = {sum}.", "trainingFraction");
        }
    }
}
