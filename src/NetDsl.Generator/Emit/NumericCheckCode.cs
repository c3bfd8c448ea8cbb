using System.Linq;
using NetDsl.Generator.Catalog;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Emit;

/// <summary>
/// The checks of the opt-in numeric check mode (<c>NetDsl.NumericChecks.Enabled</c>): after the input is read and
/// after each stage's forward and backward code, one line that scans the values just written for NaN and infinities
/// while checks are on, and names the place in the exception's message. Off, each costs one load and branch per stage.
/// </summary>
internal static class NumericCheckCode
{
    /// <summary>Checks a batch of inputs, <c>[batch, InputSize]</c>.</summary>
    public static void Inputs(SourceWriter writer, NetworkPlan plan, string span) =>
        Samples(writer, plan, span, "InputSize", "the input");

    /// <summary>
    /// Checks a stage's outputs, <c>[batch, OutputWidth]</c>, after its code (which ends with a blank line), then a blank
    /// line unless <paramref name="last"/>. In inference, a stage whose ReLU runs after the max pool that follows
    /// (<paramref name="activationDeferred"/>) is checked before its ReLU, and the pool after it
    /// (<paramref name="deferredFrom"/>, the stage whose ReLU it applies); the message says so.
    /// </summary>
    public static void StageOutputs(SourceWriter writer, NetworkPlan plan, Stage stage, string span, bool last = false, bool channelsLast = false,
        bool activationDeferred = false, Stage? deferredFrom = null)
    {
        string location = "the output of layer " + Describe(plan, stage, activationDeferred, deferredFrom);
        if (channelsLast)
        {
            int channels = plan.Layers[stage.LayerIndex].OutputShape.Dimensions[0];
            writer.WriteLine($"if ({TypeNames.NumericChecks}.Enabled) {TypeNames.FiniteCheck}.ChannelsLastSamples({span}, {Literals.Int(channels)}, {Literals.Int(stage.OutputWidth / channels)}, {Literals.String(plan.Spec.ClassName)}, {Literals.String(location)});");
        }
        else
        {
            Samples(writer, plan, span, Literals.Int(stage.OutputWidth), location);
        }

        if (!last)
        {
            writer.WriteLine();
        }
    }

    /// <summary>Checks the gradient a backward pass receives, <c>[batch, OutputSize]</c>.</summary>
    public static void ArrivingGradients(SourceWriter writer, NetworkPlan plan, string span) =>
        Samples(writer, plan, span, "OutputSize", "the gradient arriving at the output");

    /// <summary>
    /// After a stage's backward code: the gradients of its layer's parameters, then the gradient at its input (for the
    /// first stage only when the caller asked for it).
    /// </summary>
    public static void StageGradients(SourceWriter writer, NetworkPlan plan, Stage stage, StageContext context)
    {
        foreach (int layerIndex in new[] { stage.LayerIndex, stage.ActivationLayerIndex }.Where(i => i >= 0))
        {
            foreach (PlannedTensor tensor in plan.Layers[layerIndex].Parameters)
            {
                writer.WriteLine($"if ({TypeNames.NumericChecks}.Enabled) {TypeNames.FiniteCheck}.Tensor({AffineStageEmitter.Slice("g", tensor)}, {Literals.String(plan.Spec.ClassName)}, {Literals.String("the gradient of " + tensor.Name)});");
            }
        }

        string condition = TypeNames.NumericChecks + ".Enabled" + (context.InputGradientCondition is { } wanted ? " && " + wanted : string.Empty);
        writer.WriteLine($"if ({condition}) {TypeNames.FiniteCheck}.Samples({context.InputGradient}, {stage.InputWidth}, {Literals.String(plan.Spec.ClassName)}, {Literals.String("the gradient at the input of layer " + Describe(plan, stage))});");
    }

    /// <summary>
    /// <c>'fc1' (Linear, then ReLU, stage 1)</c>; <c>'c1' (Conv2D, before its ReLU, which runs after the pool, stage 1)</c>
    /// and <c>'p1' (MaxPool2D, then the ReLU of 'c1', stage 2)</c> where the ReLU moved after the pool (<c>then ReLU 'r1'</c>
    /// for a ReLU of its own).
    /// </summary>
    private static string Describe(NetworkPlan plan, Stage stage, bool activationDeferred = false, Stage? deferredFrom = null)
    {
        PlannedLayer layer = plan.Layers[stage.LayerIndex];
        string kind = LayerCatalog.For(layer.Kind).AttributeName;
        if (stage.ActivationLayerIndex >= 0)
        {
            string activation = LayerCatalog.For(plan.Layers[stage.ActivationLayerIndex].Kind).AttributeName;
            kind += activationDeferred ? ", before its " + activation + ", which runs after the pool" : ", then " + activation;
        }

        if (deferredFrom is not null)
        {
            // The ReLU fused into the stage before (its layer named after the stage's), or a ReLU stage of its own.
            PlannedLayer from = plan.Layers[deferredFrom.LayerIndex];
            kind += deferredFrom.ActivationLayerIndex >= 0
                ? ", then the " + LayerCatalog.For(plan.Layers[deferredFrom.ActivationLayerIndex].Kind).AttributeName + " of '" + from.Name + "'"
                : ", then " + LayerCatalog.For(from.Kind).AttributeName + " '" + from.Name + "'";
        }

        return "'" + layer.Name + "' (" + kind + ", stage " + Literals.Int(stage.Index) + ")";
    }

    private static void Samples(SourceWriter writer, NetworkPlan plan, string span, string width, string location) =>
        writer.WriteLine($"if ({TypeNames.NumericChecks}.Enabled) {TypeNames.FiniteCheck}.Samples({span}, {width}, {Literals.String(plan.Spec.ClassName)}, {Literals.String(location)});");
}
