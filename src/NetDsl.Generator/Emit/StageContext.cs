namespace NetDsl.Generator.Emit;

/// <summary>The names of the spans a stage's batch code reads and writes, and the mode it runs in.</summary>
/// <param name="Input">The stage's input activations, <c>[batch, InputWidth]</c>.</param>
/// <param name="Output">The stage's output activations, <c>[batch, OutputWidth]</c>.</param>
/// <param name="OutputGradient">Backward: the gradient with respect to the output (scratch the stage may overwrite).</param>
/// <param name="InputGradient">Backward: where the gradient with respect to the input goes.</param>
/// <param name="Auxiliary">The stage's auxiliary span (dropout mask, saved residual gradient), or null.</param>
/// <param name="InputGradientCondition">Backward: a condition under which the input gradient is wanted, or null for always.</param>
/// <param name="Training">Forward: whether this is <c>ForwardTraining</c> (dropout active, batch statistics) rather than inference.</param>
/// <param name="ActivationPrefix">The prefix of the spans holding each stage's outputs in this pass (<c>a</c>: <c>a0</c>, <c>a1</c>, ...).</param>
/// <param name="InputChannelsLast">Inference: whether <paramref name="Input"/> holds channels-last activations (<see cref="InferenceLayouts"/>).</param>
/// <param name="OutputChannelsLast">Inference: whether <paramref name="Output"/> is to hold channels-last activations.</param>
/// <param name="ActivationDeferred">Inference: the stage's fused activation is left to the max pool that follows (<see cref="InferenceLayouts.ReLUAfterPool"/>).</param>
/// <param name="DeferredActivation">Inference: an activation of the preceding stage this max pool applies to its output.</param>
/// <param name="FusedPool">Inference, a convolution: the max pool stage that runs inside its kernel (<see cref="InferenceLayouts.PoolFusedIntoConvolution"/>), or null.</param>
/// <param name="FusedPoolOutput">Inference, a convolution with <paramref name="FusedPool"/>: the pool's output span and whether it is channels-last.</param>
/// <param name="PooledInConvolution">Inference, a max pool: the convolution before it runs it (this stage's call runs only with numeric checks on).</param>
internal sealed record StageContext(
    string Input,
    string Output,
    string OutputGradient,
    string InputGradient,
    string? Auxiliary,
    string? InputGradientCondition,
    bool Training,
    string ActivationPrefix,
    bool InputChannelsLast = false,
    bool OutputChannelsLast = false,
    bool ActivationDeferred = false,
    Catalog.ActivationFunction? DeferredActivation = null,
    Model.Stage? FusedPool = null,
    (string Span, bool ChannelsLast) FusedPoolOutput = default,
    bool PooledInConvolution = false)
{
    /// <summary>The layout arguments of a kernel call that converts between layouts: <c>, ActivationLayout.X, ActivationLayout.Y</c>.</summary>
    public string LayoutArguments => ", " + Layout(InputChannelsLast) + ", " + Layout(OutputChannelsLast);

    /// <summary>Whether either side of the stage is channels-last.</summary>
    public bool AnyChannelsLast => InputChannelsLast || OutputChannelsLast;

    /// <summary>The end of the stage's comment that says so, or nothing.</summary>
    public string LayoutNote => !AnyChannelsLast ? string.Empty
        : " Activations " + (InputChannelsLast ? "channels-last" : "planar") + " in, " + (OutputChannelsLast ? "channels-last" : "planar") + " out.";

    public static string Layout(bool channelsLast) => TypeNames.ActivationLayout + (channelsLast ? ".ChannelsLast" : ".Planar");

    /// <summary>Prefixes <paramref name="statement"/> with the input-gradient condition, if any.</summary>
    public string Guarded(string statement) => InputGradientCondition is null ? statement : "if (" + InputGradientCondition + ") " + statement;

    /// <summary>The input gradient span, or <c>default</c> (empty) when the condition is false.</summary>
    public string InputGradientOrEmpty => InputGradientCondition is null ? InputGradient : "(" + InputGradientCondition + " ? " + InputGradient + " : default)";
}
