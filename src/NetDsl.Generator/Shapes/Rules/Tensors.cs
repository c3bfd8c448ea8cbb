using NetDsl.Generator.Model;

namespace NetDsl.Generator.Shapes.Rules;

/// <summary>Builds the tensors shape rules declare; names and offsets are filled in by <see cref="ShapeInference"/>.</summary>
internal static class Tensors
{
    /// <summary>A tensor initialized as PyTorch initializes Linear and convolutions: uniform in ±1/sqrt(fanIn).</summary>
    public static PlannedTensor Default(string role, Shape shape, int fanIn) => new(role, role, shape, 0, fanIn, 0);

    /// <summary>A tensor drawn from the standard normal distribution, as PyTorch initializes <c>nn.Embedding</c>.</summary>
    public static PlannedTensor StandardNormal(string role, Shape shape) => new(role, role, shape, 0, 0, 0, StandardNormal: true);

    /// <summary>A tensor drawn Xavier uniform, <c>±sqrt(6 / (fanIn + fanOut))</c>, as PyTorch initializes attention's <c>in_proj_weight</c>.</summary>
    public static PlannedTensor Xavier(string role, Shape shape, int fanIn, int fanOut) => new(role, role, shape, 0, fanIn, 0, XavierFanOut: fanOut);

    /// <summary>A tensor that starts at a constant (normalization weights 1, biases 0, running statistics).</summary>
    public static PlannedTensor Constant(string role, Shape shape, double value) => new(role, role, shape, 0, 0, value);
}
