namespace NetDsl.Generator.Emit;

/// <summary>The fully qualified names generated code uses, so that no user type or alias can capture them.</summary>
internal static class TypeNames
{
    public const string ReadOnlySpan = "global::System.ReadOnlySpan<float>";
    public const string Span = "global::System.Span<float>";
    public const string Guard = "global::NetDsl.Guard";
    public const string Scalar = "global::NetDsl.Kernels.ScalarActivations";
    public const string ActivationKernels = "global::NetDsl.Kernels.ActivationKernels";
    public const string LinearKernels = "global::NetDsl.Kernels.LinearKernels";
    public const string ConvolutionKernels = "global::NetDsl.Kernels.ConvolutionKernels";
    public const string PoolingKernels = "global::NetDsl.Kernels.PoolingKernels";
    public const string NormalizationKernels = "global::NetDsl.Kernels.NormalizationKernels";
    public const string SoftmaxKernels = "global::NetDsl.Kernels.SoftmaxKernels";
    public const string PReluKernels = "global::NetDsl.Kernels.PReluKernels";
    public const string DropoutKernels = "global::NetDsl.Kernels.DropoutKernels";
    public const string TensorPrimitives = "global::System.Numerics.Tensors.TensorPrimitives";
}
