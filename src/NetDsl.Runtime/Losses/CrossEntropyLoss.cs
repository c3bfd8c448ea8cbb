using System;
using System.Collections.Generic;

namespace NetDsl;

/// <summary>
/// Cross-entropy from logits with class-index targets, as PyTorch's
/// <c>nn.CrossEntropyLoss(weight=None, reduction='mean', label_smoothing=0.0)</c>: a fused, numerically stable
/// log-softmax and negative log-likelihood. Each sample's predictions are <c>C</c> logits; its target is one float
/// holding the class index <c>0 … C−1</c> (see <see cref="TargetKind.ClassIndex"/>). With <c>classes: C</c>, each
/// sample's predictions are rows of <c>C</c> logits — a per-step head's <c>[T, C]</c> — each with its own target
/// (<c>T</c> targets per sample), as PyTorch's <c>loss(logits.view(-1, C), targets.view(-1))</c>; the mean is over
/// every row of the batch. A target equal to <see cref="IgnoreIndex"/> (PyTorch's <c>ignore_index</c>, −100) adds
/// nothing to the loss, its gradient row is zero, and it is left out of the mean.
/// </summary>
/// <remarks>
/// With log-probabilities <c>l = log_softmax(z)</c>, class weights <c>w</c> (all 1 by default), smoothing <c>ε</c> and
/// target <c>y</c>, the loss of sample <c>i</c> is
/// <c>(1 − ε) w[y] (−l[y]) + (ε / C) Σ_c w[c] (−l[c])</c>. The mean reduction divides the sum over the batch by
/// <c>Σ_i w[y_i]</c>, PyTorch's weighted mean (the batch size when there are no weights). The gradient with respect
/// to logit <c>k</c> is <c>((1 − ε) w[y] (p[k] − [k = y]) + (ε / C)(p[k] Σ_c w[c] − w[k])) / divisor</c>, with
/// <c>p = softmax(z)</c>.
/// </remarks>
public sealed class CrossEntropyLoss : ILoss, IChunkedLoss
{
    private readonly float[]? _classWeights;
    private readonly double _classWeightSum;

    /// <summary>Creates the loss; the defaults are PyTorch's.</summary>
    /// <param name="reduction">The reduction (default: the weighted mean over the batch).</param>
    /// <param name="labelSmoothing">The label smoothing <c>ε</c> in [0, 1] (default 0).</param>
    /// <param name="classWeights">Optional weight of each class (PyTorch's <c>weight</c>), finite and non-negative.</param>
    /// <param name="classes">
    /// Null (the default): one row of logits per sample, as wide as the network's output. A number <c>C</c>: the outputs
    /// are rows of <c>C</c> logits (a per-step head <c>[T, C]</c>), one target per row.
    /// </param>
    /// <param name="ignoreIndex">A target value that is skipped (PyTorch's <c>ignore_index</c>, default −100).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="labelSmoothing"/> is outside [0, 1], or <paramref name="classes"/> is below 2.</exception>
    /// <exception cref="ArgumentException">A class weight is negative or not finite, the list is empty, or its length is not <paramref name="classes"/>.</exception>
    public CrossEntropyLoss(LossReduction reduction = LossReduction.Mean, float labelSmoothing = 0f, IReadOnlyList<float>? classWeights = null, int? classes = null, int ignoreIndex = -100)
    {
        if (classes is < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(classes), classes, "Expected rows of at least 2 logits (one per class).");
        }

        if (classes is int rowWidth && classWeights is not null && classWeights.Count != rowWidth)
        {
            throw new ArgumentException($"Expected one class weight per class ({rowWidth}), but got {classWeights.Count}.", nameof(classWeights));
        }


        if (reduction is not (LossReduction.Mean or LossReduction.Sum))
        {
            throw new ArgumentOutOfRangeException(nameof(reduction), reduction, "Expected LossReduction.Mean or LossReduction.Sum.");
        }

        if (!(labelSmoothing >= 0f && labelSmoothing <= 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(labelSmoothing), labelSmoothing, $"Expected a label smoothing in [0, 1], but got {labelSmoothing}.");
        }

