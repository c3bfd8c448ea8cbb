using System;
using System.Numerics.Tensors;

namespace NetDsl;

/// <summary>
/// RMSprop, exactly as PyTorch's
/// <c>torch.optim.RMSprop(params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False)</c>.
/// For each step, with gradient <c>g</c>:
/// <code>
/// if weight_decay != 0:  g = g + weight_decay * p
/// v = alpha * v + (1 - alpha) * g^2
/// if centered:  a = alpha * a + (1 - alpha) * g;  d = sqrt(v - a^2) + eps   else d = sqrt(v) + eps
/// if momentum &gt; 0:  b = momentum * b + g / d;  p = p - lr * b
/// else:              p = p - lr * g / d
/// </code>
/// The state is allocated on the first step; later steps allocate nothing.
/// </summary>
public sealed class RmsProp : IOptimizer
{
    private float[]? _squareAverage;
    private float[]? _gradientAverage;
    private float[]? _momentumBuffer;

    /// <summary>Creates the optimizer; every default is PyTorch's.</summary>
    /// <param name="learningRate">The learning rate <c>lr</c> (default 1e-2).</param>
    /// <param name="alpha">The smoothing constant of the running averages (default 0.99).</param>
    /// <param name="epsilon">The term added to the denominator (default 1e-8).</param>
    /// <param name="weightDecay">The L2 penalty added to the gradient (default 0).</param>
    /// <param name="momentum">The momentum factor (default 0).</param>
    /// <param name="centered">Whether to normalize by an estimate of the gradient's variance instead of its second moment (default false).</param>
    /// <exception cref="ArgumentOutOfRangeException">A hyperparameter is negative, infinite or NaN.</exception>
    public RmsProp(float learningRate = 1e-2f, float alpha = 0.99f, float epsilon = 1e-8f, float weightDecay = 0f, float momentum = 0f, bool centered = false)
    {
        LearningRate = learningRate;
        Alpha = OptimizerChecks.NonNegative(alpha, nameof(alpha));
        Epsilon = OptimizerChecks.NonNegative(epsilon, nameof(epsilon));
        WeightDecay = OptimizerChecks.NonNegative(weightDecay, nameof(weightDecay));
        Momentum = OptimizerChecks.NonNegative(momentum, nameof(momentum));
        Centered = centered;
    }

    /// <summary>The learning rate; a schedule may change it between steps.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value set is negative, infinite or NaN.</exception>
    public float LearningRate
    {
        get;
        set => field = OptimizerChecks.LearningRate(value, nameof(LearningRate));
    }

    /// <summary>The smoothing constant of the running averages.</summary>
    public float Alpha { get; }

    /// <summary>The term added to the denominator for numerical stability.</summary>
    public float Epsilon { get; }

    /// <summary>The L2 penalty factor added to the gradient.</summary>
    public float WeightDecay { get; }

    /// <summary>The momentum factor (0: no momentum).</summary>
    public float Momentum { get; }

    /// <summary>Whether the centered variant is used.</summary>
    public bool Centered { get; }

    /// <inheritdoc/>
    public void Step(Span<float> parameters, ReadOnlySpan<float> gradients)
    {
        int length = OptimizerChecks.Operands(parameters, gradients);
        float[] squareAverage = OptimizerChecks.State(ref _squareAverage, length, nameof(RmsProp));
        float[]? gradientAverage = Centered ? OptimizerChecks.State(ref _gradientAverage, length, nameof(RmsProp)) : null;
        float[]? momentumBuffer = Momentum > 0f ? OptimizerChecks.State(ref _momentumBuffer, length, nameof(RmsProp)) : null;
        BlockedUpdate.Run(new Block(squareAverage, gradientAverage, momentumBuffer, LearningRate, Alpha, Epsilon, WeightDecay, Momentum), parameters, gradients);
    }

    /// <inheritdoc/>
    public void Reset()
    {
        _squareAverage = null;
        _gradientAverage = null;
        _momentumBuffer = null;
    }

    private readonly struct Block(float[] squareAverages, float[]? gradientAverages, float[]? momentumBuffer, float learningRate, float alpha, float epsilon, float weightDecay, float momentum) : IBlockUpdate
    {
        public void Update(Span<float> parameters, ReadOnlySpan<float> gradients, int offset)
        {
            int length = parameters.Length;
            Span<float> squareAverage = squareAverages.AsSpan(offset, length);
            Span<float> scratch = BlockedUpdate.Scratch(length, count: 2);
            Span<float> denominator = scratch.Slice(0, length);
            ReadOnlySpan<float> g = gradients;
            if (weightDecay != 0f)
            {
                Span<float> decayed = scratch.Slice(length, length);
                TensorPrimitives.MultiplyAdd(parameters, weightDecay, gradients, decayed);
                g = decayed;
            }

            // v = alpha v + (1 - alpha) g^2, as PyTorch's square_avg.mul_(alpha).addcmul_(grad, grad, value=1 - alpha).
            TensorPrimitives.Multiply(g, g, denominator);
            TensorPrimitives.Multiply(squareAverage, alpha, squareAverage);
            TensorPrimitives.MultiplyAdd(denominator, 1f - alpha, squareAverage, squareAverage);

            if (gradientAverages is not null)
            {
                // a = lerp(a, g, 1 - alpha); d = sqrt(v - a^2) + eps
                Span<float> gradientAverage = gradientAverages.AsSpan(offset, length);
                TensorPrimitives.Lerp(gradientAverage, g, 1f - alpha, gradientAverage);
                TensorPrimitives.Multiply(gradientAverage, gradientAverage, denominator);
                TensorPrimitives.Subtract(squareAverage, denominator, denominator);
                TensorPrimitives.Sqrt(denominator, denominator);
            }
            else
            {
                TensorPrimitives.Sqrt(squareAverage, denominator);
            }

            TensorPrimitives.Add(denominator, epsilon, denominator);

            // denominator becomes g / d.
            TensorPrimitives.Divide(g, denominator, denominator);
            if (momentumBuffer is not null)
            {
                // b = momentum b + g / d; p -= lr b
                Span<float> buffer = momentumBuffer.AsSpan(offset, length);
                TensorPrimitives.MultiplyAdd(buffer, momentum, denominator, buffer);
                TensorPrimitives.MultiplyAdd(buffer, -learningRate, parameters, parameters);
            }
            else
            {
                TensorPrimitives.MultiplyAdd(denominator, -learningRate, parameters, parameters);
            }
        }
    }
}
