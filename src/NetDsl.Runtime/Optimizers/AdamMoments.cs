using System;
using System.Numerics.Tensors;

namespace NetDsl;

/// <summary>
/// The state and the moment update shared by <see cref="Adam"/> and <see cref="AdamW"/>: PyTorch's
/// <c>_single_tensor_adam</c> after the weight-decay handling, vectorized over the flat span.
/// </summary>
internal sealed class AdamMoments
{
    private float[]? _firstMoment;
    private float[]? _secondMoment;
    private float[]? _maxSecondMoment;
    private float[]? _scratch;

    /// <summary>The number of steps taken since creation or the last <see cref="Reset"/>.</summary>
    public long StepCount { get; private set; }

    /// <summary>
    /// A buffer of <paramref name="length"/> floats for the effective gradient; part of the state, so allocated once.
    /// Calling it first also checks that the state fits <paramref name="length"/> before anything is modified.
    /// </summary>
    public Span<float> Scratch(int length, string optimizerName) => OptimizerChecks.State(ref _scratch, length, optimizerName);

    /// <summary>
    /// One Adam update of <paramref name="parameters"/> from the effective gradient <paramref name="gradient"/>
    /// (which may be the span returned by <see cref="Scratch"/>):
    /// <code>
    /// m = beta1 m + (1 - beta1) g;  v = beta2 v + (1 - beta2) g^2;  vmax = max(vmax, v) (AMSGrad)
    /// p = p - lr / (1 - beta1^t) * m / (sqrt(v or vmax) / sqrt(1 - beta2^t) + eps)
    /// </code>
    /// </summary>
    public void Update(Span<float> parameters, ReadOnlySpan<float> gradient, float learningRate, float beta1, float beta2, float epsilon, bool amsGrad, string optimizerName)
    {
        int length = parameters.Length;
        Span<float> m = OptimizerChecks.State(ref _firstMoment, length, optimizerName);
        Span<float> v = OptimizerChecks.State(ref _secondMoment, length, optimizerName);
        Span<float> vmax = amsGrad ? OptimizerChecks.State(ref _maxSecondMoment, length, optimizerName) : default;
        Span<float> scratch = Scratch(length, optimizerName);
        StepCount++;

        // m = lerp(m, g, 1 - beta1), as PyTorch's exp_avg.lerp_(grad, 1 - beta1).
        TensorPrimitives.Lerp(m, gradient, 1f - beta1, m);

        // v = beta2 v + (1 - beta2) g^2. The gradient is not needed afterwards, so its square may overwrite it when it lives in the scratch buffer.
        TensorPrimitives.Multiply(gradient, gradient, scratch);
        TensorPrimitives.Multiply(v, beta2, v);
        TensorPrimitives.MultiplyAdd(scratch, 1f - beta2, v, v);

        ReadOnlySpan<float> secondMoment = v;
        if (amsGrad)
        {
            TensorPrimitives.Max(vmax, v, vmax);
            secondMoment = vmax;
        }

        // The bias corrections in double precision, as PyTorch computes them in Python floats.
        double biasCorrection1 = 1.0 - Math.Pow(beta1, StepCount);
        double biasCorrection2Sqrt = Math.Sqrt(1.0 - Math.Pow(beta2, StepCount));
        float stepSize = (float)(learningRate / biasCorrection1);

        // denominator = sqrt(v) / sqrt(bias_correction2) + eps
        TensorPrimitives.Sqrt(secondMoment, scratch);
        TensorPrimitives.Multiply(scratch, (float)(1.0 / biasCorrection2Sqrt), scratch);
        TensorPrimitives.Add(scratch, epsilon, scratch);

        // p -= step_size * m / denominator
        TensorPrimitives.Divide(m, scratch, scratch);
        TensorPrimitives.MultiplyAdd(scratch, -stepSize, parameters, parameters);
    }

    /// <summary>Discards every moment estimate and the step count.</summary>
    public void Reset()
    {
        _firstMoment = null;
        _secondMoment = null;
        _maxSecondMoment = null;
        _scratch = null;
        StepCount = 0;
    }
}
