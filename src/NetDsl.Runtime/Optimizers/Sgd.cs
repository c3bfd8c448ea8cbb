using System;
using System.Numerics.Tensors;

namespace NetDsl;

/// <summary>
/// Stochastic gradient descent with optional momentum, dampening, Nesterov momentum and weight decay, exactly as
/// PyTorch's <c>torch.optim.SGD(params, lr, momentum=0, dampening=0, weight_decay=0, nesterov=False)</c>. For each
/// step <c>t</c>, with gradient <c>g</c>:
/// <code>
/// if weight_decay != 0:  g = g + weight_decay * p
/// if momentum != 0:
///     b = g                                  (t = 1)
///     b = momentum * b + (1 - dampening) * g (t &gt; 1)
///     g = nesterov ? g + momentum * b : b
/// p = p - lr * g
/// </code>
/// With the defaults this is plain <c>p -= lr * g</c>. The momentum buffer is allocated on the first step.
/// </summary>
public sealed class Sgd : IOptimizer
{
    private float[]? _momentumBuffer;
    private bool _hasMomentumBuffer;

    /// <summary>Creates plain SGD: <c>p -= learningRate * g</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="learningRate"/> is negative, infinite or NaN.</exception>
    public Sgd(float learningRate)
        : this(learningRate, momentum: 0f)
    {
    }

    /// <summary>Creates SGD with PyTorch's options; the defaults are PyTorch's.</summary>
    /// <param name="learningRate">The learning rate <c>lr</c>.</param>
    /// <param name="momentum">The momentum factor (PyTorch's <c>momentum</c>, default 0: no momentum).</param>
    /// <param name="dampening">The dampening of the momentum (default 0).</param>
    /// <param name="weightDecay">The L2 penalty added to the gradient, <c>weight_decay * p</c> (default 0).</param>
    /// <param name="nesterov">Whether to use Nesterov momentum; needs a positive momentum and zero dampening.</param>
    /// <exception cref="ArgumentOutOfRangeException">A hyperparameter is negative, infinite or NaN.</exception>
    /// <exception cref="ArgumentException"><paramref name="nesterov"/> is set without momentum or with dampening.</exception>
    public Sgd(float learningRate, float momentum = 0f, float dampening = 0f, float weightDecay = 0f, bool nesterov = false)
    {
        LearningRate = learningRate;
        Momentum = OptimizerChecks.NonNegative(momentum, nameof(momentum));
        Dampening = OptimizerChecks.NonNegative(dampening, nameof(dampening));
        WeightDecay = OptimizerChecks.NonNegative(weightDecay, nameof(weightDecay));
        if (nesterov && (momentum <= 0f || dampening != 0f))
        {
            throw new ArgumentException(
                $"Nesterov momentum requires a positive momentum and zero dampening, but got momentum {momentum} and dampening {dampening}.",
                nameof(nesterov));
        }

        Nesterov = nesterov;
    }

    /// <summary>The learning rate; a schedule may change it between steps.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value set is negative, infinite or NaN.</exception>
    public float LearningRate
    {
        get;
        set => field = OptimizerChecks.LearningRate(value, nameof(LearningRate));
    }

    /// <summary>The momentum factor (0: no momentum).</summary>
    public float Momentum { get; }

    /// <summary>The dampening of the momentum.</summary>
    public float Dampening { get; }

    /// <summary>The L2 penalty factor added to the gradient.</summary>
    public float WeightDecay { get; }

    /// <summary>Whether Nesterov momentum is used.</summary>
    public bool Nesterov { get; }

    /// <inheritdoc/>
    public void Step(Span<float> parameters, ReadOnlySpan<float> gradients)
    {
        int length = OptimizerChecks.Operands(parameters, gradients);
        float[]? buffer = Momentum != 0f ? OptimizerChecks.State(ref _momentumBuffer, length, nameof(Sgd)) : null;
        BlockedUpdate.Run(new Block(buffer, !_hasMomentumBuffer, LearningRate, Momentum, Dampening, WeightDecay, Nesterov), parameters, gradients);
        _hasMomentumBuffer = buffer is not null;
    }

    /// <inheritdoc/>
    public void Reset()
    {
        _momentumBuffer = null;
        _hasMomentumBuffer = false;
    }

    private readonly struct Block(float[]? momentumBuffer, bool firstStep, float learningRate, float momentum, float dampening, float weightDecay, bool nesterov) : IBlockUpdate
    {
        public void Update(Span<float> parameters, ReadOnlySpan<float> gradients, int offset)
        {
            int length = parameters.Length;
            ReadOnlySpan<float> g = gradients;
            if (weightDecay != 0f)
            {
                // The effective gradient needs a buffer of its own: the caller's gradients are read-only.
                Span<float> decayed = BlockedUpdate.Scratch(length);
                TensorPrimitives.MultiplyAdd(parameters, weightDecay, gradients, decayed);
                g = decayed;
            }

            if (momentumBuffer is not null)
            {
                Span<float> buffer = momentumBuffer.AsSpan(offset, length);
                if (firstStep)
                {
                    g.CopyTo(buffer);
                }
                else
                {
                    TensorPrimitives.Multiply(buffer, momentum, buffer);
                    TensorPrimitives.MultiplyAdd(g, 1f - dampening, buffer, buffer);
                }

                if (nesterov)
                {
                    Span<float> scratch = BlockedUpdate.Scratch(length);
                    TensorPrimitives.MultiplyAdd(buffer, momentum, g, scratch);
                    g = scratch;
                }
                else
                {
                    g = buffer;
                }
            }

            TensorPrimitives.MultiplyAdd(g, -learningRate, parameters, parameters);
        }
    }
}
