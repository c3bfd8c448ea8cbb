#if TORCHSHARP
using System;
using System.Collections.Generic;
using System.Linq;
using BenchmarkDotNet.Attributes;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NetDsl.Benchmarks;

// TorchSharp (TorchSharp-cpu 0.107, libtorch 2.10) on the same weights and inputs as NetDsl. Compiled only with
// -p:WithTorchSharp=true; see docs/benchmarks.md for the setup (benchmarks/torchsharp/setup.sh) on Debian 12.
// Each case is timed with 1 intra-op thread (torch.set_num_threads(1)) and with libtorch's default thread count.

/// <summary>Which loss a TorchSharp training step uses.</summary>
public enum TorchLoss
{
    /// <summary>torch.nn.functional.mse_loss, mean.</summary>
    MeanSquaredError,

    /// <summary>torch.nn.functional.cross_entropy with class-index targets, mean.</summary>
    CrossEntropy,
}

/// <summary>
/// One TorchSharp model with its input (and target and SGD optimizer for training) created once. Parameters are copied
/// in from NetDsl's flat view, which holds PyTorch's state_dict order and layouts.
/// </summary>
public sealed class TorchCase : IDisposable
{
    private readonly nn.Module<Tensor, Tensor> _model;
    private readonly Parameter[] _parameters;
    private readonly Tensor _x;
    private readonly Tensor? _t;
    private readonly optim.Optimizer? _sgd;
    private readonly TorchLoss _loss;

    private TorchCase(nn.Module<Tensor, Tensor> model, ReadOnlySpan<float> parameters, float[] x, long[] xShape, float[]? targets, TorchLoss loss, float learningRate)
    {
        _model = model;
        if (targets is null)
        {
            model.eval(); // inference: dropout passes everything through
        }
        else
        {
            model.train();
        }

        _parameters = model.parameters().ToArray();
        SetParameters(parameters);
        _x = tensor(x, xShape);
        _loss = loss;
        if (targets != null)
        {
            _t = loss == TorchLoss.CrossEntropy
                ? tensor(targets.Select(v => (long)v).ToArray(), [targets.Length])
                : tensor(targets, [xShape[0], targets.Length / xShape[0]]);
            _sgd = optim.SGD(_parameters, learningRate);
        }
    }

    /// <summary>Linear(in, hidden) - ReLU - Linear(hidden, out) on a batch of <paramref name="batch"/> samples.</summary>
    public static TorchCase Mlp(int inFeatures, int hidden, int outFeatures, ReadOnlySpan<float> parameters, float[] x, int batch, float[]? targets = null, TorchLoss loss = TorchLoss.CrossEntropy, float learningRate = 0f) =>
        new(nn.Sequential(nn.Linear(inFeatures, hidden), nn.ReLU(), nn.Linear(hidden, outFeatures)), parameters, x, [batch, inFeatures], targets, loss, learningRate);

    /// <summary>N3: Conv2d(1, 8, 3) - ReLU - MaxPool2d(2) - Conv2d(8, 16, 3) - ReLU - MaxPool2d(2) - Flatten - Linear(400, 10).</summary>
    public static TorchCase Cnn(ReadOnlySpan<float> parameters, float[] x, int batch, float[]? targets = null, float learningRate = 0f) =>
        new(
            nn.Sequential(
                nn.Conv2d(1, 8, 3), nn.ReLU(), nn.MaxPool2d(2),
                nn.Conv2d(8, 16, 3), nn.ReLU(), nn.MaxPool2d(2),
                nn.Flatten(), nn.Linear(400, 10)),
            parameters, x, [batch, 1, 28, 28], targets, TorchLoss.CrossEntropy, learningRate);

