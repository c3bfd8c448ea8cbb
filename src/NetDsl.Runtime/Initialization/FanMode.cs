namespace NetDsl;

/// <summary>Which fan Kaiming initialization preserves the variance of (PyTorch's <c>mode</c>).</summary>
public enum FanMode
{
    /// <summary>The number of inputs of a unit: preserves the variance of the activations in the forward pass (PyTorch's default).</summary>
    FanIn,

    /// <summary>The number of outputs: preserves the variance of the gradients in the backward pass.</summary>
    FanOut,
}
