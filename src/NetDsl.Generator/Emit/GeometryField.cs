using System.Linq;
using NetDsl.Generator.Model;
using NetDsl.Generator.Shapes;

namespace NetDsl.Generator.Emit;

/// <summary>The static <c>WindowGeometry</c> field that convolution and pooling kernel calls take.</summary>
internal static class GeometryField
{
    public static string Name(Stage stage) => GeneratedMembers.WindowFieldPrefix + Literals.Int(stage.Index);

    /// <summary>Whether the stage's kernel calls need a geometry field.</summary>
    public static bool IsNeeded(Stage stage) => !stage.IsUnrolled && stage.Kind is StageKind.Convolution or StageKind.Pool or StageKind.Recurrent or StageKind.Attention;

    public static string Declaration(NetworkPlan plan, Stage stage)
    {
        PlannedLayer layer = plan.Layers[stage.LayerIndex];
        if (stage.Kind == StageKind.Recurrent)
        {
            return RecurrentDeclaration(layer, Name(stage));
        }

        if (stage.Kind == StageKind.Attention)
        {
            AttentionParameters a = layer.HyperParametersAs<AttentionParameters>();
            return "private static readonly global::NetDsl.Generated.AttentionGeometry " + Name(stage) + " = new(" + Literals.Int(layer.InputShape.Dimensions[0]) + ", "
                + Literals.Int(layer.InputShape.Dimensions[1]) + ", " + Literals.Int(a.Heads) + ", Causal: " + (a.Causal ? "true" : "false") + ");";
        }

        Window w = layer.Window!;
        int[] input = Planes(layer.InputShape);
        int[] output = Planes(layer.OutputShape);
        int[] values =
        {
            input[0], input[1], input[2], output[0], output[1], output[2],
            w.KernelHeight, w.KernelWidth, w.StrideHeight, w.StrideWidth, w.PadTop, w.PadLeft, w.DilationHeight, w.DilationWidth,
        };
        return "private static readonly global::NetDsl.Generated.WindowGeometry " + Name(stage) + " = new(" + string.Join(", ", values.Select(Literals.Int)) + ");";
    }

    /// <summary>A recurrent layer's <c>RecurrentGeometry</c>: cell, steps, features, hidden size, layers and flags.</summary>
    private static string RecurrentDeclaration(PlannedLayer layer, string name)
    {
        RecurrentParameters p = layer.HyperParametersAs<RecurrentParameters>();
        string cell = layer.Kind switch
        {
            LayerKind.LSTM => "Lstm",
            LayerKind.GRU => "Gru",
            _ => p.ReLU ? "RnnReLU" : "RnnTanh",
        };
        string Flag(bool value) => value ? "true" : "false";
        return "private static readonly global::NetDsl.Generated.RecurrentGeometry " + name + " = new(global::NetDsl.Generated.RecurrentCell." + cell + ", "
            + Literals.Int(layer.InputShape.Dimensions[0]) + ", " + Literals.Int(layer.InputShape.Dimensions[1]) + ", " + Literals.Int(p.Hidden) + ", "
            + Literals.Int(p.Layers) + ", Bidirectional: " + Flag(p.Bidirectional) + ", ReturnSequences: " + Flag(p.ReturnSequences) + ", Bias: " + Flag(p.Bias) + ");";
    }

    /// <summary>[C, H, W] of a [C, L] (height 1) or [C, H, W] shape.</summary>
    private static int[] Planes(Shape shape) => shape.Rank == 3
        ? new[] { shape.Dimensions[0], shape.Dimensions[1], shape.Dimensions[2] }
        : new[] { shape.Dimensions[0], 1, shape.Dimensions[1] };
}
