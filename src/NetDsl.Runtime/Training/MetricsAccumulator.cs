using System;
using System.Numerics.Tensors;

namespace NetDsl;

/// <summary>
/// Accumulates the loss and the task's metrics over the batches of an epoch or an evaluation, without allocating
/// after construction.
/// </summary>
internal sealed class MetricsAccumulator
{
    private readonly TargetKind _targets;
    private readonly int _outputSize;
    private readonly int _classes;
    private readonly int? _ignoredClass;
    private readonly ConfusionMatrix? _confusion;
    private double _weightedLoss;
    private double _absoluteError;
    private double _squaredError;
    private long _elements;

    /// <summary>
    /// Metrics for <paramref name="targets"/> on <paramref name="outputSize"/> outputs per sample; class indices are
    /// read against rows of <paramref name="classes"/> logits (the whole output, or each step of a per-step head), and a
    /// target equal to <paramref name="ignoredClass"/> is not counted.
    /// </summary>
    public MetricsAccumulator(TargetKind targets, int outputSize, int classes, int? ignoredClass)
    {
        _targets = targets;
        _outputSize = outputSize;
        _classes = classes;
        _ignoredClass = ignoredClass;
        _confusion = targets switch
        {
            TargetKind.ClassIndex => new ConfusionMatrix(classes),
            TargetKind.Binary => new ConfusionMatrix(2),
            _ => null,
        };
    }

    /// <summary>The number of samples added.</summary>
    public int Count { get; private set; }

    /// <summary>The mean of the batch losses, weighted by batch size.</summary>
    public double Loss => Count == 0 ? double.NaN : _weightedLoss / Count;

    /// <summary>The accuracy so far, or null for regression.</summary>
    public double? Accuracy => _confusion?.Accuracy;

    public void Reset()
    {
        _confusion?.Clear();
        _weightedLoss = 0;
        _absoluteError = 0;
        _squaredError = 0;
        _elements = 0;
        Count = 0;
    }

    /// <summary>Adds a batch of <paramref name="count"/> samples: its loss, outputs and targets.</summary>
    public void Add(float loss, ReadOnlySpan<float> outputs, ReadOnlySpan<float> targets, int count)
    {
        _weightedLoss += (double)loss * count;
        Count += count;
        switch (_targets)
        {
            case TargetKind.ClassIndex:
                for (int row = 0; row < count * (_outputSize / _classes); row++)
                {
                    if (targets[row] == _ignoredClass)
                    {
                        continue;
                    }

                    int predicted = TensorPrimitives.IndexOfMax(outputs.Slice(row * _classes, _classes));
                    _confusion!.Add((int)targets[row], predicted < 0 ? 0 : predicted);
                }

                break;
            case TargetKind.Binary:
                for (int i = 0; i < outputs.Length; i++)
                {
                    _confusion!.Add(targets[i] >= 0.5f ? 1 : 0, outputs[i] > 0f ? 1 : 0);
                }

                break;
            default:
                for (int i = 0; i < outputs.Length; i++)
                {
                    double difference = (double)outputs[i] - targets[i];
                    _absoluteError += Math.Abs(difference);
                    _squaredError += difference * difference;
                }

                _elements += outputs.Length;
                break;
        }
    }

    /// <summary>The metrics accumulated so far (allocates the result).</summary>
    public EvaluationMetrics ToMetrics()
    {
        double? mae = _confusion is null ? _absoluteError / _elements : null;
        double? rmse = _confusion is null ? Math.Sqrt(_squaredError / _elements) : null;
        return new EvaluationMetrics(Count, Loss, _confusion?.Clone(), mae, rmse);
    }
}
