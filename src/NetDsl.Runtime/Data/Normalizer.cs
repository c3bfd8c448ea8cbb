using System;
using System.Collections.Generic;
using System.Numerics.Tensors;

namespace NetDsl;

/// <summary>
/// A per-feature affine normalization, <c>x' = (x − shift) / scale</c>, fitted on the training split only and then
/// applied to every split and at inference. Its two statistics are named float arrays,
/// <c>normalizer.shift</c> and <c>normalizer.scale</c> (<see cref="Statistics"/>), to be saved beside the model's
/// parameters; <see cref="FromStatistics"/> rebuilds it from them.
/// </summary>
/// <remarks>
/// <para>Z-score: shift = mean, scale = population standard deviation (scikit-learn's <c>StandardScaler</c>).</para>
/// <para>Min-max to [low, high]: scale = (max − min) / (high − low), shift = min − low · scale (scikit-learn's <c>MinMaxScaler</c>).</para>
/// <para>A constant feature (zero standard deviation or range) gets scale 1, as in scikit-learn, so no division by zero happens.</para>
/// </remarks>
public sealed class Normalizer
{
    /// <summary>The name of the shift statistic in weight files.</summary>
    public const string ShiftName = "normalizer.shift";

    /// <summary>The name of the scale statistic in weight files.</summary>
    public const string ScaleName = "normalizer.scale";

    private readonly float[] _shift;
    private readonly float[] _scale;

    private Normalizer(NormalizationKind kind, float[] shift, float[] scale)
    {
        Kind = kind;
        _shift = shift;
        _scale = scale;
    }

    /// <summary>How the statistics were obtained.</summary>
    public NormalizationKind Kind { get; }

    /// <summary>The number of features it normalizes.</summary>
    public int FeatureCount => _shift.Length;

    /// <summary>The value subtracted from each feature.</summary>
    public ReadOnlySpan<float> Shift => _shift;

    /// <summary>The value each shifted feature is divided by (never zero).</summary>
    public ReadOnlySpan<float> Scale => _scale;

    /// <summary>The statistics as named arrays, <c>normalizer.shift</c> then <c>normalizer.scale</c>, for saving with a model.</summary>
    public IReadOnlyList<KeyValuePair<string, float[]>> Statistics =>
    [
        new(ShiftName, (float[])_shift.Clone()),
        new(ScaleName, (float[])_scale.Clone()),
    ];

    /// <summary>Fits a z-score normalization on <paramref name="training"/>: mean and population standard deviation per feature, in double precision.</summary>
    /// <exception cref="ArgumentException">The dataset is empty or has a non-finite feature value.</exception>
    public static Normalizer FitZScore(Dataset training)
    {
        ReadOnlySpan<float> features = CheckTraining(training);
        int featureCount = training.FeatureCount;
        double[] sum = new double[featureCount];
        for (int i = 0; i < features.Length; i++)
        {
            sum[i % featureCount] += features[i];
        }

        double[] mean = new double[featureCount];
        for (int f = 0; f < featureCount; f++)
        {
            mean[f] = sum[f] / training.Count;
        }

        double[] squares = new double[featureCount];
        for (int i = 0; i < features.Length; i++)
        {
            double deviation = features[i] - mean[i % featureCount];
            squares[i % featureCount] += deviation * deviation;
        }

        float[] shift = new float[featureCount];
        float[] scale = new float[featureCount];
        for (int f = 0; f < featureCount; f++)
        {
            shift[f] = (float)mean[f];
            float deviation = (float)Math.Sqrt(squares[f] / training.Count);
            scale[f] = deviation > 0f ? deviation : 1f;
        }

        return new Normalizer(NormalizationKind.ZScore, shift, scale);
    }

    /// <summary>Fits a min-max normalization on <paramref name="training"/> that maps each feature's range onto [<paramref name="low"/>, <paramref name="high"/>].</summary>
    /// <exception cref="ArgumentException">The dataset is empty or has a non-finite feature value, or <paramref name="low"/> is not below <paramref name="high"/>.</exception>
    public static Normalizer FitMinMax(Dataset training, float low = 0f, float high = 1f)
    {
        if (!(float.IsFinite(low) && float.IsFinite(high) && low < high))
        {
            throw new ArgumentException($"Expected a finite range with low < high, but got [{low}, {high}].", nameof(low));
        }

        ReadOnlySpan<float> features = CheckTraining(training);
        int featureCount = training.FeatureCount;
        float[] min = new float[featureCount];
        float[] max = new float[featureCount];
        Array.Fill(min, float.PositiveInfinity);
        Array.Fill(max, float.NegativeInfinity);
        for (int i = 0; i < features.Length; i++)
        {
            int f = i % featureCount;
            min[f] = MathF.Min(min[f], features[i]);
            max[f] = MathF.Max(max[f], features[i]);
        }

        float[] shift = new float[featureCount];
        float[] scale = new float[featureCount];
        for (int f = 0; f < featureCount; f++)
        {
            double range = (double)max[f] - min[f];
            double s = range > 0 ? range / ((double)high - low) : 1.0;
            scale[f] = (float)s;
            shift[f] = (float)(min[f] - low * s);
        }

        return new Normalizer(NormalizationKind.MinMax, shift, scale);
    }

