namespace NetDsl.Generator.Model;

/// <summary>The kinds of entries in a network's stack, one per attribute of the runtime.</summary>
internal enum LayerKind
{
    Input,
    Linear,
    Conv1D,
    Conv2D,
    MaxPool1D,
    MaxPool2D,
    AvgPool1D,
    AvgPool2D,
    GlobalAvgPool,
    Flatten,
    Reshape,
    Dropout,
    BatchNorm1D,
    BatchNorm2D,
    LayerNorm,
    Identity,
    ReLU,
    Sigmoid,
    Tanh,
    LeakyReLU,
    ELU,
    GELU,
    SiLU,
    Softplus,
    Hardswish,
    Mish,
    PReLU,
    Softmax,
    LogSoftmax,
    Residual,
    EndResidual,
    RNN,
    LSTM,
    GRU,
    Embedding,

    /// <summary>An attribute derived from LayerAttribute that NetDsl does not know.</summary>
    Unknown,
}
