using System;

namespace NetDsl;

/// <summary>
/// A loss whose gradient can be computed sample range by sample range, on several threads, with exactly the bits of one
/// <see cref="ILoss.ComputeWithGradient"/> call over the whole batch: the reduction's scale is computed once from the
/// whole batch, each range writes its gradient rows and its targets' unscaled losses, and the caller sums those losses in
/// target order. <see cref="DataParallel{TNetwork}.ComputeGradients"/> uses it; other losses run whole on the calling thread.
/// </summary>
internal interface IChunkedLoss
{
    /// <summary>
    /// Checks the whole batch as <see cref="ILoss.ComputeWithGradient"/> does (<paramref name="gradientLength"/> is the
    /// length of the gradient span it would get) and returns the reduction's scale.
    /// </summary>
    /// <exception cref="ArgumentException">The lengths do not describe a batch, or a target is out of its range.</exception>
    double Scale(ReadOnlySpan<float> predictions, ReadOnlySpan<float> targets, int gradientLength);

    /// <summary>
    /// Writes the gradient rows of targets <paramref name="first"/> to <paramref name="first"/> + <paramref name="count"/> − 1
    /// (already scaled by <paramref name="scale"/>) and their unscaled losses into <paramref name="losses"/> at the same
    /// indices. A target is a sample's, or one of its rows' when the loss reads several rows per sample (a per-step
    /// cross-entropy); the caller passes whole samples and sums the losses in target order.
    /// </summary>
    void Rows(ReadOnlySpan<float> predictions, ReadOnlySpan<float> targets, Span<float> gradients, double scale, int first, int count, Span<double> losses);
}