    /// <summary>
    /// N4: three Conv2d(3x3, padding 1) - ReLU - MaxPool2d(2) stages (1->32, 32->64, 64->64) - Flatten - Dropout(0.3) -
    /// Linear(576, 10). With <paramref name="dropoutKeep"/> the dropout is replaced by those fixed masks
    /// (<c>[batch, 576]</c>, kept elements scaled by 1/(1-p)), for the equality check with NetDsl's step, whose masks
    /// come from another random stream; without it, nn.Dropout draws its own, as in the timed step.
    /// </summary>
    public static TorchCase N4Cnn(ReadOnlySpan<float> parameters, float[] x, int batch, float[]? targets = null, float learningRate = 0f, bool[]? dropoutKeep = null) =>
        new(
            nn.Sequential(
                nn.Conv2d(1, 32, 3, padding: 1), nn.ReLU(), nn.MaxPool2d(2),
                nn.Conv2d(32, 64, 3, padding: 1), nn.ReLU(), nn.MaxPool2d(2),
                nn.Conv2d(64, 64, 3, padding: 1), nn.ReLU(), nn.MaxPool2d(2),
                nn.Flatten(),
                dropoutKeep is null ? nn.Dropout(N4Reference.DropoutProbability) : new FixedDropoutMask(dropoutKeep, batch, N4Reference.Features, N4Reference.DropoutProbability),
                nn.Linear(N4Reference.Features, 10)),
            parameters, x, [batch, 1, 28, 28], targets, TorchLoss.CrossEntropy, learningRate);

    /// <summary>Inference: a forward pass under inference mode; the output tensor is released at once.</summary>
    public void Forward()
    {
        using var scope = NewDisposeScope();
        using var mode = inference_mode();
        _model.forward(_x);
    }

    /// <summary>The output of one forward pass, for the equality check.</summary>
    public float[] ForwardToArray()
    {
        using var scope = NewDisposeScope();
        using var mode = inference_mode();
        return _model.forward(_x).data<float>().ToArray();
    }

    /// <summary>One training step: zero gradients, forward, loss, backward, SGD update; returns the loss.</summary>
    public float TrainStep()
    {
        using var scope = NewDisposeScope();
        _sgd!.zero_grad();
        Tensor y = _model.forward(_x);
        Tensor loss = _loss == TorchLoss.CrossEntropy ? nn.functional.cross_entropy(y, _t!) : nn.functional.mse_loss(y, _t!);
        loss.backward();
        _sgd.step();
        return loss.item<float>();
    }

    /// <summary>The parameters, flat, in state_dict order.</summary>
    public float[] Parameters() => _parameters.SelectMany(p => p.data<float>().ToArray()).ToArray();

    /// <summary>The gradients of the last step, flat, in state_dict order.</summary>
    public float[] Gradients() => _parameters.SelectMany(p => p.grad is { } g ? g.data<float>().ToArray() : new float[p.numel()]).ToArray();

    /// <summary>Overwrites the parameters from a flat view in state_dict order.</summary>
    public void SetParameters(ReadOnlySpan<float> flat)
    {
        using var scope = NewDisposeScope();
        using var mode = no_grad();
        int at = 0;
        foreach (Parameter p in _parameters)
        {
            int count = (int)p.numel();
            p.copy_(tensor(flat.Slice(at, count).ToArray(), p.shape));
            at += count;
        }

        if (at != flat.Length)
        {
            throw new InvalidOperationException($"TorchSharp model has {at} parameters, NetDsl {flat.Length}.");
        }
    }

    /// <summary>
    /// From NetDsl's initial parameters, one TorchSharp step must give NetDsl's loss, gradients and updated parameters;
    /// afterwards the TorchSharp model is reset to the initial parameters.
    /// </summary>
    public void CheckTrainStep(float[] initial, float loss, float[] gradients, float[] updated)
    {
        SetParameters(initial);
        float torchLoss = TrainStep();
        Check.Same("TorchSharp loss", [torchLoss], [loss]);
        Check.Same("TorchSharp gradients", Gradients(), gradients);
        Check.Same("TorchSharp updated parameters", Parameters(), updated);
        SetParameters(initial);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _sgd?.Dispose();
        _t?.Dispose();
        _x.Dispose();
        _model.Dispose();
    }
}

/// <summary>Dropout with given masks: <c>y = x * mask</c>, the mask <c>1/(1-p)</c> where kept and 0 where dropped.</summary>
public sealed class FixedDropoutMask : nn.Module<Tensor, Tensor>
{
    private readonly Tensor _mask;

