using NetDsl.Generator.Diagnostics;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Shapes.Rules;

/// <summary>
/// Embedding: token indices <c>[T]</c> to <c>[T, D]</c>; weight <c>[V, D]</c> from the standard normal distribution, as
/// PyTorch's <c>nn.Embedding</c>. It reads the network's input, so it must be the first layer.
/// </summary>
internal static class EmbeddingRule
{
    public static LayerResult? Infer(LayerContext context)
    {
        LayerSpec layer = context.Layer;
        int vocabulary = (int)layer.Arguments[0];
        int dimension = (int)layer.Arguments[1];
        bool valid = true;
        if (vocabulary <= 0)
        {
            context.Report(DiagnosticDescriptors.NonPositiveSize, "Layer " + context.Label + " (Embedding)", "vocabulary size", vocabulary);
            valid = false;
        }

        if (dimension <= 0)
        {
            context.Report(DiagnosticDescriptors.NonPositiveSize, "Layer " + context.Label + " (Embedding)", "embedding dimension", dimension);
            valid = false;
        }

        if (context.Position != 0)
        {
            context.ReportInvalid("position", context.Position, "an embedding reads the token indices of the network's input, so it must be the first layer (position 0), right after [Input(T)]");
            valid = false;
        }
        else if (context.Input.Rank != 1)
        {
            context.Report(DiagnosticDescriptors.WrongInputRank, context.Label, context.Kind, context.Input,
                "token indices [steps]: declare [Input(T)] for T tokens per sample");
            valid = false;
        }

        int paddingIndex = -1;
        if (layer.Options.Count > 0 && HasOption(layer, "PaddingIndex"))
        {
            int declared = layer.IntOption("PaddingIndex", 0);
            if (vocabulary > 0 && (declared < -vocabulary || declared >= vocabulary))
            {
                context.ReportInvalid("PaddingIndex", declared, "it must be in [-" + vocabulary + ", " + vocabulary + "), an index of the vocabulary (negative counts from the end, as in PyTorch)");
                valid = false;
            }

            paddingIndex = declared < 0 ? declared + vocabulary : declared;
        }

        if (!valid)
        {
            return null;
        }

        if ((long)vocabulary * dimension > int.MaxValue || (long)context.Input.Dimensions[0] * dimension > int.MaxValue)
        {
            context.Report(DiagnosticDescriptors.NetworkTooLarge, context.Network, ((long)vocabulary * dimension).ToString(System.Globalization.CultureInfo.InvariantCulture), "floats in the weight or output of layer " + context.Label + " (Embedding)");
            return null;
        }

        var result = new LayerResult(new Shape(new[] { context.Input.Dimensions[0], dimension }))
        {
            HyperParameters = new EmbeddingParameters(vocabulary, dimension, paddingIndex),
        };
        result.Parameters.Add(Tensors.StandardNormal("weight", new Shape(new[] { vocabulary, dimension })));
        return result;
    }

    private static bool HasOption(LayerSpec layer, string name)
    {
        foreach (LayerOption option in layer.Options)
        {
            if (option.Name == name)
            {
                return true;
            }
        }

        return false;
    }
}
