namespace NetDsl;

/// <summary>How a loss reduces the per-element (or per-sample) losses of a batch to one number, as PyTorch's <c>reduction</c>.</summary>
public enum LossReduction
{
    /// <summary>The mean (PyTorch's default): per element for element-wise losses, the (weighted) mean per sample for cross-entropy.</summary>
    Mean,

    /// <summary>The sum.</summary>
    Sum,
}