    /// <summary>Creates the module for batches of <paramref name="batch"/> samples of <paramref name="features"/> features.</summary>
    public FixedDropoutMask(bool[] keep, int batch, int features, float p)
        : base(nameof(FixedDropoutMask))
    {
        float scale = 1f / (1f - p);
        _mask = tensor(keep.Select(k => k ? scale : 0f).ToArray(), [batch, features]);
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor input) => input * _mask;

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _mask.Dispose();
        }

        base.Dispose(disposing);
    }
}

/// <summary>libtorch's intra-op thread count, set only when it changes (a process-wide setting).</summary>
public static class TorchThreads
{
    private static int s_current = -1;

    /// <summary>Uses one thread.</summary>
    public static void One() => Use(1);

    /// <summary>Uses libtorch's default number of threads (read at start-up, before anything changed it).</summary>
    public static void Default() => Use(TorchSharpStatus.DefaultThreads);

    private static void Use(int threads)
    {
        if (s_current != threads)
        {
            torch.set_num_threads(threads);
            s_current = threads;
        }
    }
}

/// <summary>Runs NetDsl's training step once from its current parameters and restores them.</summary>
internal static class NetDslReference
{
    public static (float[] Initial, float Loss, float[] Gradients, float[] Updated) Step(INetwork model, Func<float> step)
    {
        float[] initial = model.Parameters.ToArray();
        float loss = step();
        float[] gradients = model.Gradients.ToArray();
        float[] updated = model.Parameters.ToArray();
        initial.AsSpan().CopyTo(model.Parameters);
        return (initial, loss, gradients, updated);
    }
}

public partial class N1ForwardBatch1
{
    private TorchCase? _torch;

    partial void SetupTorchSharp()
    {
        if (!TorchSharpStatus.Available)
        {
            return;
        }

        _torch = TorchCase.Mlp(3, 2, 1, _model.Parameters, _x, 1);
        Check.Same("TorchSharp", _torch.ForwardToArray(), [_model.Forward(in _input)[0]]);
    }

    partial void CleanupTorchSharp() => _torch?.Dispose();

    /// <summary>TorchSharp, 1 thread, inference mode.</summary>
    [Benchmark]
    public void TorchSharp1Thread()
    {
        TorchThreads.One();
        (_torch ?? throw TorchSharpStatus.Unavailable()).Forward();
    }

    /// <summary>TorchSharp, default threads, inference mode.</summary>
    [Benchmark]
    public void TorchSharpDefault()
    {
        TorchThreads.Default();
        (_torch ?? throw TorchSharpStatus.Unavailable()).Forward();
    }
}

public partial class N1TrainStepBatch1
{
    private TorchCase? _torch;

    partial void SetupTorchSharp()
    {
        if (!TorchSharpStatus.Available)
        {
            return;
        }

        var reference = NetDslReference.Step(_model, NetDsl);
        _torch = TorchCase.Mlp(3, 2, 1, reference.Initial, _x, 1, _t, TorchLoss.MeanSquaredError, LearningRate);
        _torch.CheckTrainStep(reference.Initial, reference.Loss, reference.Gradients, reference.Updated);
    }

    /// <summary>Releases the TorchSharp model.</summary>
    [GlobalCleanup]
    public void Cleanup() => _torch?.Dispose();

    /// <summary>TorchSharp, 1 thread: zero_grad, forward, mse_loss, backward, SGD step.</summary>
    [Benchmark]
    public float TorchSharp1Thread()
    {
        TorchThreads.One();
        return (_torch ?? throw TorchSharpStatus.Unavailable()).TrainStep();
    }

    /// <summary>TorchSharp, default threads.</summary>
    [Benchmark]
    public float TorchSharpDefault()
    {
        TorchThreads.Default();
        return (_torch ?? throw TorchSharpStatus.Unavailable()).TrainStep();
    }
}

public partial class N2ForwardBatch1
{
    private TorchCase? _torch;

    partial void SetupTorchSharp()
    {
        if (!TorchSharpStatus.Available)
        {
            return;
        }

        _torch = TorchCase.Mlp(784, 128, 10, _model.Parameters, _x, 1);
        Check.Same("TorchSharp", _torch.ForwardToArray(), _y);
    }

    partial void CleanupTorchSharp() => _torch?.Dispose();

