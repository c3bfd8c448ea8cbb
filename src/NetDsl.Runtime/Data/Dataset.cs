using System;
using System.Collections.Generic;

namespace NetDsl;

/// <summary>
/// An immutable table of samples: <see cref="Count"/> rows of <see cref="FeatureCount"/> features and
/// <see cref="TargetWidth"/> targets, both row-major float arrays. For classification, <see cref="ClassCount"/>
/// is set and each target is a class index <c>0 … ClassCount−1</c> stored as a whole float (the layout
/// <see cref="CrossEntropyLoss"/> expects): one per sample, or one per step for a per-step head
/// (<c>CrossEntropyLoss(classes: C)</c>), where <see cref="IgnoredTarget"/> marks a step that counts for nothing.
/// </summary>
public sealed class Dataset
{
    private readonly float[] _features;
    private readonly float[] _targets;
    private readonly string[]? _featureNames;

    /// <summary>Creates a dataset from copies of <paramref name="features"/> and <paramref name="targets"/>.</summary>
    /// <param name="features">The features, row-major: <c>count * featureCount</c> floats.</param>
    /// <param name="featureCount">The number of features per sample.</param>
    /// <param name="targets">The targets, row-major: <c>count * targetWidth</c> floats.</param>
    /// <param name="targetWidth">The number of targets per sample (for class indices: 1, or one per step).</param>
    /// <param name="classCount">For classification: the number of classes; each target is then a class index.</param>
    /// <param name="featureNames">Optional names of the features (for example a CSV header).</param>
    /// <exception cref="ArgumentException">The lengths do not describe the same number of samples, or a class index is out of range.</exception>
    public Dataset(ReadOnlySpan<float> features, int featureCount, ReadOnlySpan<float> targets, int targetWidth = 1, int? classCount = null, IReadOnlyList<string>? featureNames = null)
        : this(features.ToArray(), featureCount, targets.ToArray(), targetWidth, classCount, featureNames is null ? null : [.. featureNames], validate: true)
    {
    }

    private Dataset(float[] features, int featureCount, float[] targets, int targetWidth, int? classCount, string[]? featureNames, bool validate)
    {
        if (validate)
        {
            Validate(features, featureCount, targets, targetWidth, classCount, featureNames);
        }

        _features = features;
        _targets = targets;
        _featureNames = featureNames;
        FeatureCount = featureCount;
        TargetWidth = targetWidth;
        ClassCount = classCount;
        Count = features.Length / featureCount;
    }

    /// <summary>The number of samples.</summary>
    public int Count { get; }

    /// <summary>The number of features per sample.</summary>
    public int FeatureCount { get; }

    /// <summary>The number of target floats per sample.</summary>
    public int TargetWidth { get; }

    /// <summary>
    /// The class target of a step that counts for nothing (padding after a short sequence), in datasets with several
    /// class targets per sample: −100, PyTorch's and <see cref="CrossEntropyLoss"/>'s default <c>ignore_index</c>.
    /// </summary>
    public const int IgnoredTarget = -100;

    /// <summary>The number of classes for classification (targets are class indices), or null.</summary>
    public int? ClassCount { get; }

    /// <summary>The names of the features, or null when they have none.</summary>
    public IReadOnlyList<string>? FeatureNames => _featureNames;

    /// <summary>Every feature, row-major.</summary>
    public ReadOnlySpan<float> Features => _features;

    /// <summary>Every target, row-major.</summary>
    public ReadOnlySpan<float> Targets => _targets;

    /// <summary>The features of sample <paramref name="index"/>.</summary>
    public ReadOnlySpan<float> GetFeatures(int index)
    {
        CheckIndex(index);
        return new ReadOnlySpan<float>(_features, index * FeatureCount, FeatureCount);
    }

    /// <summary>The targets of sample <paramref name="index"/>.</summary>
    public ReadOnlySpan<float> GetTargets(int index)
    {
        CheckIndex(index);
        return new ReadOnlySpan<float>(_targets, index * TargetWidth, TargetWidth);
    }

    /// <summary>The class index of sample <paramref name="index"/>.</summary>
    /// <exception cref="InvalidOperationException">The dataset is not a classification dataset, or has several class targets per sample.</exception>
    public int GetClass(int index)
    {
        if (ClassCount is null)
        {
            throw new InvalidOperationException("The dataset has no classes (ClassCount is null): its targets are values, not class indices.");
        }

        if (TargetWidth != 1)
        {
            throw new InvalidOperationException($"The dataset has {TargetWidth} class targets per sample (one per step), not one class per sample: read them with GetTargets.");
        }

        return (int)GetTargets(index)[0];
    }

