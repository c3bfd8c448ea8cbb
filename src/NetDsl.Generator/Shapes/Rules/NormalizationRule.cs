using NetDsl.Generator.Diagnostics;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Shapes.Rules;

/// <summary>
/// BatchNorm1D on <c>[C]</c> or <c>[C, L]</c>, BatchNorm2D on <c>[C, H, W]</c> (weight 1, bias 0, running_mean 0 and
/// running_var 1, all <c>[C]</c>), and LayerNorm over the whole sample (weight 1 and bias 0 of the sample's shape).
/// </summary>
internal static class NormalizationRule
{
    public static LayerResult? Infer(LayerContext context)
    {
        LayerSpec layer = context.Layer;
        Shape input = context.Input;
        double eps = layer.Option("Eps", 1e-5);
        if (!(eps > 0))
        {
            context.ReportInvalid("Eps", eps, "it must be positive");
            return null;
        }

        var result = new LayerResult(input);
        if (layer.Kind == LayerKind.LayerNorm)
        {
            // On a sequence of steps, per step over the last dimension (nn.LayerNorm(E) on [T, E]); otherwise the whole sample.
            bool perStep = context.InputIsSequence && input.Rank == 2;
            result.HyperParameters = new LayerNormParameters(eps, perStep);
            Shape normalized = perStep ? Shape.Vector(input.Dimensions[1]) : input;
            if (layer.Option("ElementwiseAffine", 1) != 0)
            {
                result.Parameters.Add(Tensors.Constant("weight", normalized, 1));
                result.Parameters.Add(Tensors.Constant("bias", normalized, 0));
            }

            return result;
        }

        bool twoD = layer.Kind == LayerKind.BatchNorm2D;
        bool rankOk = twoD ? input.Rank == 3 : input.Rank is 1 or 2;
        if (!rankOk)
        {
            context.Report(DiagnosticDescriptors.WrongInputRank, context.Label, context.Kind, input,
                twoD ? "a 3-D shape [channels, height, width] (BatchNorm1D takes [features] or [channels, length])" : "[features] or [channels, length] (BatchNorm2D takes [channels, height, width])");
            return null;
        }

        double momentum = layer.Option("Momentum", 0.1);
        if (!(momentum >= 0 && momentum <= 1))
        {
            context.ReportInvalid("Momentum", momentum, "it must be in [0, 1]");
            return null;
        }

        result.HyperParameters = new BatchNormParameters(eps, momentum);
        Shape channels = Shape.Vector(input.Dimensions[0]);
        if (layer.Option("Affine", 1) != 0)
        {
            result.Parameters.Add(Tensors.Constant("weight", channels, 1));
            result.Parameters.Add(Tensors.Constant("bias", channels, 0));
        }

        result.Buffers.Add(Tensors.Constant("running_mean", channels, 0));
        result.Buffers.Add(Tensors.Constant("running_var", channels, 1));
        return result;
    }
}
