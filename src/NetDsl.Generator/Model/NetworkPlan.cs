namespace NetDsl.Generator.Model;

/// <summary>
/// The result of shape inference for a valid network: every layer's shapes and parameter offsets, and the
/// stages the emitter writes code for (a Linear layer with the activation fused into it, or a lone activation).
/// </summary>
internal sealed record NetworkPlan(
    NetworkSpec Spec,
    Shape InputShape,
    Shape OutputShape,
    int ParameterCount,
    EquatableArray<PlannedLayer> Layers,
    EquatableArray<Stage> Stages)
{
    public int InputSize => InputShape.ElementCount;

    public int OutputSize => OutputShape.ElementCount;

    /// <summary>Whether every stage is straight-line code, so a single sample can run entirely in locals.</summary>
    public bool IsFullyUnrolled
    {
        get
        {
            foreach (Stage stage in Stages)
            {
                if (!stage.IsUnrolled)
                {
                    return false;
                }
            }

            return true;
        }
    }
}

/// <summary>A layer after inference.</summary>
/// <param name="Name">Its name (explicit, or its position in the stack as in nn.Sequential).</param>
/// <param name="PropertyName">The name of its typed view, for layers with parameters.</param>
/// <param name="Kind">Its kind.</param>
/// <param name="InputShape">The shape it receives.</param>
/// <param name="OutputShape">The shape it produces.</param>
/// <param name="WeightOffset">The offset of its weight in the flat parameters, or -1.</param>
/// <param name="BiasOffset">The offset of its bias in the flat parameters, or -1.</param>
/// <param name="ParameterCount">Its number of parameters.</param>
internal sealed record PlannedLayer(
    string Name,
    string PropertyName,
    LayerKind Kind,
    Shape InputShape,
    Shape OutputShape,
    int WeightOffset,
    int BiasOffset,
    int ParameterCount)
{
    public int InFeatures => InputShape.ElementCount;

    public int OutFeatures => OutputShape.ElementCount;
}

/// <summary>The element-wise activations that can follow a layer or stand alone.</summary>
internal enum Activation
{
    None,
    ReLU,
    Sigmoid,
    Tanh,
}

/// <summary>A unit of emitted code: a Linear layer with its fused activation, or a lone activation.</summary>
/// <param name="Index">The stage's position, from 1; stage 0 is the input.</param>
/// <param name="LayerIndex">The index in the plan's layers of the Linear layer (or of the lone activation).</param>
/// <param name="ActivationLayerIndex">The index of the fused activation layer, or -1.</param>
/// <param name="Activation">The activation applied to the stage's output.</param>
/// <param name="InputWidth">Floats per sample in.</param>
/// <param name="OutputWidth">Floats per sample out.</param>
/// <param name="IsLinear">Whether the stage has a Linear layer.</param>
/// <param name="IsUnrolled">Whether the stage is straight-line code rather than kernel calls.</param>
internal sealed record Stage(
    int Index,
    int LayerIndex,
    int ActivationLayerIndex,
    Activation Activation,
    int InputWidth,
    int OutputWidth,
    bool IsLinear,
    bool IsUnrolled);
