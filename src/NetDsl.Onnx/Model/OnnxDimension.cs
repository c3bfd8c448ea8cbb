namespace NetDsl.Onnx.Model;

/// <summary>One dimension of a value's shape: a fixed size, or a named symbolic size such as the batch <c>N</c>.</summary>
/// <param name="Value">The size, when <paramref name="Parameter"/> is null.</param>
/// <param name="Parameter">The symbolic name, or null for a fixed size.</param>
internal readonly record struct OnnxDimension(long Value, string? Parameter)
{
    /// <summary>A dimension of fixed size.</summary>
    public static OnnxDimension Fixed(long value) => new(value, null);

    /// <summary>A dimension whose size is given at run time, named <paramref name="name"/>.</summary>
    public static OnnxDimension Symbolic(string name) => new(0, name);
}