    /// <summary>TorchSharp, 1 thread, inference mode.</summary>
    [Benchmark]
    public void TorchSharp1Thread()
    {
        TorchThreads.One();
        (_torch ?? throw TorchSharpStatus.Unavailable()).Forward();
    }

    /// <summary>TorchSharp, default threads, inference mode.</summary>
    [Benchmark]
    public void TorchSharpDefault()
    {
        TorchThreads.Default();
        (_torch ?? throw TorchSharpStatus.Unavailable()).Forward();
    }
}

public partial class N2ForwardBatch64
{
    private TorchCase? _torch;

    partial void SetupTorchSharp()
    {
        if (!TorchSharpStatus.Available)
        {
            return;
        }

        _torch = TorchCase.Mlp(784, 128, 10, _model.Parameters, _x, Batch);
        Check.Same("TorchSharp", _torch.ForwardToArray(), _y);
    }

    partial void CleanupTorchSharp() => _torch?.Dispose();

    /// <summary>TorchSharp, 1 thread, inference mode.</summary>
    [Benchmark]
    public void TorchSharp1Thread()
    {
        TorchThreads.One();
        (_torch ?? throw TorchSharpStatus.Unavailable()).Forward();
    }

    /// <summary>TorchSharp, default threads, inference mode.</summary>
    [Benchmark]
    public void TorchSharpDefault()
    {
        TorchThreads.Default();
        (_torch ?? throw TorchSharpStatus.Unavailable()).Forward();
    }
}

public partial class N2TrainStepBatch32
{
    private TorchCase? _torch;

    partial void SetupTorchSharp()
    {
        if (!TorchSharpStatus.Available)
        {
            return;
        }

        var reference = NetDslReference.Step(_model, NetDsl);
        _torch = TorchCase.Mlp(784, 128, 10, reference.Initial, _x, Batch, _t, TorchLoss.CrossEntropy, LearningRate);
        _torch.CheckTrainStep(reference.Initial, reference.Loss, reference.Gradients, reference.Updated);
    }

    /// <summary>Releases the TorchSharp model.</summary>
    [GlobalCleanup]
    public void Cleanup() => _torch?.Dispose();

    /// <summary>TorchSharp, 1 thread: zero_grad, forward, cross_entropy, backward, SGD step.</summary>
    [Benchmark]
    public float TorchSharp1Thread()
    {
        TorchThreads.One();
        return (_torch ?? throw TorchSharpStatus.Unavailable()).TrainStep();
    }

    /// <summary>TorchSharp, default threads.</summary>
    [Benchmark]
    public float TorchSharpDefault()
    {
        TorchThreads.Default();
        return (_torch ?? throw TorchSharpStatus.Unavailable()).TrainStep();
    }
}

public partial class N3ForwardBatch1
{
    private TorchCase? _torch;

    partial void SetupTorchSharp()
    {
        if (!TorchSharpStatus.Available)
        {
            return;
        }

        _torch = TorchCase.Cnn(_model.Parameters, _x, 1);
        Check.Same("TorchSharp", _torch.ForwardToArray(), _y);
    }

    partial void CleanupTorchSharp() => _torch?.Dispose();

    /// <summary>TorchSharp, 1 thread, inference mode.</summary>
    [Benchmark]
    public void TorchSharp1Thread()
    {
        TorchThreads.One();
        (_torch ?? throw TorchSharpStatus.Unavailable()).Forward();
    }

    /// <summary>TorchSharp, default threads, inference mode.</summary>
    [Benchmark]
    public void TorchSharpDefault()
    {
        TorchThreads.Default();
        (_torch ?? throw TorchSharpStatus.Unavailable()).Forward();
    }
}

public partial class N3TrainStepBatch32
{
    private TorchCase? _torch;

    partial void SetupTorchSharp()
    {
        if (!TorchSharpStatus.Available)
        {
            return;
        }

        var reference = NetDslReference.Step(_model, NetDsl);
        _torch = TorchCase.Cnn(reference.Initial, _x, Batch, _t, LearningRate);
        _torch.CheckTrainStep(reference.Initial, reference.Loss, reference.Gradients, reference.Updated);
    }

