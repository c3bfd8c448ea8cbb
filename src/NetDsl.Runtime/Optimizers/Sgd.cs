using System;
using System.Numerics.Tensors;

namespace NetDsl;

/// <summary>Plain stochastic gradient descent, as PyTorch's <c>torch.optim.SGD(params, lr)</c>: <c>p -= lr * g</c>.</summary>
public sealed class Sgd : IOptimizer
{
    /// <summary>Creates the optimizer.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="learningRate"/> is negative, infinite or NaN.</exception>
    public Sgd(float learningRate) => LearningRate = learningRate;

    /// <summary>The learning rate; a schedule may change it between steps.</summary>
    public float LearningRate
    {
        get;
        set
        {
            if (!float.IsFinite(value) || value < 0f)
            {
                throw new ArgumentOutOfRangeException(nameof(LearningRate), value, "Expected a finite, non-negative learning rate.");
            }

            field = value;
        }
    }

    /// <inheritdoc/>
    public void Step(Span<float> parameters, ReadOnlySpan<float> gradients)
    {
        Guard.Length(gradients.Length, parameters.Length, nameof(gradients));
        TensorPrimitives.MultiplyAdd(gradients, -LearningRate, parameters, parameters);
    }
}
