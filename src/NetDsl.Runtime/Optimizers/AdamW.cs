using System;
using System.Numerics.Tensors;

namespace NetDsl;

/// <summary>
/// AdamW, Adam with decoupled weight decay, exactly as PyTorch's
/// <c>torch.optim.AdamW(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False)</c>.
/// Each step first shrinks the parameters, <c>p = p * (1 - lr * weight_decay)</c>, then applies the
/// <see cref="Adam"/> update with the unmodified gradient.
/// </summary>
public sealed class AdamW : IOptimizer
{
    private readonly AdamMoments _moments = new();

    /// <summary>Creates the optimizer; every default is PyTorch's (note the weight decay of 0.01).</summary>
    /// <param name="learningRate">The learning rate <c>lr</c> (default 1e-3).</param>
    /// <param name="beta1">The decay of the first-moment estimate (default 0.9).</param>
    /// <param name="beta2">The decay of the second-moment estimate (default 0.999).</param>
    /// <param name="epsilon">The term added to the denominator (default 1e-8).</param>
    /// <param name="weightDecay">The decoupled weight decay (default 1e-2).</param>
    /// <param name="amsGrad">Whether to use the AMSGrad variant (default false).</param>
    /// <exception cref="ArgumentOutOfRangeException">A hyperparameter is out of its range: betas in [0, 1), the others finite and non-negative.</exception>
    public AdamW(float learningRate = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-8f, float weightDecay = 1e-2f, bool amsGrad = false)
    {
        LearningRate = learningRate;
        Beta1 = OptimizerChecks.UnitInterval(beta1, nameof(beta1));
        Beta2 = OptimizerChecks.UnitInterval(beta2, nameof(beta2));
        Epsilon = OptimizerChecks.NonNegative(epsilon, nameof(epsilon));
        WeightDecay = OptimizerChecks.NonNegative(weightDecay, nameof(weightDecay));
        AmsGrad = amsGrad;
    }

    /// <summary>The learning rate; a schedule may change it between steps.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value set is negative, infinite or NaN.</exception>
    public float LearningRate
    {
        get;
        set => field = OptimizerChecks.LearningRate(value, nameof(LearningRate));
    }

    /// <summary>The decay of the first-moment estimate.</summary>
    public float Beta1 { get; }

    /// <summary>The decay of the second-moment estimate.</summary>
    public float Beta2 { get; }

    /// <summary>The term added to the denominator for numerical stability.</summary>
    public float Epsilon { get; }

    /// <summary>The decoupled weight decay factor.</summary>
    public float WeightDecay { get; }

    /// <summary>Whether the AMSGrad variant is used.</summary>
    public bool AmsGrad { get; }

    /// <summary>The number of steps taken since creation or the last <see cref="Reset"/>.</summary>
    public long StepCount => _moments.StepCount;

    /// <inheritdoc/>
    public void Step(Span<float> parameters, ReadOnlySpan<float> gradients) =>
        _moments.Step(parameters, gradients, decoupledScale: (float)(1.0 - (double)LearningRate * WeightDecay), coupledDecay: 0f, LearningRate, Beta1, Beta2, Epsilon, AmsGrad, nameof(AdamW));

    /// <inheritdoc/>
    public void Reset() => _moments.Reset();
}
