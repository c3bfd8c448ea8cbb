using NetDsl.Generator.Model;

namespace NetDsl.Generator.Emit;

/// <summary>The comment above each stage's code, so a reader of the generated file knows which layer it is.</summary>
internal static class StageDescription
{
    public static string Of(NetworkPlan plan, Stage stage)
    {
        PlannedLayer layer = plan.Layers[stage.LayerIndex];
        string text = "Stage " + Literals.Int(stage.Index) + ", layer '" + layer.Name + "': " + layer.Kind + " " + layer.InputShape + " -> " + layer.OutputShape;
        if (stage.ActivationLayerIndex >= 0)
        {
            text += ", then " + stage.Activation + " ('" + plan.Layers[stage.ActivationLayerIndex].Name + "')";
        }

        if (layer.WeightOffset >= 0)
        {
            text += ". weight [" + Literals.Int(layer.OutFeatures) + ", " + Literals.Int(layer.InFeatures) + "] at p[" + Range(layer.WeightOffset, layer.InFeatures * layer.OutFeatures) + ")";
        }

        if (layer.BiasOffset >= 0)
        {
            text += ", bias [" + Literals.Int(layer.OutFeatures) + "] at p[" + Range(layer.BiasOffset, layer.OutFeatures) + ")";
        }

        return "// " + text + (stage.IsUnrolled ? ". Unrolled." : ". Vectorized kernels.");
    }

    private static string Range(int offset, int length) => Literals.Int(offset) + ".." + Literals.Int(offset + length);
}
