using System.Collections.Generic;
using NetDsl.Generator.Diagnostics;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Shapes.Rules;

/// <summary>Dropout, Softmax/LogSoftmax, Flatten and Reshape: no parameters, simple shape rules (activations: <see cref="Catalog.ActivationDescriptor"/>).</summary>
internal static class ElementwiseRules
{
    public static LayerResult? Softmax(LayerContext context)
    {
        if (context.Input.Rank != 1)
        {
            context.Report(DiagnosticDescriptors.NeedsOneDimensionalInput, context.Label, context.Kind, context.Input, context.Input.ElementCount);
            return null;
        }

        return new LayerResult(context.Input);
    }

    public static LayerResult? Dropout(LayerContext context)
    {
        double p = context.Layer.Arguments.Count > 0 ? context.Layer.Arguments[0] : 0.5;
        if (!(p >= 0 && p < 1))
        {
            context.ReportInvalid("p", p.ToString("R", System.Globalization.CultureInfo.InvariantCulture), "the probability of dropping an element must be in [0, 1)");
            return null;
        }

        var result = new LayerResult(context.Input);
        result.HyperParameters = new DropoutParameters(p);
        return result;
    }

    public static LayerResult? Flatten(LayerContext context) => new(Shape.Vector(context.Input.ElementCount));

    public static LayerResult? Reshape(LayerContext context)
    {
        var dimensions = new List<int>();
        int inferred = -1;
        long known = 1;
        foreach (double argument in context.Layer.Arguments)
        {
            int dimension = (int)argument;
            if (dimension == -1 && inferred < 0)
            {
                inferred = dimensions.Count;
            }
            else if (dimension <= 0)
            {
                context.ReportInvalid("dimension " + dimensions.Count, dimension, "dimensions must be positive (one may be -1 to infer it)");
                return null;
            }
            else
            {
                // Saturating, so that a product beyond long's range stays larger than any sample rather than wrapping to 0.
                known = known > long.MaxValue / dimension ? long.MaxValue : known * dimension;
            }

            dimensions.Add(dimension);
        }

        int elements = context.Input.ElementCount;
        if (dimensions.Count == 0)
        {
            context.Report(DiagnosticDescriptors.ReshapeElementCount, context.Label, context.Input, elements, "it declares no dimensions");
            return null;
        }

        if (inferred >= 0)
        {
            if (elements % known != 0)
            {
                context.Report(DiagnosticDescriptors.ReshapeElementCount, context.Label, context.Input, elements,
                    "the known dimensions multiply to " + known + ", which does not divide it");
                return null;
            }

            dimensions[inferred] = (int)(elements / known);
        }
        else if (known != elements)
        {
            context.Report(DiagnosticDescriptors.ReshapeElementCount, context.Label, context.Input, elements,
                "[" + string.Join(", ", dimensions) + "] has " + known);
            return null;
        }

        return new LayerResult(new Shape(dimensions));
    }
}
