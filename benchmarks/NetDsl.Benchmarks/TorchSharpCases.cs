#if TORCHSHARP
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
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
/// in from NetDsl's flat view, which holds PyTorch's state_dict order and layouts: in the module's order, or by name where
/// the module's parameters are named as NetDsl's tensors (<see cref="Recurrent"/>).
/// </summary>
public sealed class TorchCase : IDisposable
{
    private readonly nn.Module<Tensor, Tensor> _model;
    private readonly Parameter[] _parameters;
    private readonly Tensor _x;
    private readonly Tensor? _t;
    private readonly optim.Optimizer? _sgd;
    private readonly TorchLoss _loss;
    private readonly IReadOnlyList<TensorInfo>? _names;

    private TorchCase(nn.Module<Tensor, Tensor> model, ReadOnlySpan<float> parameters, float[] x, long[] xShape, float[]? targets, TorchLoss loss, float learningRate, IReadOnlyList<TensorInfo>? names = null, bool inputGradient = false)
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

        _parameters = names is null ? model.parameters().ToArray() : ByName(model, names);
        _names = names;
        SetParameters(parameters);
        _x = tensor(x, xShape);
        if (inputGradient)
        {
            _x.requires_grad_(true);
        }

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

    /// <summary>
    /// A recurrent classifier (<see cref="RecurrentClassifier"/>) on sequences <paramref name="xShape"/> = [batch, T, F],
    /// its parameters matched to NetDsl's <paramref name="names"/> by name and shape. With
    /// <paramref name="inputGradient"/> the input requires a gradient, which <see cref="InputGradient"/> reads after a step.
    /// </summary>
    public static TorchCase Recurrent(RecurrentClassifier model, IReadOnlyList<TensorInfo> names, ReadOnlySpan<float> parameters, float[] x, long[] xShape, float[] targets, float learningRate, bool inputGradient = false) =>
        new(model, parameters, x, xShape, targets, TorchLoss.CrossEntropy, learningRate, names, inputGradient);

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

    /// <summary>The gradient of the loss with respect to the input after a step (only for a case created with an input gradient).</summary>
    public float[] InputGradient() =>
        _x.grad is { } g ? g.data<float>().ToArray() : throw new InvalidOperationException("The TorchSharp case computed no input gradient.");

    /// <summary>
    /// <see cref="TrainStep"/> for the phase probe: the <see cref="Stopwatch"/> timestamps after zero_grad, forward and
    /// loss, after backward, and after the SGD step and the loss's read-back (libtorch on the CPU returns when it is done).
    /// </summary>
    public (long Forward, long Backward, long Update) TrainStepTimestamps()
    {
        using var scope = NewDisposeScope();
        _sgd!.zero_grad();
        Tensor y = _model.forward(_x);
        Tensor loss = _loss == TorchLoss.CrossEntropy ? nn.functional.cross_entropy(y, _t!) : nn.functional.mse_loss(y, _t!);
        long forward = Stopwatch.GetTimestamp();
        loss.backward();
        long backward = Stopwatch.GetTimestamp();
        _sgd.step();
        loss.item<float>();
        return (forward, backward, Stopwatch.GetTimestamp());
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
        SameTensors("TorchSharp gradients", Gradients(), gradients);
        SameTensors("TorchSharp updated parameters", Parameters(), updated);
        SetParameters(initial);
    }

    /// <summary>The whole flat view at once; tensor by tensor where the tensors are named, so a small tensor's error cannot hide under a large one's scale.</summary>
    private void SameTensors(string what, float[] actual, float[] expected)
    {
        if (_names is null)
        {
            Check.Same(what, actual, expected);
            return;
        }

        int at = 0;
        foreach (TensorInfo info in _names)
        {
            Check.Same($"{what}, {info.Name}", actual.AsSpan(at, info.Length), expected.AsSpan(info.Offset, info.Length));
            at += info.Length;
        }
    }

