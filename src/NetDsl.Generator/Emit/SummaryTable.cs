using System.Collections.Generic;
using System.Globalization;
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
    public static string KindText(PlannedLayer layer)
    {
        switch (layer.Kind)
        {
            case LayerKind.Linear:
                return "Linear(" + Literals.Int(layer.InFeatures) + ", " + Literals.Int(layer.OutFeatures) + (layer.BiasOffset < 0 ? ", bias: false" : string.Empty) + ")";
            case LayerKind.Conv1D:
            case LayerKind.Conv2D:
            {
                Window w = layer.Window!;
                var parts = new List<string>
                {
                    Literals.Int(layer.InputShape.Dimensions[0]),
                    Literals.Int(layer.OutputShape.Dimensions[0]),
                    layer.Kind == LayerKind.Conv2D ? Literals.Int(w.KernelHeight) + "x" + Literals.Int(w.KernelWidth) : "k" + Literals.Int(w.KernelWidth),
                };
                AddWindowExtras(parts, layer.Kind == LayerKind.Conv2D, w);
                if (layer.BiasOffset < 0)
                {
                    parts.Add("bias: false");
                }

                return layer.Kind + "(" + string.Join(", ", parts) + ")";
            }

            case LayerKind.MaxPool1D:
            case LayerKind.MaxPool2D:
            case LayerKind.AvgPool1D:
            case LayerKind.AvgPool2D:
            {
                Window w = layer.Window!;
                bool twoD = layer.Kind is LayerKind.MaxPool2D or LayerKind.AvgPool2D;
                var parts = new List<string> { twoD ? Literals.Int(w.KernelHeight) + "x" + Literals.Int(w.KernelWidth) : "k" + Literals.Int(w.KernelWidth) };
                if (w.StrideWidth != w.KernelWidth)
                {
                    parts.Add("stride " + Literals.Int(w.StrideWidth));
                }

                if (w.PadLeft != 0)
                {
                    parts.Add("padding " + Literals.Int(w.PadLeft));
                }

                return layer.Kind + "(" + string.Join(", ", parts) + ")";
            }

            case LayerKind.Dropout:
                return "Dropout(p=" + Number(layer.Option("P")) + ")";
            case LayerKind.BatchNorm1D:
            case LayerKind.BatchNorm2D:
                return layer.Kind + "(" + Literals.Int(layer.InputShape.Dimensions[0]) + ")";
            case LayerKind.LeakyReLU:
                return "LeakyReLU(" + Number(layer.Option("NegativeSlope")) + ")";
            case LayerKind.ELU:
                return "ELU(" + Number(layer.Option("Alpha")) + ")";
            case LayerKind.GELU:
                return layer.Option("TanhApproximation") != 0 ? "GELU(tanh)" : "GELU";
            case LayerKind.Residual:
                return "Residual (block start)";
            case LayerKind.EndResidual:
                return "EndResidual (+ block input)";
            default:
                return layer.Kind.ToString();
        }
    }

    private static void AddWindowExtras(List<string> parts, bool twoD, Window w)
    {
        if (w.StrideHeight != 1 || w.StrideWidth != 1)
        {
            parts.Add("stride " + (twoD && w.StrideHeight != w.StrideWidth ? Literals.Int(w.StrideHeight) + "x" + Literals.Int(w.StrideWidth) : Literals.Int(w.StrideWidth)));
        }

        if (w.PadTop != 0 || w.PadLeft != 0 || w.PadBottom != 0 || w.PadRight != 0)
        {
            // 'same' padding of an even effective kernel pads one more after than before: show both, "(0, 1)".
            parts.Add("padding " + (twoD ? Pads(w.PadTop, w.PadBottom) + "x" + Pads(w.PadLeft, w.PadRight) : Pads(w.PadLeft, w.PadRight)));
        }

        if (w.DilationHeight != 1 || w.DilationWidth != 1)
        {
            parts.Add("dilation " + (twoD && w.DilationHeight != w.DilationWidth ? Literals.Int(w.DilationHeight) + "x" + Literals.Int(w.DilationWidth) : Literals.Int(w.DilationWidth)));
        }
    }

    private static string Pads(int before, int after) =>
        before == after ? Literals.Int(before) : "(" + Literals.Int(before) + ", " + Literals.Int(after) + ")";

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