    /// <summary>Releases the TorchSharp model.</summary>
    [GlobalCleanup]
    public void Cleanup() => _torch?.Dispose();

    /// <summary>TorchSharp, 1 thread: zero_grad, forward, cross_entropy, backward, SGD step.</summary>
    [Benchmark]
    public float TorchSharp1Thread()
    {
        TorchThreads.One();
        return (_torch ?? throw TorchSharpStatus.Unavailable()).TrainStep();
    }

    /// <summary>TorchSharp, default threads.</summary>
    [Benchmark]
    public float TorchSharpDefault()
    {
        TorchThreads.Default();
        return (_torch ?? throw TorchSharpStatus.Unavailable()).TrainStep();
    }
}

public partial class N4ForwardBatch1
{
    private TorchCase? _torch;

    partial void SetupTorchSharp()
    {
        if (!TorchSharpStatus.Available)
        {
            return;
        }

        _torch = TorchCase.N4Cnn(_model.Parameters, _x, 1);
        Check.Same("TorchSharp", _torch.ForwardToArray(), _y);
    }

    partial void CleanupTorchSharp() => _torch?.Dispose();

    /// <summary>TorchSharp, 1 thread, inference mode (eval: dropout passes everything through).</summary>
    [Benchmark]
    public void TorchSharp1Thread()
    {
        TorchThreads.One();
        (_torch ?? throw TorchSharpStatus.Unavailable()).Forward();
    }

    /// <summary>TorchSharp, default threads, inference mode.</summary>
    [Benchmark]
    public void TorchSharpDefault()
    {
        TorchThreads.Default();
        (_torch ?? throw TorchSharpStatus.Unavailable()).Forward();
    }
}

public partial class N4ForwardBatch64
{
    private TorchCase? _torch;

    partial void SetupTorchSharp()
    {
        if (!TorchSharpStatus.Available)
        {
            return;
        }

        _torch = TorchCase.N4Cnn(_model.Parameters, _x, Batch);
        Check.Same("TorchSharp", _torch.ForwardToArray(), _y);
    }

    partial void CleanupTorchSharp() => _torch?.Dispose();

    /// <summary>TorchSharp, 1 thread, inference mode (eval: dropout passes everything through).</summary>
    [Benchmark]
    public void TorchSharp1Thread()
    {
        TorchThreads.One();
        (_torch ?? throw TorchSharpStatus.Unavailable()).Forward();
    }

    /// <summary>TorchSharp, default threads, inference mode.</summary>
    [Benchmark]
    public void TorchSharpDefault()
    {
        TorchThreads.Default();
        (_torch ?? throw TorchSharpStatus.Unavailable()).Forward();
    }
}

public partial class N4TrainStepBatch64
{
    private TorchCase? _torch;

    /// <summary>
    /// Checks a TorchSharp step with NetDsl's masks (read back from the plain step in <see cref="Setup"/>) against that
    /// step's loss, gradients and update, then builds the timed model, whose nn.Dropout draws its own masks.
    /// </summary>
    partial void SetupTorchSharp()
    {
        if (!TorchSharpStatus.Available)
        {
            return;
        }

        var step = PlainStep;
        using (TorchCase check = TorchCase.N4Cnn(step.Initial, _x, Batch, _t, LearningRate, step.Masks))
        {
            check.CheckTrainStep(step.Initial, step.Loss, step.Gradients, step.Updated);
        }

        _torch = TorchCase.N4Cnn(step.Initial, _x, Batch, _t, LearningRate);
    }

    partial void CleanupTorchSharp() => _torch?.Dispose();

    /// <summary>TorchSharp, 1 thread: zero_grad, forward (nn.Dropout in training mode), cross_entropy, backward, SGD step.</summary>
    [Benchmark]
    public float TorchSharp1Thread()
    {
        TorchThreads.One();
        return (_torch ?? throw TorchSharpStatus.Unavailable()).TrainStep();
    }

    /// <summary>TorchSharp, default threads.</summary>
    [Benchmark]
    public float TorchSharpDefault()
    {
        TorchThreads.Default();
        return (_torch ?? throw TorchSharpStatus.Unavailable()).TrainStep();
    }
}
#endif
