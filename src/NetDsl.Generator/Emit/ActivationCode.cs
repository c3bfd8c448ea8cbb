using System.Linq;
using NetDsl.Generator.Catalog;

namespace NetDsl.Generator.Emit;

/// <summary>The code of each element-wise activation: scalar expressions for unrolled stages, kernel calls otherwise.</summary>
internal static class ActivationCode
{
    /// <summary>Whether the stage applies a function (neither no activation nor the identity).</summary>
    public static bool Applies(ActivationFunction? activation) => activation is { IsIdentity: false };

    /// <summary>The activation applied to the expression <paramref name="x"/>.</summary>
    public static string Apply(ActivationFunction? activation, string x) =>
        Applies(activation) ? TypeNames.Scalar + "." + activation!.Name + "(" + x + Arguments(activation) + ")" : x;

    /// <summary>The gradient with respect to the activation's input, from its input <paramref name="x"/> or output <paramref name="y"/> and the output gradient <paramref name="dy"/>.</summary>
    public static string Backward(ActivationFunction? activation, string x, string y, string dy) =>
        Applies(activation)
            ? TypeNames.Scalar + "." + activation!.Name + "Backward(" + (activation.BackwardFromOutput ? y : x) + ", " + dy + Arguments(activation) + ")"
            : dy;

    /// <summary>A kernel call applying the activation from span <paramref name="x"/> to span <paramref name="y"/>.</summary>
    public static string KernelForward(ActivationFunction activation, string x, string y) =>
        TypeNames.ActivationKernels + "." + activation.Name + "(" + x + ", " + y + Arguments(activation) + ");";

    /// <summary>A kernel call writing the activation's input gradient into <paramref name="dx"/>.</summary>
    public static string KernelBackward(ActivationFunction activation, string x, string y, string dy, string dx) =>
        TypeNames.ActivationKernels + "." + activation.Name + "Backward(" + (activation.BackwardFromOutput ? y : x) + ", " + dy + ", " + dx + Arguments(activation) + ");";

    private static string Arguments(ActivationFunction activation) =>
        string.Concat(activation.Arguments.Select(a => ", " + Literals.Float(a)));
}
