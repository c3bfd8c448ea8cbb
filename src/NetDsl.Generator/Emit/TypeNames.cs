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
}
