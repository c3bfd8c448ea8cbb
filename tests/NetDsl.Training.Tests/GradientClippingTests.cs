using System;
using Xunit;

namespace NetDsl.Training.Tests;

public class GradientClippingTests
{
    [Fact]
    public void Norm_clipping_scales_to_the_maximum_as_clip_grad_norm()
    {
        float[] g = [3f, 4f]; // norm 5
        float norm = GradientClipping.ClipByNorm(g, 1f);
        Assert.Equal(5f, norm);
        double coefficient = 1.0 / (5.0 + 1e-6);
        Assert.Equal(3 * coefficient, g[0], 6);
        Assert.Equal(4 * coefficient, g[1], 6);
    }

    [Fact]
    public void Norm_clipping_leaves_small_gradients_alone()
    {
        float[] g = [0.3f, 0.4f];
        Assert.Equal(0.5f, GradientClipping.ClipByNorm(g, 1f), 6);
        Assert.Equal([0.3f, 0.4f], g);
    }

    [Fact]
    public void Value_clipping_clamps_each_gradient()
    {
        float[] g = [-3f, 0.2f, 5f, -0.5f];
        GradientClipping.ClipByValue(g, 0.5f);
        Assert.Equal([-0.5f, 0.2f, 0.5f, -0.5f], g);
    }

    [Fact]
    public void Limits_must_be_positive_and_finite()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => GradientClipping.ClipByNorm(new float[2], 0f));
        Assert.Contains("Expected a positive, finite maximum norm, but got 0", error.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => GradientClipping.ClipByValue(new float[2], float.NaN));
    }
}