    /// <summary>The number of targets of each class: samples, or steps when each sample has several class targets (ignored steps left out).</summary>
    /// <exception cref="InvalidOperationException">The dataset is not a classification dataset.</exception>
    public int[] CountPerClass()
    {
        if (ClassCount is not int classes)
        {
            throw new InvalidOperationException("The dataset has no classes (ClassCount is null): its targets are values, not class indices.");
        }

        int[] counts = new int[classes];
        foreach (float target in _targets)
        {
            if (target != IgnoredTarget)
            {
                counts[(int)target]++;
            }
        }

        return counts;
    }

    /// <summary>A new dataset holding copies of the samples at <paramref name="indices"/>, in that order.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An index is outside [0, <see cref="Count"/>).</exception>
    public Dataset Select(ReadOnlySpan<int> indices)
    {
        float[] features = new float[(long)indices.Length * FeatureCount];
        float[] targets = new float[(long)indices.Length * TargetWidth];
        for (int i = 0; i < indices.Length; i++)
        {
            int index = indices[i];
            CheckIndex(index);
            Array.Copy(_features, (long)index * FeatureCount, features, (long)i * FeatureCount, FeatureCount);
            Array.Copy(_targets, (long)index * TargetWidth, targets, (long)i * TargetWidth, TargetWidth);
        }

        return new Dataset(features, FeatureCount, targets, TargetWidth, ClassCount, _featureNames, validate: false);
    }

    /// <summary>A dataset with the same targets and the given features (same shape), used by transforms such as <see cref="Normalizer"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="features"/> does not have the length of <see cref="Features"/>.</exception>
    public Dataset WithFeatures(ReadOnlySpan<float> features)
    {
        Guard.Length(features.Length, _features.Length, nameof(features));
        return new Dataset(features.ToArray(), FeatureCount, _targets, TargetWidth, ClassCount, _featureNames, validate: false);
    }

    /// <summary>Wraps arrays that the caller hands over and will not change again (loaders, cleaning), after validating them.</summary>
    internal static Dataset Own(float[] features, int featureCount, float[] targets, int targetWidth, int? classCount, string[]? featureNames) =>
        new(features, featureCount, targets, targetWidth, classCount, featureNames, validate: true);

    /// <inheritdoc/>
    public override string ToString() =>
        $"{Count} samples of {FeatureCount} features" + (ClassCount is int classes ? $", {classes} classes" + (TargetWidth > 1 ? $", {TargetWidth} class targets each" : "") : $", {TargetWidth} target value(s)");

    private void CheckIndex(int index)
    {
        if ((uint)index >= (uint)Count)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"Expected a sample index in [0, {Count}), but got {index}.");
        }
    }

    private static void Validate(float[] features, int featureCount, float[] targets, int targetWidth, int? classCount, string[]? featureNames)
    {
        if (featureCount <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(featureCount), featureCount, $"Expected a positive number of features per sample, but got {featureCount}.");
        }

        if (targetWidth <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(targetWidth), targetWidth, $"Expected a positive number of targets per sample, but got {targetWidth}.");
        }

        if (features.Length % featureCount != 0)
        {
            throw new ArgumentException($"Expected whole samples of {featureCount} features, but got {features.Length} floats.", nameof(features));
        }

        long count = features.Length / featureCount;
        if (targets.Length != count * targetWidth)
        {
            throw new ArgumentException(
                $"Expected {count * targetWidth} targets ({count} samples of {targetWidth}), but got {targets.Length}.", nameof(targets));
        }

        if (featureNames is not null && featureNames.Length != featureCount)
        {
            throw new ArgumentException($"Expected {featureCount} feature names, but got {featureNames.Length}.", nameof(featureNames));
        }

        if (classCount is int classes)
        {
            if (classes < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(classCount), classes, $"Expected a positive number of classes, but got {classes}.");
            }

            for (int i = 0; i < targets.Length; i++)
            {
                float target = targets[i];
                if ((!(target >= 0f && target < classes) || target != MathF.Floor(target)) && !(targetWidth > 1 && target == IgnoredTarget))
                {
                    string which = targetWidth == 1 ? $"the target of sample {i}" : $"target {i % targetWidth} of sample {i / targetWidth}";
                    string ignored = targetWidth == 1 ? "" : $" (or {IgnoredTarget}, ignored)";
                    throw new ArgumentException($"Expected class indices 0 to {classes - 1} as whole numbers{ignored}, but {which} is {target}.", nameof(targets));
                }
            }
        }
    }
}
