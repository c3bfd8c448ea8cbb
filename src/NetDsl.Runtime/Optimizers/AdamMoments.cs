using System;
using System.Numerics.Tensors;

namespace NetDsl;

/// <summary>
/// The state and the update shared by <see cref="Adam"/> and <see cref="AdamW"/>: PyTorch's <c>_single_tensor_adam</c>,
/// vectorized over the flat span block by block (<see cref="BlockedUpdate"/>).
/// </summary>
internal sealed class AdamMoments
{
    private float[]? _firstMoment;
    private float[]? _secondMoment;
    private float[]? _maxSecondMoment;

    /// <summary>The number of steps taken since creation or the last <see cref="Reset"/>.</summary>
    public long StepCount { get; private set; }

    /// <summary>
    /// One step of <paramref name="parameters"/> from <paramref name="gradients"/>:
    /// <code>
    /// p = decoupledScale * p                               (AdamW's weight decay, when the scale is not 1)
    /// g = g + coupledDecay * p                             (Adam's weight decay, when not 0)
    /// m = beta1 m + (1 - beta1) g;  v = beta2 v + (1 - beta2) g^2;  vmax = max(vmax, v) (AMSGrad)
    /// p = p - lr / (1 - beta1^t) * m / (sqrt(v or vmax) / sqrt(1 - beta2^t) + eps)
    /// </code>
    /// The state's length is checked against <paramref name="parameters"/> before anything changes.
    /// </summary>
    public void Step(Span<float> parameters, ReadOnlySpan<float> gradients, float decoupledScale, float coupledDecay, float learningRate, float beta1, float beta2, float epsilon, bool amsGrad, string optimizerName)
    {
        int length = OptimizerChecks.Operands(parameters, gradients);
        float[] m = OptimizerChecks.State(ref _firstMoment, length, optimizerName);
        float[] v = OptimizerChecks.State(ref _secondMoment, length, optimizerName);
        float[]? vmax = amsGrad ? OptimizerChecks.State(ref _maxSecondMoment, length, optimizerName) : null;
        StepCount++;

        // The bias corrections in double precision, as PyTorch computes them in Python floats.
        double biasCorrection1 = 1.0 - Math.Pow(beta1, StepCount);
        double biasCorrection2Sqrt = Math.Sqrt(1.0 - Math.Pow(beta2, StepCount));
        var block = new Block(m, v, vmax, decoupledScale, coupledDecay, beta1, beta2, epsilon,
            (float)(learningRate / biasCorrection1), (float)(1.0 / biasCorrection2Sqrt));
        BlockedUpdate.Run(block, parameters, gradients);
    }

    /// <summary>Forgets the moment estimates and the step count.</summary>
    public void Reset()
    {
        _firstMoment = null;
        _secondMoment = null;
        _maxSecondMoment = null;
        StepCount = 0;
    }

    private readonly struct Block(float[] firstMoment, float[] secondMoment, float[]? maxSecondMoment, float decoupledScale, float coupledDecay,
        float beta1, float beta2, float epsilon, float stepSize, float inverseBiasCorrection2Sqrt) : IBlockUpdate
    {
        public void Update(Span<float> parameters, ReadOnlySpan<float> gradients, int offset)
        {
            int length = parameters.Length;
            Span<float> m = firstMoment.AsSpan(offset, length);
            Span<float> v = secondMoment.AsSpan(offset, length);
            Span<float> scratch = BlockedUpdate.Scratch(length);
            if (decoupledScale != 1f)
            {
                TensorPrimitives.Multiply(parameters, decoupledScale, parameters);
            }

            ReadOnlySpan<float> g = gradients;
            if (coupledDecay != 0f)
            {
                TensorPrimitives.MultiplyAdd(parameters, coupledDecay, gradients, scratch);
                g = scratch;
            }

            // m = lerp(m, g, 1 - beta1), as PyTorch's exp_avg.lerp_(grad, 1 - beta1).
            TensorPrimitives.Lerp(m, g, 1f - beta1, m);

            // v = beta2 v + (1 - beta2) g^2. The gradient is not needed afterwards, so its square may overwrite it when it lives in the scratch buffer.
            TensorPrimitives.Multiply(g, g, scratch);
            TensorPrimitives.Multiply(v, beta2, v);
            TensorPrimitives.MultiplyAdd(scratch, 1f - beta2, v, v);

            ReadOnlySpan<float> secondMomentUsed = v;
            if (maxSecondMoment is not null)
            {
                Span<float> vmax = maxSecondMoment.AsSpan(offset, length);
                TensorPrimitives.Max(vmax, v, vmax);
                secondMomentUsed = vmax;
            }

            // denominator = sqrt(v) / sqrt(bias_correction2) + eps
            TensorPrimitives.Sqrt(secondMomentUsed, scratch);
            TensorPrimitives.Multiply(scratch, inverseBiasCorrection2Sqrt, scratch);
            TensorPrimitives.Add(scratch, epsilon, scratch);

            // p -= step_size * m / denominator
            TensorPrimitives.Divide(m, scratch, scratch);
            TensorPrimitives.MultiplyAdd(scratch, -stepSize, parameters, parameters);
        }
    }
}
