using NetDsl.Generator.Diagnostics;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Shapes.Rules;

/// <summary>
/// Linear: <c>[in]</c> to <c>[out]</c>, or on a sequence (see <see cref="LayerContext.InputIsSequence"/>) <c>[T, in]</c> to
/// <c>[T, out]</c>, every step alike, as PyTorch applies it to the last dimension; weight <c>[out, in]</c>, bias <c>[out]</c>,
/// PyTorch's default initialization.
/// </summary>
internal static class LinearRule
{
    public static LayerResult? Infer(LayerContext context)
    {
        LayerSpec layer = context.Layer;
        int outFeatures = (int)layer.Arguments[layer.Arguments.Count - 1];
        int? declaredIn = layer.Arguments.Count == 2 ? (int)layer.Arguments[0] : null;
        bool valid = true;
        if (declaredIn is <= 0)
        {
            context.Report(DiagnosticDescriptors.NonPositiveSize, "Layer " + context.Label + " (Linear)", "in features", declaredIn.Value);
            valid = false;
        }

        if (outFeatures <= 0)
        {
            context.Report(DiagnosticDescriptors.NonPositiveSize, "Layer " + context.Label + " (Linear)", "out features", outFeatures);
            valid = false;
        }

        Shape input = context.Input;
        bool perStep = input.Rank == 2 && context.InputIsSequence;
        if (input.Rank != 1 && !perStep)
        {
            context.Report(DiagnosticDescriptors.NeedsOneDimensionalInput, context.Label, "Linear", input, input.ElementCount);
            valid = false;
        }
        else if (declaredIn is > 0 && declaredIn.Value != input.Dimensions[input.Rank - 1])
        {
            int arriving = input.Dimensions[input.Rank - 1];
            context.Report(context.Diagnostic(DiagnosticDescriptors.LinearInputMismatch, context.Label, arriving, declaredIn.Value, outFeatures)
                .WithProperty(DiagnosticPropertyNames.InferredSize, arriving));
            valid = false;
        }

        if (!valid)
        {
            return null;
        }

        int inFeatures = input.Dimensions[input.Rank - 1];
        var result = new LayerResult(perStep ? new Shape(new[] { input.Dimensions[0], outFeatures }) : Shape.Vector(outFeatures));
        result.Parameters.Add(Tensors.Default("weight", new Shape(new[] { outFeatures, inFeatures }), inFeatures));
        if (layer.Option("Bias", 1) != 0)
        {
            result.Parameters.Add(Tensors.Default("bias", Shape.Vector(outFeatures), inFeatures));
        }

        return result;
    }
}
