using NetDsl.Generator.Model;

namespace NetDsl.Generator.Emit;

/// <summary>The code of each activation: scalar expressions for unrolled stages, kernel calls otherwise.</summary>
internal static class ActivationCode
{
    /// <summary>The activation applied to the expression <paramref name="z"/>.</summary>
    public static string Apply(Activation activation, string z) =>
        activation == Activation.None ? z : TypeNames.Scalar + "." + activation + "(" + z + ")";

    /// <summary>The gradient with respect to the activation's input, from its output <paramref name="y"/> and output gradient <paramref name="dy"/>.</summary>
    public static string Backward(Activation activation, string y, string dy) =>
        activation == Activation.None ? dy : TypeNames.Scalar + "." + activation + "Backward(" + y + ", " + dy + ")";

    /// <summary>A kernel call applying the activation from <paramref name="x"/> to <paramref name="y"/>.</summary>
    public static string KernelForward(Activation activation, string x, string y) =>
        TypeNames.ActivationKernels + "." + activation + "(" + x + ", " + y + ");";

    /// <summary>A kernel call writing the activation's input gradient into <paramref name="dx"/>.</summary>
    public static string KernelBackward(Activation activation, string y, string dy, string dx) =>
        TypeNames.ActivationKernels + "." + activation + "Backward(" + y + ", " + dy + ", " + dx + ");";

    /// <summary>How the layer table names an activation.</summary>
    public static string DisplayName(Activation activation) => activation.ToString();
}
