using System.Collections.Generic;
using System.Linq;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Emit;

/// <summary>The layer table shown in the class's XML doc comment (IDE hover) and in its <c>Summary</c> constant.</summary>
internal static class SummaryTable
{
    public static string[] Lines(NetworkPlan plan)
    {
        var rows = new List<string[]> { new[] { "Layer", "Kind", "Output", "Parameters" } };
        rows.Add(new[] { "(input)", "Input", plan.InputShape.ToString(), "0" });
        foreach (PlannedLayer layer in plan.Layers)
        {
            rows.Add(new[] { layer.Name, KindText(layer), layer.OutputShape.ToString(), Literals.Int(layer.ParameterCount) });
        }

        int[] widths = Enumerable.Range(0, 4).Select(c => rows.Max(r => r[c].Length)).ToArray();
        var lines = new List<string>
        {
            plan.Spec.ClassName + ": " + Literals.Int(plan.Layers.Count) + " layers, " + Literals.Int(plan.ParameterCount) + " parameters, input " + plan.InputShape + ", output " + plan.OutputShape,
        };
        foreach (string[] row in rows)
        {
            lines.Add((row[0].PadRight(widths[0]) + "  " + row[1].PadRight(widths[1]) + "  " + row[2].PadRight(widths[2]) + "  " + row[3].PadLeft(widths[3])).TrimEnd());
        }

        lines.Add("Total parameters: " + Literals.Int(plan.ParameterCount) + (plan.BufferCount > 0 ? ", buffers: " + Literals.Int(plan.BufferCount) : string.Empty));
        return lines.ToArray();
    }

    /// <summary>How the table and comments show a layer: <c>Linear(3, 2)</c>, <c>Conv2D(1, 8, 3x3, stride 2)</c>, <c>Dropout(p=0.5)</c>.</summary>
    public static string KindText(PlannedLayer layer) => Catalog.LayerCatalog.For(layer.Kind).SummaryText(layer);
}