        if (classWeights is not null)
        {
            if (classWeights.Count == 0)
            {
                throw new ArgumentException("Expected one weight per class, but the list is empty.", nameof(classWeights));
            }

            _classWeights = new float[classWeights.Count];
            for (int c = 0; c < _classWeights.Length; c++)
            {
                float weight = classWeights[c];
                if (!(weight >= 0f && float.IsFinite(weight)))
                {
                    throw new ArgumentException($"Expected finite, non-negative class weights, but classWeights[{c}] is {weight}.", nameof(classWeights));
                }

                _classWeights[c] = weight;
                _classWeightSum += weight;
            }
        }

        Reduction = reduction;
        LabelSmoothing = labelSmoothing;
        Classes = classes;
        IgnoreIndex = ignoreIndex;
    }

    /// <inheritdoc/>
    public TargetKind Targets => TargetKind.ClassIndex;

    /// <inheritdoc/>
    public LossReduction Reduction { get; }

    /// <summary>The label smoothing <c>ε</c>.</summary>
    public float LabelSmoothing { get; }

    /// <summary>The weight of each class, or null when every class weighs 1.</summary>
    public IReadOnlyList<float>? ClassWeights => _classWeights;

    /// <summary>The width of each row of logits when the outputs are several rows per sample (a per-step head), else null.</summary>
    public int? Classes { get; }

    /// <summary>The target value that adds nothing to the loss (PyTorch's <c>ignore_index</c>).</summary>
    public int IgnoreIndex { get; }

    /// <inheritdoc/>
    public int TargetSize(int outputSize)
    {
        if (Classes is int classes)
        {
            if (outputSize <= 0 || outputSize % classes != 0)
            {
                throw new ArgumentException($"CrossEntropyLoss(classes: {classes}) expects the outputs in rows of {classes} logits, but the network has {outputSize} outputs, not a multiple of {classes}.", nameof(outputSize));
            }

            return outputSize / classes;
        }

        if (outputSize < 2)
        {
            throw new ArgumentException($"Cross-entropy needs at least 2 outputs (one logit per class), but the network has {outputSize}; use BceWithLogitsLoss for one output.", nameof(outputSize));
        }

        if (_classWeights is not null && _classWeights.Length != outputSize)
        {
            throw new ArgumentException($"Expected one class weight per output ({outputSize}), but got {_classWeights.Length}.", nameof(outputSize));
        }

        return 1;
    }

    /// <inheritdoc/>
    public float Compute(ReadOnlySpan<float> predictions, ReadOnlySpan<float> targets) => Run(predictions, targets, Span<float>.Empty, computeGradients: false);

    /// <inheritdoc/>
    public float ComputeWithGradient(ReadOnlySpan<float> predictions, ReadOnlySpan<float> targets, Span<float> gradients)
    {
        Guard.Length(gradients.Length, predictions.Length, nameof(gradients));
        return Run(predictions, targets, gradients, computeGradients: true);
    }

    /// <inheritdoc/>
    double IChunkedLoss.Scale(ReadOnlySpan<float> predictions, ReadOnlySpan<float> targets, int gradientLength)
    {
        Guard.Length(gradientLength, predictions.Length, "gradients");
        return Scale(targets, ClassCount(predictions, targets));
    }

    /// <inheritdoc/>
    void IChunkedLoss.Rows(ReadOnlySpan<float> predictions, ReadOnlySpan<float> targets, Span<float> gradients, double scale, int first, int count, Span<double> losses)
    {
        int classes = predictions.Length / targets.Length;
        double weightSum = _classWeights is null ? classes : _classWeightSum;
        for (int i = first; i < first + count; i++)
        {
            losses[i] = Row(predictions, targets, gradients, i, classes, weightSum, scale, computeGradients: true);
        }
    }

    private float Run(ReadOnlySpan<float> predictions, ReadOnlySpan<float> targets, Span<float> gradients, bool computeGradients)
    {
        int classes = ClassCount(predictions, targets);
        double weightSum = _classWeights is null ? classes : _classWeightSum;
        double scale = Scale(targets, classes);
        double total = 0;
        for (int i = 0; i < targets.Length; i++)
        {
            total += Row(predictions, targets, gradients, i, classes, weightSum, scale, computeGradients);
        }

        return (float)(total * scale);
    }

    /// <summary>
    /// The reduction's scale: 1 over the sum of the targets' weights for the mean (targets validated first; ignored
    /// targets weigh nothing, so a batch of only ignored targets has a mean of NaN, as in PyTorch), else 1.
    /// </summary>
    private double Scale(ReadOnlySpan<float> targets, int classes)
    {
        // The divisor of the mean: the sum of the targets' weights (PyTorch's weighted mean), validated targets first.
        double divisor = 0;
        for (int i = 0; i < targets.Length; i++)
        {
            int target = TargetClass(targets, i, classes);
            divisor += target < 0 ? 0.0 : Weight(target);
        }

        return Reduction == LossReduction.Mean ? 1.0 / divisor : 1.0;
    }

    /// <summary>The unscaled loss of row <paramref name="i"/> (its target's); writes its gradient row (scaled) when asked.</summary>
    private double Row(ReadOnlySpan<float> predictions, ReadOnlySpan<float> targets, Span<float> gradients, int i, int classes, double weightSum, double scale, bool computeGradients)
    {
        double smoothing = LabelSmoothing;
        ReadOnlySpan<float> logits = predictions.Slice(i * classes, classes);
        if (targets[i] == IgnoreIndex)
        {
            if (computeGradients)
            {
                gradients.Slice(i * classes, classes).Clear();
            }

            return 0;
        }

        int target = (int)targets[i];

        // log-sum-exp, shifted by the maximum logit so that no exponential overflows.
        float max = logits[0];
        for (int c = 1; c < classes; c++)
        {
            max = float.IsNaN(logits[c]) ? logits[c] : MathF.Max(max, logits[c]);
        }

        double sumExp = 0;
        for (int c = 0; c < classes; c++)
        {
            sumExp += Math.Exp((double)logits[c] - max);
        }

        double logSumExp = max + Math.Log(sumExp);
        double targetWeight = Weight(target);
        double loss = (1.0 - smoothing) * targetWeight * (logSumExp - logits[target]);
        if (smoothing != 0)
        {
            double smoothed = 0;
            for (int c = 0; c < classes; c++)
            {
                smoothed += Weight(c) * (logSumExp - logits[c]);
            }

            loss += smoothing / classes * smoothed;
        }

        if (computeGradients)
        {
            Span<float> row = gradients.Slice(i * classes, classes);
            for (int c = 0; c < classes; c++)
            {
                double probability = Math.Exp(logits[c] - logSumExp);
                double gradient = (1.0 - smoothing) * targetWeight * (probability - (c == target ? 1.0 : 0.0));
                if (smoothing != 0)
                {
                    gradient += smoothing / classes * (probability * weightSum - Weight(c));
                }

                row[c] = (float)(gradient * scale);
            }
        }

        return loss;
    }

    private double Weight(int c) => _classWeights is null ? 1.0 : _classWeights[c];

    private int ClassCount(ReadOnlySpan<float> predictions, ReadOnlySpan<float> targets)
    {
        if (targets.IsEmpty)
        {
            throw new ArgumentException(Classes is null ? "Expected one class index per sample, but the targets are empty." : "Expected one class index per row of logits, but the targets are empty.", nameof(targets));
        }

        if (predictions.Length % targets.Length != 0 || predictions.Length / targets.Length < 2)
        {
            throw new ArgumentException(
                $"Expected at least 2 logits per sample for {targets.Length} class-index targets (a multiple of {targets.Length}), but got {predictions.Length} predictions.",
                nameof(predictions));
        }

        int classes = predictions.Length / targets.Length;
        if (Classes is int rowWidth && classes != rowWidth)
        {
            throw new ArgumentException(
                $"CrossEntropyLoss(classes: {rowWidth}) expects one target per row of {rowWidth} logits: {predictions.Length / rowWidth} targets for {predictions.Length} predictions, but got {targets.Length}.",
                nameof(targets));
        }

        if (_classWeights is not null && _classWeights.Length != classes)
        {
            throw new ArgumentException($"Expected {_classWeights.Length} logits per sample (one per class weight), but got {classes}.", nameof(predictions));
        }

        return classes;
    }

    /// <summary>The class of target <paramref name="index"/>, checked, or −1 for the ignored index.</summary>
    private int TargetClass(ReadOnlySpan<float> targets, int index, int classes)
    {
        float target = targets[index];
        if (target == IgnoreIndex)
        {
            return -1;
        }

        if (!(target >= 0f && target < classes) || target != MathF.Floor(target))
        {
            throw new ArgumentException($"Expected class indices 0 to {classes - 1} as whole numbers (or the ignored index {IgnoreIndex}), but targets[{index}] is {target}.", "targets");
        }

        return (int)target;
    }
}
