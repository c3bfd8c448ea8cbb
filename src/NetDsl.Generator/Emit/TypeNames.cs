namespace NetDsl.Generator.Emit;

/// <summary>The fully qualified names generated code uses, so that no user type or alias can capture them.</summary>
internal static class TypeNames
{
    public const string ReadOnlySpan = "global::System.ReadOnlySpan<float>";
    public const string Span = "global::System.Span<float>";
    public const string Guard = "global::NetDsl.Generated.Guard";
    public const string Scalar = "global::NetDsl.Generated.ScalarActivations";
    public const string ActivationKernels = "global::NetDsl.Generated.ActivationKernels";
    public const string LinearKernels = "global::NetDsl.Generated.LinearKernels";
    public const string ConvolutionKernels = "global::NetDsl.Generated.ConvolutionKernels";
    public const string PoolingKernels = "global::NetDsl.Generated.PoolingKernels";
    public const string NormalizationKernels = "global::NetDsl.Generated.NormalizationKernels";
    public const string SoftmaxKernels = "global::NetDsl.Generated.SoftmaxKernels";
    public const string PReluKernels = "global::NetDsl.Generated.PReluKernels";
    public const string DropoutKernels = "global::NetDsl.Generated.DropoutKernels";
    public const string RecurrentKernels = "global::NetDsl.Generated.RecurrentKernels";
    public const string EmbeddingKernels = "global::NetDsl.Generated.EmbeddingKernels";
    public const string SequenceHeadKernels = "global::NetDsl.Generated.SequenceHeadKernels";
    public const string PositionalEncodingKernels = "global::NetDsl.Generated.PositionalEncodingKernels";
    public const string AttentionKernels = "global::NetDsl.Generated.AttentionKernels";
    public const string TensorPrimitives = "global::System.Numerics.Tensors.TensorPrimitives";
    public const string NumericChecks = "global::NetDsl.NumericChecks";
    public const string ActivationLayout = "global::NetDsl.Generated.ActivationLayout";
    public const string FiniteCheck = "global::NetDsl.Generated.FiniteCheck";
}
