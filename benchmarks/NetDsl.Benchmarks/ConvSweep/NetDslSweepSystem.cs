using System;
using NetDsl.Generated;

namespace NetDsl.Benchmarks.ConvSweep;

/// <summary>
/// NetDsl's kernels through their public API, one thread: <see cref="ConvolutionKernels.Forward(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int, in WindowGeometry)"/>
/// and <see cref="ConvolutionKernels.Backward(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float}, Span{float}, int, in WindowGeometry)"/>
/// (weight and bias gradients added, input gradient written unless the row is a first layer's), and <see cref="LinearKernels.Forward"/>.
/// </summary>
public sealed class NetDslSweepSystem : ISweepSystem
{
    /// <inheritdoc/>
    public string Name => "NetDsl";

    /// <inheritdoc/>
    public (double ForwardSeconds, double BackwardSeconds) Time(SweepCase sweepCase, SweepTimer timer)
    {
        ArgumentNullException.ThrowIfNull(sweepCase);
        ArgumentNullException.ThrowIfNull(timer);
        SweepData data = SweepData.For(sweepCase);
        int batch = sweepCase.Batch;
        if (sweepCase.Kind == SweepKind.Linear)
        {
            int width = sweepCase.InChannels, outputs = sweepCase.OutChannels;
            return (timer.MedianSeconds(() => LinearKernels.Forward(data.X, data.Weight, data.Bias, data.Y, batch, width, outputs)), double.NaN);
        }

        WindowGeometry g = sweepCase.Geometry;
        double forward = timer.MedianSeconds(() => ConvolutionKernels.Forward(data.X, data.Weight, data.Bias, data.Y, batch, g));
        float[] inputGradient = sweepCase.InputGradient ? data.InputGradient : [];
        double backward = timer.MedianSeconds(() => ConvolutionKernels.Backward(data.X, data.Weight, data.OutputGradient, data.WeightGradient, data.BiasGradient, inputGradient, batch, g));
        if (!float.IsFinite(data.Y[^1]) || (sweepCase.InputGradient && !float.IsFinite(data.InputGradient[0])) || !float.IsFinite(data.WeightGradient[^1]))
        {
            throw new InvalidOperationException($"{sweepCase.Label}: the kernels produced a non-finite value.");
        }

        return (forward, backward);
    }

    /// <summary>One forward call of <paramref name="sweepCase"/> on <paramref name="data"/>; returns a copy of the output (for a peer's equality check).</summary>
    public float[] Forward(SweepCase sweepCase, SweepData data)
    {
        ArgumentNullException.ThrowIfNull(sweepCase);
        ArgumentNullException.ThrowIfNull(data);
        if (sweepCase.Kind == SweepKind.Linear)
        {
            LinearKernels.Forward(data.X, data.Weight, data.Bias, data.Y, sweepCase.Batch, sweepCase.InChannels, sweepCase.OutChannels);
        }
        else
        {
            ConvolutionKernels.Forward(data.X, data.Weight, data.Bias, data.Y, sweepCase.Batch, sweepCase.Geometry);
        }

        return (float[])data.Y.Clone();
    }

    /// <summary>One backward call of a convolution <paramref name="sweepCase"/> from zeroed gradients; returns the input (empty for a first layer's row), weight and bias gradients.</summary>
    public (float[] InputGradient, float[] WeightGradient, float[] BiasGradient) Backward(SweepCase sweepCase, SweepData data)
    {
        ArgumentNullException.ThrowIfNull(sweepCase);
        ArgumentNullException.ThrowIfNull(data);
        var dx = new float[sweepCase.InputGradient ? data.InputGradient.Length : 0];
        var dw = new float[data.WeightGradient.Length];
        var db = new float[data.BiasGradient.Length];
        ConvolutionKernels.Backward(data.X, data.Weight, data.OutputGradient, dw, db, dx, sweepCase.Batch, sweepCase.Geometry);
        return (dx, dw, db);
    }
}
