using System.Linq;

namespace NetDsl.Generator.Model;

/// <summary>
/// The result of shape inference for a valid network: every layer's shapes, parameter and buffer tensors, and the
/// stages the emitter writes code for.
/// </summary>
internal sealed record NetworkPlan(
    NetworkSpec Spec,
    Shape InputShape,
    Shape OutputShape,
    int ParameterCount,
    int BufferCount,
    EquatableArray<PlannedLayer> Layers,
    EquatableArray<Stage> Stages)
{
    public int InputSize => InputShape.ElementCount;

    public int OutputSize => OutputShape.ElementCount;

    /// <summary>
    /// Whether a single sample can run entirely in locals: every stage is straight-line code. A network without stages
    /// (only Flatten or Reshape) is not: unrolling it would copy every input float through a local of its own, however
    /// large the input (a [3, 224, 224] image gave 301,351 lines), whatever the UnrollLimit.
    /// </summary>
    public bool IsFullyUnrolled => Stages.Count > 0 && Stages.All(s => s.IsUnrolled);

    /// <summary>Whether any stage draws random numbers during training (dropout).</summary>
    public bool HasDropout => Stages.Any(s => s.Kind == StageKind.Dropout);

    /// <summary>Floats per sample a stage keeps besides its output (dropout masks, residual gradients), summed.</summary>
    public int AuxWidth => Stages.Sum(s => s.AuxWidth);

    /// <summary>The batch normalization stages, in order: where training passes are split into segments (ISegmentedTraining).</summary>
    public Stage[] BatchNormStages => Stages.Where(s => s.Kind == StageKind.BatchNorm).ToArray();
}

/// <summary>A named parameter or buffer tensor of a layer.</summary>
/// <param name="Name">The state_dict key, such as <c>fc1.weight</c>.</param>
/// <param name="Role">The key's last part: <c>weight</c>, <c>bias</c>, <c>running_mean</c>, <c>running_var</c>.</param>
/// <param name="Shape">Its shape, in PyTorch's layout.</param>
/// <param name="Offset">Its offset in the flat parameters (or buffers).</param>
/// <param name="FanIn">For weights and biases initialized as PyTorch's default, the fan-in; 0 for tensors initialized to a constant.</param>
/// <param name="InitialValue">The constant a tensor with <paramref name="FanIn"/> 0 starts at.</param>
/// <param name="StandardNormal">Whether the tensor starts from the standard normal distribution instead (an embedding's weight).</param>
/// <param name="XavierFanOut">When positive, the tensor starts Xavier uniform with <paramref name="FanIn"/> and this fan-out (attention's in_proj_weight).</param>
internal sealed record PlannedTensor(string Name, string Role, Shape Shape, int Offset, int FanIn, double InitialValue, bool StandardNormal = false, int XavierFanOut = 0)
{
    public int Length => Shape.ElementCount;
}

/// <summary>The window of a convolution or pooling layer, for two axes (a 1-D layer has height 1).</summary>
internal sealed record Window(
    int KernelHeight,
    int KernelWidth,
    int StrideHeight,
    int StrideWidth,
    int PadTop,
    int PadLeft,
    int PadBottom,
    int PadRight,
    int DilationHeight,
    int DilationWidth);

