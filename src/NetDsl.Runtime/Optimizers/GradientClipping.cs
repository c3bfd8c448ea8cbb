using System;
using System.Numerics.Tensors;

namespace NetDsl;

/// <summary>Gradient clipping over a flat gradient span, as PyTorch's <c>torch.nn.utils.clip_grad_norm_</c> and <c>clip_grad_value_</c>.</summary>
public static class GradientClipping
{
    /// <summary>
    /// Scales <paramref name="gradients"/> so that their global L2 norm is at most <paramref name="maxNorm"/>, as
    /// <c>clip_grad_norm_(params, max_norm)</c>: with <c>n</c> the norm, every gradient is multiplied by
    /// <c>min(1, maxNorm / (n + 1e-6))</c>.
    /// </summary>
    /// <returns>The norm before clipping. When it is infinite or NaN the gradients are left as they are (a trainer reports them as divergence).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxNorm"/> is not positive and finite.</exception>
    public static float ClipByNorm(Span<float> gradients, float maxNorm)
    {
        if (!(maxNorm > 0f && float.IsFinite(maxNorm)))
        {
            throw new ArgumentOutOfRangeException(nameof(maxNorm), maxNorm, $"Expected a positive, finite maximum norm, but got {maxNorm}.");
        }

        float norm = TensorPrimitives.Norm(gradients);
        float coefficient = maxNorm / (norm + 1e-6f);
        if (coefficient < 1f)
        {
            TensorPrimitives.Multiply(gradients, coefficient, gradients);
        }

        return norm;
    }

    /// <summary>Clamps every gradient into [<c>-clipValue</c>, <c>clipValue</c>], as <c>clip_grad_value_(params, clip_value)</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="clipValue"/> is not positive and finite.</exception>
    public static void ClipByValue(Span<float> gradients, float clipValue)
    {
        if (!(clipValue > 0f && float.IsFinite(clipValue)))
        {
            throw new ArgumentOutOfRangeException(nameof(clipValue), clipValue, $"Expected a positive, finite clip value, but got {clipValue}.");
        }

        TensorPrimitives.Clamp(gradients, -clipValue, clipValue, gradients);
    }
}
