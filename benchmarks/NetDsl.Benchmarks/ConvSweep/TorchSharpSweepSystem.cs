#if TORCHSHARP
using System;
using TorchSharp;
using static TorchSharp.torch;

namespace NetDsl.Benchmarks.ConvSweep;

/// <summary>
/// The sweep's peer (built with -p:WithTorchSharp=true): libtorch on one thread (<c>torch.set_num_threads(1)</c>) on the
/// same arrays as NetDsl. Forward: <c>torch.nn.functional.conv2d</c> (or <c>linear</c>) under inference mode. Backward:
/// the graph of one forward pass is kept (<c>retain_graph</c>) and each timed call is <c>torch.autograd.grad</c> of the
/// output, given the same output gradient, with respect to the input (unless the row is a first layer's), the weight and the bias — the gradients NetDsl's
/// <c>ConvolutionKernels.Backward</c> computes, returned as new tensors rather than accumulated. Before a case is timed,
/// its output and gradients are checked against NetDsl's (<see cref="Check.Same"/>).
/// </summary>
public sealed class TorchSharpSweepSystem : ISweepSystem
{
    /// <summary>Sets libtorch to one intra-op thread (a process-wide setting).</summary>
    public TorchSharpSweepSystem()
    {
        torch.set_num_threads(1);
    }

    /// <inheritdoc/>
    public string Name => "TorchSharp";

    /// <inheritdoc/>
    public (double ForwardSeconds, double BackwardSeconds) Time(SweepCase sweepCase, SweepTimer timer)
    {
        ArgumentNullException.ThrowIfNull(sweepCase);
        ArgumentNullException.ThrowIfNull(timer);
        SweepData data = SweepData.For(sweepCase);
        using var scope = NewDisposeScope();
        int batch = sweepCase.Batch;
        bool convolution = sweepCase.Kind == SweepKind.Convolution;
        long[] xShape = convolution ? [batch, sweepCase.InChannels, sweepCase.Size, sweepCase.Size] : [batch, sweepCase.InChannels];
        long[] weightShape = convolution ? [sweepCase.OutChannels, sweepCase.InChannels, sweepCase.Kernel, sweepCase.Kernel] : [sweepCase.OutChannels, sweepCase.InChannels];
        Tensor x = tensor(data.X, xShape, requires_grad: convolution && sweepCase.InputGradient);
        Tensor weight = tensor(data.Weight, weightShape, requires_grad: convolution);
        Tensor bias = tensor(data.Bias, [sweepCase.OutChannels], requires_grad: convolution);
        long[] stride = [sweepCase.Stride, sweepCase.Stride];
        long[] padding = [sweepCase.Padding, sweepCase.Padding];
        Tensor Apply() => convolution
            ? nn.functional.conv2d(x, weight, bias, strides: stride, padding: padding)
            : nn.functional.linear(x, weight, bias);

        double forward = timer.MedianSeconds(() =>
        {
            using var callScope = NewDisposeScope();
            using var mode = inference_mode();
            Apply();
        });
        Tensor y = Apply();
        var netDsl = new NetDslSweepSystem();
        Check.Same($"{sweepCase.Label}: TorchSharp forward", y.data<float>().ToArray(), netDsl.Forward(sweepCase, data));
        if (!convolution)
        {
            return (forward, double.NaN);
        }

        Tensor dz = tensor(data.OutputGradient, y.shape);
        // A first layer's row asks for the parameters' gradients only, as autograd does for an input without requires_grad.
        Tensor[] wrt = sweepCase.InputGradient ? [x, weight, bias] : [weight, bias];
        var gradients = torch.autograd.grad([y], wrt, [dz], retain_graph: true);
        (float[] dx, float[] dw, float[] db) = netDsl.Backward(sweepCase, data);
        int first = sweepCase.InputGradient ? 1 : 0;
        if (sweepCase.InputGradient)
        {
            Check.Same($"{sweepCase.Label}: TorchSharp input gradient", gradients[0].data<float>().ToArray(), dx);
        }

        Check.Same($"{sweepCase.Label}: TorchSharp weight gradient", gradients[first].data<float>().ToArray(), dw);
        Check.Same($"{sweepCase.Label}: TorchSharp bias gradient", gradients[first + 1].data<float>().ToArray(), db);
        double backward = timer.MedianSeconds(() =>
        {
            using var callScope = NewDisposeScope();
            torch.autograd.grad([y], wrt, [dz], retain_graph: true);
        });
        return (forward, backward);
    }
}
#endif
