using System;
using System.Globalization;
using System.Text;

namespace NetDsl;

/// <summary>
/// Counts of (actual class, predicted class) pairs. Rows are actual classes, columns predicted ones, as
/// scikit-learn's <c>confusion_matrix</c>. Precision and recall of a class with no predictions, or no samples, are 0
/// (scikit-learn's <c>zero_division=0</c>).
/// </summary>
public sealed class ConfusionMatrix
{
    private readonly long[] _counts;

    /// <summary>Creates an empty matrix of <paramref name="classCount"/> classes.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="classCount"/> is below 1.</exception>
    internal ConfusionMatrix(int classCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(classCount);
        ClassCount = classCount;
        _counts = new long[checked(classCount * classCount)];
    }

    /// <summary>The number of classes.</summary>
    public int ClassCount { get; }

    /// <summary>The number of samples counted.</summary>
    public long Total { get; private set; }

    /// <summary>The number of samples of class <paramref name="actual"/> predicted as <paramref name="predicted"/>.</summary>
    public long this[int actual, int predicted]
    {
        get
        {
            CheckClass(actual, nameof(actual));
            CheckClass(predicted, nameof(predicted));
            return _counts[actual * ClassCount + predicted];
        }
    }

    /// <summary>The fraction of samples predicted correctly (0 when empty).</summary>
    public double Accuracy
    {
        get
        {
            long correct = 0;
            for (int c = 0; c < ClassCount; c++)
            {
                correct += _counts[c * ClassCount + c];
            }

            return Total == 0 ? 0 : (double)correct / Total;
        }
    }

    /// <summary>Counts the pairs of <paramref name="actual"/> and <paramref name="predicted"/> classes.</summary>
    /// <exception cref="ArgumentException">The spans differ in length, or a class is outside [0, <paramref name="classCount"/>).</exception>
    public static ConfusionMatrix FromPredictions(ReadOnlySpan<int> actual, ReadOnlySpan<int> predicted, int classCount)
    {
        Guard.Length(predicted.Length, actual.Length, nameof(predicted));
        var matrix = new ConfusionMatrix(classCount);
        for (int i = 0; i < actual.Length; i++)
        {
            matrix.Add(actual[i], predicted[i]);
        }

        return matrix;
    }

    /// <summary>Counts one sample.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A class is out of range.</exception>
    internal void Add(int actual, int predicted)
    {
        CheckClass(actual, nameof(actual));
        CheckClass(predicted, nameof(predicted));
        _counts[actual * ClassCount + predicted]++;
        Total++;
    }

    /// <summary>Sets every count to zero.</summary>
    internal void Clear()
    {
        Array.Clear(_counts);
        Total = 0;
    }

    /// <summary>The number of samples of class <paramref name="c"/> (its row's sum).</summary>
    public long Support(int c)
    {
        CheckClass(c, nameof(c));
        long sum = 0;
        for (int p = 0; p < ClassCount; p++)
        {
            sum += _counts[c * ClassCount + p];
        }

        return sum;
    }

    /// <summary>The number of samples predicted as class <paramref name="c"/> (its column's sum).</summary>
    public long PredictedCount(int c)
    {
        CheckClass(c, nameof(c));
        long sum = 0;
        for (int a = 0; a < ClassCount; a++)
        {
            sum += _counts[a * ClassCount + c];
        }

        return sum;
    }

    /// <summary>Of the samples predicted as <paramref name="c"/>, the fraction that are <paramref name="c"/>.</summary>
    public double Precision(int c)
    {
        long predicted = PredictedCount(c);
        return predicted == 0 ? 0 : (double)_counts[c * ClassCount + c] / predicted;
    }

    /// <summary>Of the samples of class <paramref name="c"/>, the fraction predicted as <paramref name="c"/>.</summary>
    public double Recall(int c)
    {
        long support = Support(c);
        return support == 0 ? 0 : (double)_counts[c * ClassCount + c] / support;
    }

    /// <summary>The harmonic mean of precision and recall of class <paramref name="c"/> (0 when both are 0).</summary>
    public double F1(int c)
    {
        double precision = Precision(c), recall = Recall(c);
        return precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
    }

    /// <summary>A copy of the counts.</summary>
    public ConfusionMatrix Clone()
    {
        var copy = new ConfusionMatrix(ClassCount);
        Array.Copy(_counts, copy._counts, _counts.Length);
        copy.Total = Total;
        return copy;
    }

    /// <summary>The matrix as a text table, rows actual, columns predicted.</summary>
    public override string ToString()
    {
        int width = Math.Max(4, Total.ToString(CultureInfo.InvariantCulture).Length + 1);
        var text = new StringBuilder();
        text.Append("actual\\pred".PadRight(12));
        for (int p = 0; p < ClassCount; p++)
        {
            text.Append(p.ToString(CultureInfo.InvariantCulture).PadLeft(width));
        }

        for (int a = 0; a < ClassCount; a++)
        {
            text.AppendLine();
            text.Append(a.ToString(CultureInfo.InvariantCulture).PadRight(12));
            for (int p = 0; p < ClassCount; p++)
            {
                text.Append(_counts[a * ClassCount + p].ToString(CultureInfo.InvariantCulture).PadLeft(width));
            }
        }

        return text.ToString();
    }

    private void CheckClass(int c, string name)
    {
        if ((uint)c >= (uint)ClassCount)
        {
            throw new ArgumentOutOfRangeException(name, c, $"Expected a class in [0, {ClassCount}), but got {c}.");
        }
    }
}
