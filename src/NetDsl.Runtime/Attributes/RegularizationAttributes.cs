using System;

namespace NetDsl;

/// <summary>
/// Dropout, as PyTorch's <c>nn.Dropout(p)</c>: during <c>ForwardTraining</c> each element is zeroed with probability
/// <c>p</c> and the others are scaled by <c>1/(1-p)</c>; inference passes values through unchanged. The mask is drawn
/// from a generator seeded with the network's seed, so runs repeat exactly.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class DropoutAttribute : LayerAttribute
{
    /// <summary>Dropout with probability <paramref name="p"/> (PyTorch's default is 0.5).</summary>
    public DropoutAttribute(double p = 0.5) => P = p;

    /// <summary>The probability of zeroing an element, in [0, 1).</summary>
    public double P { get; }
}

/// <summary>
/// Batch normalization over the features of <c>[C]</c> or the channels of <c>[C, L]</c>, as PyTorch's
/// <c>nn.BatchNorm1d</c>: <c>weight</c> (1) and <c>bias</c> (0) of shape <c>[C]</c>, buffers <c>running_mean</c> (0) and
/// <c>running_var</c> (1). Training normalizes with the batch's biased variance and updates the running statistics
/// with its unbiased variance; inference uses the running statistics.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class BatchNorm1DAttribute : LayerAttribute
{
    /// <summary>Added to the variance for stability (default 1e-5).</summary>
    public double Eps { get; set; } = 1e-5;

    /// <summary>The weight of the newest batch in the running statistics (default 0.1).</summary>
    public double Momentum { get; set; } = 0.1;

    /// <summary>Whether the layer has the learnable <c>weight</c> and <c>bias</c> (default true).</summary>
    public bool Affine { get; set; } = true;
}

/// <summary>Batch normalization over the channels of <c>[C, H, W]</c>, as PyTorch's <c>nn.BatchNorm2d</c>; see <see cref="BatchNorm1DAttribute"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class BatchNorm2DAttribute : LayerAttribute
{
    /// <summary>Added to the variance for stability (default 1e-5).</summary>
    public double Eps { get; set; } = 1e-5;

    /// <summary>The weight of the newest batch in the running statistics (default 0.1).</summary>
    public double Momentum { get; set; } = 0.1;

    /// <summary>Whether the layer has the learnable <c>weight</c> and <c>bias</c> (default true).</summary>
    public bool Affine { get; set; } = true;
}

/// <summary>
/// Layer normalization over each whole sample, as PyTorch's <c>nn.LayerNorm(sample_shape)</c>: per-sample mean and biased
/// variance, then <c>weight</c> (1) and <c>bias</c> (0) of the sample's shape.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class LayerNormAttribute : LayerAttribute
{
    /// <summary>Added to the variance for stability (default 1e-5).</summary>
    public double Eps { get; set; } = 1e-5;

    /// <summary>Whether the layer has the learnable <c>weight</c> and <c>bias</c> (default true).</summary>
    public bool ElementwiseAffine { get; set; } = true;
}