/// <summary>A layer after inference.</summary>
/// <param name="Name">Its name (explicit, or its position in the stack as in nn.Sequential).</param>
/// <param name="PropertyName">The name of its typed view, for layers with parameters.</param>
/// <param name="Kind">Its kind.</param>
/// <param name="InputShape">The shape it receives.</param>
/// <param name="OutputShape">The shape it produces.</param>
/// <param name="Parameters">Its parameter tensors, in state_dict order.</param>
/// <param name="Buffers">Its buffers (running statistics), in state_dict order.</param>
/// <param name="Window">Its window, for convolutions and pools.</param>
/// <param name="HyperParameters">Its hyper-parameters with defaults resolved (p, eps, momentum, slope, ...), or null for kinds without.</param>
internal sealed record PlannedLayer(
    string Name,
    string PropertyName,
    LayerKind Kind,
    Shape InputShape,
    Shape OutputShape,
    EquatableArray<PlannedTensor> Parameters,
    EquatableArray<PlannedTensor> Buffers,
    Window? Window,
    HyperParameters? HyperParameters)
{
    public int InFeatures => InputShape.ElementCount;

    public int OutFeatures => OutputShape.ElementCount;

    public int ParameterCount => Parameters.Sum(p => p.Length);

    public PlannedTensor? Tensor(string role) => Parameters.Concat(Buffers).FirstOrDefault(t => t.Role == role);

    public int WeightOffset => Tensor("weight")?.Offset ?? -1;

    public int BiasOffset => Tensor("bias")?.Offset ?? -1;

    /// <summary>Its hyper-parameters, which its shape rule resolved as a <typeparamref name="T"/>.</summary>
    /// <exception cref="System.InvalidOperationException">The rule resolved none or another kind: a bug of ours.</exception>
    public T HyperParametersAs<T>()
        where T : HyperParameters =>
        HyperParameters as T ?? throw new System.InvalidOperationException(
            "Layer '" + Name + "' (" + Kind + ") has " + (HyperParameters?.GetType().Name ?? "no hyper-parameters") + ", not " + typeof(T).Name + ".");
}

/// <summary>What a stage computes.</summary>
internal enum StageKind
{
    /// <summary>A Linear layer, with an optional fused activation.</summary>
    Linear,

    /// <summary>A Conv1D or Conv2D layer, with an optional fused activation.</summary>
    Convolution,

    /// <summary>Max or average pooling.</summary>
    Pool,

    /// <summary>Global average pooling.</summary>
    GlobalAvgPool,

    /// <summary>An element-wise activation on its own.</summary>
    Activation,

    /// <summary>An element-wise activation with learned parameters (PReLU's slopes); always kernel calls.</summary>
    LearnedActivation,

    /// <summary>Softmax or LogSoftmax over a one-dimensional sample.</summary>
    Softmax,

    /// <summary>Layer normalization.</summary>
    Normalization,

    /// <summary>Batch normalization: in training it needs the statistics of the whole batch, so training passes are split at it.</summary>
    BatchNorm,

    /// <summary>Dropout.</summary>
    Dropout,

    /// <summary>An RNN, LSTM or GRU layer over a sequence; always kernel calls.</summary>
    Recurrent,

    /// <summary>An embedding: token indices to rows of its weight; always kernel calls.</summary>
    Embedding,

    /// <summary>A reduction over the steps of a sequence (mean, maximum, last step); always kernel calls.</summary>
    SequenceHead,

    /// <summary>A positional encoding added to every step of a sequence; always kernel calls.</summary>
    PositionalEncoding,

    /// <summary>Multi-head self-attention over a sequence; always kernel calls.</summary>
    Attention,

    /// <summary>The end of a residual block: the block's output plus its input.</summary>
    ResidualAdd,
}

/// <summary>A unit of emitted code.</summary>
/// <param name="Index">The stage's position, from 1; stage 0 is the input.</param>
/// <param name="Kind">What it computes.</param>
/// <param name="LayerIndex">The index in the plan's layers of its main layer.</param>
/// <param name="ActivationLayerIndex">The index of a fused activation layer, or -1.</param>
/// <param name="Activation">The element-wise activation it applies (fused, or the stage itself), or null.</param>
/// <param name="InputWidth">Floats per sample in.</param>
/// <param name="OutputWidth">Floats per sample out.</param>
/// <param name="IsUnrolled">Whether it is straight-line code rather than kernel calls.</param>
/// <param name="ResidualSource">For a residual add, the stage whose output is the block's input; otherwise -1.</param>
/// <param name="AuxOffset">Where its per-sample auxiliary floats start within the auxiliary workspace.</param>
/// <param name="AuxWidth">Its auxiliary floats per sample: a dropout mask, or a residual add's saved gradient.</param>
internal sealed record Stage(
    int Index,
    StageKind Kind,
    int LayerIndex,
    int ActivationLayerIndex,
    Catalog.ActivationFunction? Activation,
    int InputWidth,
    int OutputWidth,
    bool IsUnrolled,
    int ResidualSource,
    int AuxOffset,
    int AuxWidth);