    private static Parameter[] ByName(nn.Module model, IReadOnlyList<TensorInfo> names)
    {
        Dictionary<string, Parameter> named = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        string both = $"TorchSharp's tensors: {string.Join(", ", named.Select(p => $"{p.Key} [{string.Join(", ", p.Value.shape)}]"))}; NetDsl's: {string.Join(", ", names)}.";
        if (named.Count != names.Count)
        {
            throw new InvalidOperationException($"TorchSharp's model has {named.Count} tensors, NetDsl's {names.Count}. {both}");
        }

        return names.Select(info =>
                named.TryGetValue(info.Name, out Parameter? p) && p.shape.SequenceEqual(info.Shape.ToArray().Select(d => (long)d))
                    ? p
                    : throw new InvalidOperationException($"TorchSharp's model has no tensor {info}. {both}"))
            .ToArray();
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

/// <summary>
/// nn.LSTM or nn.GRU (batch_first) whose last layer's final state h_n (the forward direction's, then the reverse's) feeds
/// nn.Linear: NetDsl's <c>[LSTM(H, ReturnSequences = false)] [Linear(C)]</c>. The modules are registered as
/// <c>lstm</c>/<c>gru</c> and <c>fc</c>, so the parameters carry the names of NetDsl's tensors when the layers are so named.
/// </summary>
public sealed class RecurrentClassifier : nn.Module<Tensor, Tensor>
{
    private readonly Func<Tensor, Tensor> _finalStates;
    private readonly Linear _head;
    private readonly int _directions;

    private RecurrentClassifier(string name, nn.Module recurrent, Func<Tensor, Tensor> finalStates, bool bidirectional, Linear head)
        : base(nameof(RecurrentClassifier))
    {
        register_module(name, recurrent);
        register_module("fc", head);
        _finalStates = finalStates;
        _head = head;
        _directions = bidirectional ? 2 : 1;
    }

    /// <summary>nn.LSTM(features, hidden, layers, batch_first=True, bidirectional) as <c>lstm</c>, then nn.Linear(D·hidden, classes) as <c>fc</c>.</summary>
    public static RecurrentClassifier Lstm(int features, int hidden, int layers, bool bidirectional, int classes)
    {
        LSTM lstm = nn.LSTM(features, hidden, layers, batchFirst: true, bidirectional: bidirectional);
        return new("lstm", lstm, x => lstm.forward(x).Item2, bidirectional, nn.Linear((bidirectional ? 2 : 1) * hidden, classes));
    }

    /// <summary>nn.GRU(features, hidden, layers, batch_first=True, bidirectional) as <c>gru</c>, then nn.Linear(D·hidden, classes) as <c>fc</c>.</summary>
    public static RecurrentClassifier Gru(int features, int hidden, int layers, bool bidirectional, int classes)
    {
        GRU gru = nn.GRU(features, hidden, layers, batchFirst: true, bidirectional: bidirectional);
        return new("gru", gru, x => gru.forward(x).Item2, bidirectional, nn.Linear((bidirectional ? 2 : 1) * hidden, classes));
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        Tensor states = _finalStates(input); // h_n: [layers * directions, batch, hidden]
        Tensor last = states.narrow(0, states.shape[0] - _directions, _directions).transpose(0, 1).reshape(states.shape[1], -1);
        return _head.forward(last);
    }
}

/// <summary>
/// PyTorch's <c>torch.backends.mkldnn.enabled</c> (at::Context::setUserEnabledMkldnn), which TorchSharp does not expose:
/// with it on (libtorch's default) nn.LSTM on float32 CPU tensors runs as oneDNN's RNN primitive, forward and backward;
/// off, as one autograd graph of per-step operations, as nn.GRU always does.
/// </summary>
internal static class LibTorchMkldnn
{
    public static unsafe void Enable(bool enabled)
    {
        if (!NativeLibrary.TryLoad("torch_cpu", typeof(torch).Assembly, null, out IntPtr library)
            || !NativeLibrary.TryGetExport(library, "_ZN2at13globalContextEv", out IntPtr globalContext)
            || !NativeLibrary.TryGetExport(library, "_ZN2at7Context20setUserEnabledMkldnnEb", out IntPtr setUserEnabledMkldnn))
        {
            throw new InvalidOperationException("libtorch's at::Context::setUserEnabledMkldnn was not found.");
        }

        IntPtr context = ((delegate* unmanaged<IntPtr>)globalContext)();
        ((delegate* unmanaged<IntPtr, byte, void>)setUserEnabledMkldnn)(context, enabled ? (byte)1 : (byte)0);
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

/// <summary>NetDsl's recurrent training steps (issue 13) against libtorch's nn.LSTM and nn.GRU.</summary>
internal static class RecurrentTorchCheck
{
    /// <summary>
    /// From NetDsl's initial parameters (copied by name), TorchSharp must give NetDsl's outputs, the step's loss, every
    /// tensor's gradient and update (<paramref name="step"/>, the timed NetDsl step) and the gradient of the loss with
    /// respect to the input; then returns the model to time, on the initial parameters.
    /// </summary>
    public static TorchCase CheckAndCreate<TNetwork>(TNetwork model, Func<float> step, Func<RecurrentClassifier> torchModel, float[] x, float[] targets, float learningRate)
        where TNetwork : class, INetwork<TNetwork>
    {
        var reference = NetDslReference.Step(model, step);
        int batch = targets.Length;
        var outputs = new float[batch * TNetwork.OutputSize];
        var outputGradients = new float[outputs.Length];
        var inputGradients = new float[x.Length];
        model.ZeroGradients();
        model.ForwardTraining(x, outputs);
        new CrossEntropyLoss().ComputeWithGradient(outputs, targets, outputGradients);
        model.Backward(outputGradients, inputGradients);
        model.ZeroGradients();

        long[] xShape = [batch, .. TNetwork.InputShape.ToArray().Select(d => (long)d)];
        using (TorchCase check = TorchCase.Recurrent(torchModel(), model.ParameterTensors, reference.Initial, x, xShape, targets, learningRate, inputGradient: true))
        {
            Check.Same("TorchSharp outputs", check.ForwardToArray(), outputs);
            check.CheckTrainStep(reference.Initial, reference.Loss, reference.Gradients, reference.Updated);
            Check.Same("TorchSharp input gradients", check.InputGradient(), inputGradients);
        }

        return TorchCase.Recurrent(torchModel(), model.ParameterTensors, reference.Initial, x, xShape, targets, learningRate);
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

public partial class LstmTrainStepBatch32
{
    private TorchCase? _torch;

    partial void SetupTorchSharp()
    {
        if (!TorchSharpStatus.Available)
        {
            return;
        }

        _torch = RecurrentTorchCheck.CheckAndCreate(_model, NetDsl, TorchModel, _x, _t, LearningRate);
    }

    /// <summary>PyTorch's declaration of <see cref="LstmNet"/>.</summary>
    internal static RecurrentClassifier TorchModel() => RecurrentClassifier.Lstm(8, 32, layers: 1, bidirectional: false, 4);

    partial void CleanupTorchSharp() => _torch?.Dispose();

    /// <summary>TorchSharp, 1 thread: zero_grad, forward (nn.LSTM, h_n, nn.Linear), cross_entropy, backward, SGD step.</summary>
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

public partial class GruTrainStepBatch32
{
    private TorchCase? _torch;

    partial void SetupTorchSharp()
    {
        if (!TorchSharpStatus.Available)
        {
            return;
        }

        _torch = RecurrentTorchCheck.CheckAndCreate(_model, NetDsl, TorchModel, _x, _t, LearningRate);
    }

    /// <summary>PyTorch's declaration of <see cref="GruNet"/>.</summary>
    internal static RecurrentClassifier TorchModel() => RecurrentClassifier.Gru(8, 32, layers: 2, bidirectional: true, 4);

    partial void CleanupTorchSharp() => _torch?.Dispose();

    /// <summary>TorchSharp, 1 thread: zero_grad, forward (nn.GRU, h_n of the last layer, nn.Linear), cross_entropy, backward, SGD step.</summary>
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

internal static partial class RecurrentPhaseProbe
{
    /// <summary>TorchSharp on one thread, on the same weights, with oneDNN as shipped and disabled.</summary>
    static partial void ProbeTorchSharp<TNetwork>(TextWriter log, string name, TNetwork model, float[] x, float[] t)
        where TNetwork : class, INetwork<TNetwork>
    {
        if (!TorchSharpStatus.Available)
        {
            return;
        }

        long[] shape = [Batch, .. TNetwork.InputShape.ToArray().Select(d => (long)d)];
        TorchThreads.One();
        foreach (bool mkldnn in new[] { true, false })
        {
            LibTorchMkldnn.Enable(mkldnn);
            RecurrentClassifier module = model switch
            {
                LstmNet => LstmTrainStepBatch32.TorchModel(),
                GruNet => GruTrainStepBatch32.TorchModel(),
                _ => throw new ArgumentException($"No TorchSharp declaration of {typeof(TNetwork).Name}.", nameof(model)),
            };
            using TorchCase torch = TorchCase.Recurrent(module, model.ParameterTensors, model.Parameters, x, shape, t, LearningRate);
            Row(log, name, mkldnn ? "TorchSharp, 1 thread" : "TorchSharp, 1 thread, oneDNN off", torch.TrainStepTimestamps);
        }

        LibTorchMkldnn.Enable(true);
    }
}
#endif
