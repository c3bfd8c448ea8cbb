using System;
using System.Numerics.Tensors;

namespace NetDsl;

/// <summary>
/// Adam, exactly as PyTorch's <c>torch.optim.Adam(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False)</c>.
/// For each step <c>t</c> (from 1), with gradient <c>g</c>:
/// <code>
/// if weight_decay != 0:  g = g + weight_decay * p          (L2 penalty, coupled: see AdamW for the decoupled form)
/// m = beta1 * m + (1 - beta1) * g
/// v = beta2 * v + (1 - beta2) * g^2
/// if amsgrad:  vmax = max(vmax, v);  v' = vmax  else v' = v
/// p = p - lr / (1 - beta1^t) * m / (sqrt(v') / sqrt(1 - beta2^t) + eps)
/// </code>
/// The moment estimates are allocated on the first step; later steps allocate nothing.
/// </summary>
public sealed class Adam : IOptimizer
{
    private readonly AdamMoments _moments = new();

    /// <summary>Creates the optimizer; every default is PyTorch's.</summary>
    /// <param name="learningRate">The learning rate <c>lr</c> (default 1e-3).</param>
    /// <param name="beta1">The decay of the first-moment estimate (default 0.9).</param>
    /// <param name="beta2">The decay of the second-moment estimate (default 0.999).</param>
    /// <param name="epsilon">The term added to the denominator (default 1e-8).</param>
    /// <param name="weightDecay">The L2 penalty added to the gradient (default 0).</param>
    /// <param name="amsGrad">Whether to use the AMSGrad variant, which divides by the running maximum of <c>v</c> (default false).</param>
    /// <exception cref="ArgumentOutOfRangeException">A hyperparameter is out of its range: betas in [0, 1), the others finite and non-negative.</exception>
    public Adam(float learningRate = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-8f, float weightDecay = 0f, bool amsGrad = false)
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

    /// <summary>The L2 penalty factor added to the gradient.</summary>
    public float WeightDecay { get; }

    /// <summary>Whether the AMSGrad variant is used.</summary>
    public bool AmsGrad { get; }

    /// <summary>The number of steps taken since creation or the last <see cref="Reset"/>.</summary>
    public long StepCount => _moments.StepCount;

    /// <inheritdoc/>
    public void Step(Span<float> parameters, ReadOnlySpan<float> gradients) =>
        _moments.Step(parameters, gradients, decoupledScale: 1f, coupledDecay: WeightDecay, LearningRate, Beta1, Beta2, Epsilon, AmsGrad, nameof(Adam));

    /// <inheritdoc/>
    public void Reset() => _moments.Reset();
}
