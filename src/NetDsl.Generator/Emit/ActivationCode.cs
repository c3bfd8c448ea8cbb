using System.Globalization;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Emit;

/// <summary>The code of each element-wise activation: scalar expressions for unrolled stages, kernel calls otherwise.</summary>
internal static class ActivationCode
{
    /// <summary>Whether the activation's derivative is computed from its output (fusable) rather than from its input.</summary>
    public static bool BackwardFromOutput(Activation activation) =>
        activation is Activation.None or Activation.Identity or Activation.ReLU or Activation.Sigmoid or Activation.Tanh;

    /// <summary>The activation applied to the expression <paramref name="x"/>.</summary>
    public static string Apply(Activation activation, string x, PlannedLayer? layer) => activation switch
    {
        Activation.None => x,
        Activation.Identity => x,
        _ => TypeNames.Scalar + "." + activation + "(" + x + Parameter(activation, layer) + ")",
    };

    /// <summary>The gradient with respect to the activation's input, from its input <paramref name="x"/> or output <paramref name="y"/> and the output gradient <paramref name="dy"/>.</summary>
    public static string Backward(Activation activation, string x, string y, string dy, PlannedLayer? layer) => activation switch
    {
        Activation.None => dy,
        Activation.Identity => dy,
        _ => TypeNames.Scalar + "." + activation + "Backward(" + (BackwardFromOutput(activation) ? y : x) + ", " + dy + Parameter(activation, layer) + ")",
    };

    /// <summary>A kernel call applying the activation from span <paramref name="x"/> to span <paramref name="y"/>.</summary>
    public static string KernelForward(Activation activation, string x, string y, PlannedLayer? layer) =>
        TypeNames.ActivationKernels + "." + activation + "(" + x + ", " + y + Parameter(activation, layer) + ");";

    /// <summary>A kernel call writing the activation's input gradient into <paramref name="dx"/>.</summary>
    public static string KernelBackward(Activation activation, string x, string y, string dy, string dx, PlannedLayer? layer) =>
        TypeNames.ActivationKernels + "." + activation + "Backward(" + (BackwardFromOutput(activation) ? y : x) + ", " + dy + ", " + dx + Parameter(activation, layer) + ");";

    private static string Parameter(Activation activation, PlannedLayer? layer) => activation switch
    {
        Activation.LeakyReLU => ", " + Literals.Float(layer!.Option("NegativeSlope")),
        Activation.ELU => ", " + Literals.Float(layer!.Option("Alpha")),
        _ => string.Empty,
    };
}
