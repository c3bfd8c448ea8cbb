using System.Collections.Generic;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Catalog;

/// <summary>
/// The one place that lists NetDsl's layer kinds and what the generator knows about each (<see cref="LayerDescriptor"/>).
/// Adding a layer: its attribute in the runtime, its <see cref="LayerKind"/>, one line here (and, for a new family, a
/// descriptor class), its kernels, its ONNX translation, tests and docs (see docs/architecture.md).
/// </summary>
internal static class LayerCatalog
{
    private static readonly LayerDescriptor[] Descriptors =
    {
        new LinearDescriptor(),
        new ConvolutionDescriptor(LayerKind.Conv1D),
        new ConvolutionDescriptor(LayerKind.Conv2D),
        new PoolDescriptor(LayerKind.MaxPool1D),
        new PoolDescriptor(LayerKind.MaxPool2D),
        new PoolDescriptor(LayerKind.AvgPool1D),
        new PoolDescriptor(LayerKind.AvgPool2D),
        new GlobalAvgPoolDescriptor(),
        new ShapeOnlyDescriptor(LayerKind.Flatten),
        new ShapeOnlyDescriptor(LayerKind.Reshape),
        new DropoutDescriptor(),
        new NormalizationDescriptor(LayerKind.BatchNorm1D),
        new NormalizationDescriptor(LayerKind.BatchNorm2D),
        new NormalizationDescriptor(LayerKind.LayerNorm),
        new IdentityDescriptor(),
        new ActivationDescriptor(LayerKind.ReLU, backwardFromOutput: true),
        new ActivationDescriptor(LayerKind.Sigmoid, backwardFromOutput: true, kernelMatchesScalar: false),
        new ActivationDescriptor(LayerKind.Tanh, backwardFromOutput: true, kernelMatchesScalar: false),
        new ActivationDescriptor(LayerKind.LeakyReLU, backwardFromOutput: false, new ActivationParameter("NegativeSlope", 0.01, Positional: true)),
        new ActivationDescriptor(LayerKind.ELU, backwardFromOutput: false, new ActivationParameter("Alpha", 1.0, Positional: true)),
        new GeluDescriptor(),
        new ActivationDescriptor(LayerKind.SiLU, backwardFromOutput: false, kernelMatchesScalar: false),
        new ActivationDescriptor(LayerKind.Softplus, backwardFromOutput: false, new ActivationParameter("Beta", 1.0, Positional: false, MustBePositive: true), new ActivationParameter("Threshold", 20.0, Positional: false)),
        new ActivationDescriptor(LayerKind.Hardswish, backwardFromOutput: false),
        new ActivationDescriptor(LayerKind.Mish, backwardFromOutput: false),
        new PReluDescriptor(),
        new SoftmaxDescriptor(LayerKind.Softmax),
        new SoftmaxDescriptor(LayerKind.LogSoftmax),
        new ResidualDescriptor(LayerKind.Residual),
        new ResidualDescriptor(LayerKind.EndResidual),
        new RecurrentDescriptor(LayerKind.RNN),
        new RecurrentDescriptor(LayerKind.LSTM),
        new RecurrentDescriptor(LayerKind.GRU),
        new EmbeddingDescriptor(),
        new SequenceHeadDescriptor(LayerKind.MeanOverTime),
        new SequenceHeadDescriptor(LayerKind.MaxOverTime),
        new SequenceHeadDescriptor(LayerKind.LastStep),
        new PositionalEncodingDescriptor(),
        new AttentionDescriptor(),
    };

    private static readonly Dictionary<LayerKind, LayerDescriptor> ByKind = Index();

    /// <summary>Every descriptor, in the order above.</summary>
    public static IReadOnlyList<LayerDescriptor> All => Descriptors;

    /// <summary>The descriptor of a known layer kind, or null for <see cref="LayerKind.Unknown"/> and <see cref="LayerKind.Input"/>.</summary>
    public static LayerDescriptor? Find(LayerKind kind) => ByKind.TryGetValue(kind, out LayerDescriptor? descriptor) ? descriptor : null;

    /// <summary>The descriptor of a layer kind that shape inference accepted.</summary>
    /// <exception cref="System.InvalidOperationException">The kind has no descriptor: a bug of ours, never silently skipped.</exception>
    public static LayerDescriptor For(LayerKind kind) =>
        Find(kind) ?? throw new System.InvalidOperationException("Layer kind " + kind + " has no descriptor in the layer catalog.");

    private static Dictionary<LayerKind, LayerDescriptor> Index()
    {
        var index = new Dictionary<LayerKind, LayerDescriptor>();
        foreach (LayerDescriptor descriptor in Descriptors)
        {
            index.Add(descriptor.Kind, descriptor);
        }

        return index;
    }
}
