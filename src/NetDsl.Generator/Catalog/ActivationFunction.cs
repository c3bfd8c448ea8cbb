using NetDsl.Generator.Model;

namespace NetDsl.Generator.Catalog;

/// <summary>
/// An element-wise activation as emitted code calls it: <c>ScalarActivations.{Name}(x, arguments...)</c> and
/// <c>{Name}Backward(x or y, dy, arguments...)</c> in unrolled code, <c>ActivationKernels.{Name}(x, y, arguments...)</c>
/// and <c>{Name}Backward(x or y, dy, dx, arguments...)</c> in kernel calls.
/// </summary>
/// <param name="Name">The runtime methods' name: <c>ReLU</c>, <c>GELUTanh</c>, ...</param>
/// <param name="BackwardFromOutput">
/// Whether the derivative follows from the activation's output (ReLU, Sigmoid, Tanh), so that it can be fused into the
/// preceding affine layer, which then keeps only its activated output for backward; otherwise it needs the input.
/// </param>
/// <param name="Arguments">The hyper-parameters the runtime methods take after the tensors, in order.</param>
/// <param name="KernelMatchesScalar">
/// Whether the span kernel gives the scalar function's bits for every element (true for all but those whose kernel uses
/// TensorPrimitives' own exp or tanh: Sigmoid, Tanh, SiLU), so that batched code may call it where single-sample code
/// is unrolled into scalar calls without the two disagreeing. Every backward kernel matches its scalar form.
/// </param>
internal sealed record ActivationFunction(string Name, bool BackwardFromOutput, EquatableArray<double> Arguments, bool KernelMatchesScalar = true)
{
    /// <summary>The identity: fused as "no activation".</summary>
    public static ActivationFunction Identity { get; } = new("Identity", true, EquatableArray<double>.Empty);

    public bool IsIdentity => Name == Identity.Name;
}
