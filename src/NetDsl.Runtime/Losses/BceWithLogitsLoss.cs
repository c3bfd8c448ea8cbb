using System;
using System.Collections.Generic;

namespace NetDsl;

/// <summary>
/// Binary cross-entropy on logits, as PyTorch's <c>nn.BCEWithLogitsLoss(reduction, pos_weight)</c>, in its numerically
/// stable form: with logit <c>x</c>, target <c>y</c> in [0, 1] and positive weight <c>w</c> (1 by default),
/// <c>(1 − y) x + (1 + (w − 1) y) softplus(−x)</c>, where <c>softplus(z) = max(z, 0) + log(1 + exp(−|z|))</c>;
/// its derivative is <c>(1 − y) − (1 + (w − 1) y) sigmoid(−x)</c> (<c>sigmoid(x) − y</c> when <c>w = 1</c>).
/// </summary>
public sealed class BceWithLogitsLoss : ElementwiseLoss
{
    private readonly float[]? _positiveWeights;

    /// <summary>Creates the loss.</summary>
    /// <param name="reduction">The reduction (default: the mean over every element).</param>
    /// <param name="positiveWeights">
    /// Optional weights of the positive class, one per output (PyTorch's <c>pos_weight</c>); above 1 they favour recall.
    /// </param>
    /// <exception cref="ArgumentException">A positive weight is negative or not finite, or the list is empty.</exception>
    public BceWithLogitsLoss(LossReduction reduction = LossReduction.Mean, IReadOnlyList<float>? positiveWeights = null)
        : base(reduction)
    {
        if (positiveWeights is not null)
        {
            if (positiveWeights.Count == 0)
            {
                throw new ArgumentException("Expected one positive weight per output, but the list is empty.", nameof(positiveWeights));
            }

            _positiveWeights = new float[positiveWeights.Count];
            for (int i = 0; i < _positiveWeights.Length; i++)
            {
                float weight = positiveWeights[i];
                if (!(weight >= 0f && float.IsFinite(weight)))
                {
                    throw new ArgumentException($"Expected finite, non-negative positive weights, but positiveWeights[{i}] is {weight}.", nameof(positiveWeights));
                }

                _positiveWeights[i] = weight;
            }
        }
    }

    /// <summary>The weights of the positive class per output, or null when every weight is 1.</summary>
    public IReadOnlyList<float>? PositiveWeights => _positiveWeights;

    /// <inheritdoc/>
    public override TargetKind Targets => TargetKind.Binary;

    /// <inheritdoc/>
    public override int TargetSize(int outputSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outputSize);
        if (_positiveWeights is not null && _positiveWeights.Length != outputSize)
        {
            throw new ArgumentException($"Expected one positive weight per output ({outputSize}), but got {_positiveWeights.Length}.", nameof(outputSize));
        }

        return outputSize;
    }

    /// <inheritdoc/>
    protected override void CheckOperands(ReadOnlySpan<float> predictions, ReadOnlySpan<float> targets)
    {
        base.CheckOperands(predictions, targets);
        if (_positiveWeights is not null && predictions.Length % _positiveWeights.Length != 0)
        {
            throw new ArgumentException(
                $"Expected rows of {_positiveWeights.Length} logits (one per positive weight), but got {predictions.Length} predictions.",
                nameof(predictions));
        }

        for (int i = 0; i < targets.Length; i++)
        {
            float target = targets[i];
            if (!(target >= 0f && target <= 1f))
            {
                throw new ArgumentException($"Expected binary targets in [0, 1], but targets[{i}] is {target}.", nameof(targets));
            }
        }
    }

    /// <inheritdoc/>
    protected override double Evaluate(float prediction, float target, int index, out double derivative)
    {
        double x = prediction;
        double y = target;
        double logWeight = _positiveWeights is null ? 1.0 : 1.0 + (_positiveWeights[index % _positiveWeights.Length] - 1.0) * y;

        // softplus(-x) = log(1 + exp(-x)), stable for any x; sigmoid(-x) likewise.
        double softplusNegative = Math.Max(-x, 0.0) + Math.Log(1.0 + Math.Exp(-Math.Abs(x)));
        double sigmoidNegative = x >= 0 ? Math.Exp(-x) / (1.0 + Math.Exp(-x)) : 1.0 / (1.0 + Math.Exp(x));
        derivative = (1.0 - y) - logWeight * sigmoidNegative;
        return (1.0 - y) * x + logWeight * softplusNegative;
    }
}
