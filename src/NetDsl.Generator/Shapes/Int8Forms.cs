using System.Collections.Generic;
using NetDsl.Generator.Catalog;
using NetDsl.Generator.Diagnostics;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Shapes;

/// <summary>
/// NDSL0034: in a network declared with <c>[Network(Int8 = true)]</c>, every layer needs an int8 form
/// (<see cref="LayerDescriptor.HasInt8Form"/>), so that the quantized twin can be generated for it.
/// </summary>
internal static class Int8Forms
{
    /// <summary>Reports NDSL0034 on each layer of <paramref name="stack"/> without an int8 form; false if there was one.</summary>
    public static bool Check(NetworkSpec spec, IReadOnlyList<LayerSpec> stack, IReadOnlyList<PlannedLayer> planned, List<DiagnosticInfo> diagnostics)
    {
        bool valid = true;
        for (int position = 0; position < planned.Count; position++)
        {
            PlannedLayer layer = planned[position];
            bool last = position == planned.Count - 1;
            if (LayerCatalog.For(layer.Kind).HasInt8Form(layer, position > 0 ? planned[position - 1] : null, last))
            {
                continue;
            }

            string why = layer.Kind switch
            {
                LayerKind.Linear => " on a sequence (a per-step Linear)",
                LayerKind.Softmax or LayerKind.LogSoftmax => " before the last layer",
                LayerKind.Conv2D or LayerKind.Conv1D => " as the last layer",
                _ => string.Empty,
            };
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NoInt8Form, stack[position].AttributeIndex,
                LayerNames.Label(stack[position], position), stack[position].AttributeName, why, spec.ClassName));
            valid = false;
        }

        return valid;
    }
}
