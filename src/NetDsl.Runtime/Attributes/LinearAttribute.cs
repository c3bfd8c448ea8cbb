using System;

namespace NetDsl;

/// <summary>
/// A fully connected layer, <c>y = x W^T + b</c>, as PyTorch's <c>nn.Linear</c>: <c>weight</c> is
/// <c>[out, in]</c> row-major and <c>bias</c> is <c>[out]</c>, both initialized uniform in
/// <c>±1/sqrt(in)</c>. It needs a one-dimensional input.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class LinearAttribute : LayerAttribute
{
    /// <summary>A layer with <paramref name="outFeatures"/> outputs; its input size is inferred.</summary>
    public LinearAttribute(int outFeatures) => OutFeatures = outFeatures;

    /// <summary>A layer mapping <paramref name="inFeatures"/> inputs to <paramref name="outFeatures"/> outputs; the input size is checked at compile time.</summary>
    public LinearAttribute(int inFeatures, int outFeatures)
    {
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
    }

    /// <summary>The declared input size, or <see langword="null"/> when it is inferred.</summary>
    public int? InFeatures { get; }

    /// <summary>The number of outputs.</summary>
    public int OutFeatures { get; }

    /// <summary>Whether the layer has a bias (PyTorch's <c>bias=True</c>, the default).</summary>
    public bool Bias { get; set; } = true;
}
