using NetDsl.Generator.Model;

namespace NetDsl.Generator.Emit;

/// <summary>The comment above each stage's code, so a reader of the generated file knows which layer it is.</summary>
internal static class StageDescription
{
    /// <param name="callsKernels">Whether the code below calls kernels, whether or not the stage is unrolled elsewhere.</param>
    public static string Of(NetworkPlan plan, Stage stage, bool? callsKernels = null) => "// " + Text(plan, stage, callsKernels ?? !stage.IsUnrolled);

    /// <param name="callsKernels">Whether the code below calls kernels, whether or not the stage is unrolled elsewhere.</param>
    public static string Backward(NetworkPlan plan, Stage stage, bool? callsKernels = null)
    {
        string text = Text(plan, stage, callsKernels ?? !stage.IsUnrolled);
        return "// Backward of " + char.ToLowerInvariant(text[0]) + text.Substring(1);
    }

    private static string Text(NetworkPlan plan, Stage stage, bool callsKernels)
    {
        PlannedLayer layer = plan.Layers[stage.LayerIndex];
        string text = "Stage " + Literals.Int(stage.Index) + ", layer '" + layer.Name + "': " + SummaryTable.KindText(layer) + " " + layer.InputShape + " -> " + layer.OutputShape;
        if (stage.ActivationLayerIndex >= 0)
        {
            PlannedLayer activation = plan.Layers[stage.ActivationLayerIndex];
            text += ", then " + SummaryTable.KindText(activation) + " ('" + activation.Name + "')";
        }

        if (stage.Kind == StageKind.ResidualAdd)
        {
            text += ", adding the output of stage " + Literals.Int(stage.ResidualSource);
        }

        foreach (PlannedTensor tensor in layer.Parameters)
        {
            text += ". " + tensor.Role + " " + tensor.Shape + " at p[" + Range(tensor) + ")";
        }

        foreach (PlannedTensor tensor in layer.Buffers)
        {
            text += ". " + tensor.Role + " " + tensor.Shape + " at r[" + Range(tensor) + ")";
        }

        return text + (callsKernels ? ". Kernels." : ". Unrolled.");
    }

    private static string Range(PlannedTensor tensor) => Literals.Int(tensor.Offset) + ".." + Literals.Int(tensor.Offset + tensor.Length);
}
