namespace NetDsl;

/// <summary>What a loss expects as targets, which also decides the metrics a trainer reports.</summary>
public enum TargetKind
{
    /// <summary>
    /// One float per sample holding a class index <c>0 … C−1</c> as a whole number (exact up to 2^24 classes); the
    /// network outputs <c>C</c> logits per sample. Metrics: accuracy, confusion matrix, per-class precision and recall.
    /// </summary>
    ClassIndex,

    /// <summary>
    /// One float in [0, 1] per output (usually 0 or 1); the network outputs one logit per label. Metrics: accuracy of
    /// <c>logit &gt; 0</c> against <c>target &gt;= 0.5</c>, and a 2×2 confusion matrix over every label.
    /// </summary>
    Binary,

    /// <summary>One real value per output (regression). Metrics: mean absolute error and root mean squared error.</summary>
    Value,
}
