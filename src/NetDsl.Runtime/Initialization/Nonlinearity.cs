namespace NetDsl;

/// <summary>The non-linearity that follows a layer, which sets the recommended initialization gain (PyTorch's <c>calculate_gain</c>).</summary>
public enum Nonlinearity
{
    /// <summary>No non-linearity (also the gain of convolutions): 1.</summary>
    Linear,

    /// <summary>Sigmoid: 1.</summary>
    Sigmoid,

    /// <summary>Tanh: 5/3.</summary>
    Tanh,

    /// <summary>ReLU: sqrt(2).</summary>
    ReLU,

    /// <summary>Leaky ReLU with negative slope <c>a</c>: sqrt(2 / (1 + a²)).</summary>
    LeakyReLU,

    /// <summary>SELU: 3/4.</summary>
    Selu,
}