    /// <summary>Rebuilds a normalizer from saved statistics (<c>normalizer.shift</c> and <c>normalizer.scale</c>).</summary>
    /// <exception cref="ArgumentException">The arrays are empty or differ in length, or a value is not finite, or a scale is zero.</exception>
    public static Normalizer FromStatistics(ReadOnlySpan<float> shift, ReadOnlySpan<float> scale)
    {
        if (shift.IsEmpty)
        {
            throw new ArgumentException("Expected one shift per feature, but the span is empty.", nameof(shift));
        }

        Guard.Length(scale.Length, shift.Length, nameof(scale));
        for (int f = 0; f < shift.Length; f++)
        {
            if (!float.IsFinite(shift[f]))
            {
                throw new ArgumentException($"Expected finite shifts, but shift[{f}] is {shift[f]}.", nameof(shift));
            }

            if (!float.IsFinite(scale[f]) || scale[f] == 0f)
            {
                throw new ArgumentException($"Expected finite, non-zero scales, but scale[{f}] is {scale[f]}.", nameof(scale));
            }
        }

        return new Normalizer(NormalizationKind.Custom, shift.ToArray(), scale.ToArray());
    }

    /// <summary>Normalizes rows of features in place: <paramref name="features"/> holds whole rows of <see cref="FeatureCount"/> floats.</summary>
    /// <exception cref="ArgumentException">The length is not a whole number of rows.</exception>
    public void Transform(Span<float> features)
    {
        if (features.Length % FeatureCount != 0)
        {
            throw new ArgumentException($"Expected whole rows of {FeatureCount} features, but got {features.Length} floats.", nameof(features));
        }

        for (int row = 0; row < features.Length; row += FeatureCount)
        {
            Span<float> values = features.Slice(row, FeatureCount);
            TensorPrimitives.Subtract(values, _shift, values);
            TensorPrimitives.Divide(values, _scale, values);
        }
    }

    /// <summary>A normalized copy of <paramref name="data"/> (targets unchanged).</summary>
    /// <exception cref="ArgumentException">The dataset's feature count differs from <see cref="FeatureCount"/>.</exception>
    public Dataset Transform(Dataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.FeatureCount != FeatureCount)
        {
            throw new ArgumentException($"Expected samples of {FeatureCount} features, as the normalizer was fitted on, but the dataset has {data.FeatureCount}.", nameof(data));
        }

        float[] features = data.Features.ToArray();
        if (features.Length > 0)
        {
            Transform(features);
        }

        return data.WithFeatures(features);
    }

    /// <summary>Undoes the normalization of rows of features in place: <c>x = x' * scale + shift</c>.</summary>
    /// <exception cref="ArgumentException">The length is not a whole number of rows.</exception>
    public void InverseTransform(Span<float> features)
    {
        if (features.Length % FeatureCount != 0)
        {
            throw new ArgumentException($"Expected whole rows of {FeatureCount} features, but got {features.Length} floats.", nameof(features));
        }

        for (int row = 0; row < features.Length; row += FeatureCount)
        {
            Span<float> values = features.Slice(row, FeatureCount);
            TensorPrimitives.MultiplyAdd(values, _scale, _shift, values);
        }
    }

    private static ReadOnlySpan<float> CheckTraining(Dataset training)
    {
        ArgumentNullException.ThrowIfNull(training);
        if (training.Count == 0)
        {
            throw new ArgumentException("Expected a training set to fit the normalization on, but it has no samples.", nameof(training));
        }

        ReadOnlySpan<float> features = training.Features;
        for (int i = 0; i < features.Length; i++)
        {
            if (!float.IsFinite(features[i]))
            {
                throw new ArgumentException(
                    $"Expected finite features (clean the data first), but feature {i % training.FeatureCount} of sample {i / training.FeatureCount} is {features[i]}.",
                    nameof(training));
            }
        }

        return features;
    }
}
