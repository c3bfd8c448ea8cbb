using System;
using BenchmarkDotNet.Attributes;
using NetDsl.Onnx;

namespace NetDsl.Benchmarks;

/// <summary>Issue 13's sequence model: LSTM(F = 8, H = 32) over T = 50 steps, classifying its final state into 4 classes.</summary>
[Network]
[Input(50, 8)]
[LSTM(32, ReturnSequences = false, Name = "lstm")]
[Linear(4, Name = "fc")]
public partial class LstmNet;

/// <summary>(a) One whole sequence, batch 1: NetDsl and ONNX Runtime on the same weights, outputs checked equal first.</summary>
[Config(typeof(BenchmarkConfig))]
public class LstmForwardBatch1
{
    private LstmNet _model = null!;
    private float[] _x = null!;
    private readonly float[] _y = new float[4];
    private OrtRunner _ort1 = null!;
    private OrtRunner _ortDefault = null!;

    /// <summary>Builds both systems on the same weights and inputs and checks they agree.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _model = new LstmNet(seed: 1);
        _x = Check.Uniform(LstmNet.InputSize, seed: 2);
        _model.Forward(_x, _y);
        byte[] onnx = OnnxExporter.ToBytes(_model);
        _ort1 = MlpFixtures.Ort(onnx, _x, 1, [50, 8], 4, singleThread: true, _y);
        _ortDefault = MlpFixtures.Ort(onnx, _x, 1, [50, 8], 4, singleThread: false, _y);
    }

    /// <summary>Releases the ONNX Runtime sessions.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _ort1.Dispose();
        _ortDefault.Dispose();
    }

    /// <summary>NetDsl.</summary>
    [Benchmark(Baseline = true)]
    public void NetDsl() => _model.Forward(_x, _y);

    /// <summary>ONNX Runtime, 1 intra-op thread, IOBinding.</summary>
    [Benchmark]
    public void OnnxRuntime1Thread() => _ort1.Run();

    /// <summary>ONNX Runtime, default threads, IOBinding.</summary>
    [Benchmark]
    public void OnnxRuntimeDefault() => _ortDefault.Run();
}

/// <summary>(b) One streaming step: a sensor sample of 8 features through the LSTM and its head.</summary>
[Config(typeof(BenchmarkConfig))]
public class LstmStreamingStep
{
    private LstmNet _model = null!;
    private float[] _x = null!;
    private readonly float[] _y = new float[4];
    private LstmNet.StreamState _state;
    private int _step;

    /// <summary>Checks that streaming the sequence gives the whole-sequence output bit for bit.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _model = new LstmNet(seed: 1);
        _x = Check.Uniform(LstmNet.InputSize, seed: 2);
        var whole = new float[4];
        _model.Forward(_x, whole);
        for (int t = 0; t < 50; t++)
        {
            _model.Step(ref _state, _x.AsSpan(t * 8, 8), _y);
        }

        if (!whole.AsSpan().SequenceEqual(_y))
        {
            throw new InvalidOperationException($"Streaming gave [{string.Join(", ", _y)}], the whole sequence [{string.Join(", ", whole)}].");
        }
    }

    /// <summary>NetDsl: one step of the stream (the state runs on past 50 steps; each call is one step's work).</summary>
    [Benchmark(Baseline = true)]
    public void NetDsl()
    {
        _model.Step(ref _state, _x.AsSpan(_step * 8, 8), _y);
        _step = (_step + 1) % 50;
    }
}

/// <summary>(c) A training step at batch 32: zero gradients, forward, cross-entropy on the final state's logits, BPTT, SGD.</summary>
[Config(typeof(BenchmarkConfig))]
public partial class LstmTrainStepBatch32
{
    private const int Batch = 32;
    private const float LearningRate = 1e-2f;
    private LstmNet _model = null!;
    private Sgd _sgd = null!;
    private CrossEntropyLoss _loss = null!;
    private float[] _x = null!;
    private float[] _t = null!;
    private readonly float[] _prediction = new float[Batch * 4];
    private readonly float[] _gradient = new float[Batch * 4];

    /// <summary>
    /// Builds the model and checks that one step moves every tensor; with TorchSharp, also that libtorch's nn.LSTM gives
    /// the same outputs, loss and gradients from the same weights.
    /// </summary>
    [GlobalSetup]
    public void Setup()
    {
        _model = new LstmNet(seed: 1);
        _x = Check.Uniform(Batch * LstmNet.InputSize, seed: 2);
        _t = Check.Classes(Batch, 4);
        _sgd = new Sgd(LearningRate);
        _loss = new CrossEntropyLoss();
        RecurrentStep.CheckEveryTensorMoves(_model, NetDsl);
        SetupTorchSharp();
    }

    /// <summary>Releases the TorchSharp model.</summary>
    [GlobalCleanup]
    public void Cleanup() => CleanupTorchSharp();

    /// <summary>NetDsl.</summary>
    [Benchmark(Baseline = true)]
    public float NetDsl()
    {
        _model.ZeroGradients();
        _model.ForwardTraining(_x, _prediction);
        float loss = _loss.ComputeWithGradient(_prediction, _t, _gradient);
        _model.Backward(_gradient);
        _sgd.Step(_model);
        return loss;
    }
}

/// <summary>
/// (c) for a GRU, stacked and bidirectional: two layers of GRU(32) in both directions over the same 50 steps of 8 features,
/// the last layer's final states (forward after step 49, reverse after step 0) classified into 4 classes.
/// </summary>
[Network]
[Input(50, 8)]
[GRU(32, Layers = 2, Bidirectional = true, ReturnSequences = false, Name = "gru")]
[Linear(4, Name = "fc")]
public partial class GruNet;

/// <summary>The training step of (c) on <see cref="GruNet"/>.</summary>
[Config(typeof(BenchmarkConfig))]
public partial class GruTrainStepBatch32
{
    private const int Batch = 32;
    private const float LearningRate = 1e-2f;
    private GruNet _model = null!;
    private Sgd _sgd = null!;
    private CrossEntropyLoss _loss = null!;
    private float[] _x = null!;
    private float[] _t = null!;
    private readonly float[] _prediction = new float[Batch * 4];
    private readonly float[] _gradient = new float[Batch * 4];

    /// <summary>As <see cref="LstmTrainStepBatch32.Setup"/>, against libtorch's nn.GRU.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _model = new GruNet(seed: 1);
        _x = Check.Uniform(Batch * GruNet.InputSize, seed: 2);
        _t = Check.Classes(Batch, 4);
        _sgd = new Sgd(LearningRate);
        _loss = new CrossEntropyLoss();
        RecurrentStep.CheckEveryTensorMoves(_model, NetDsl);
        SetupTorchSharp();
    }

    /// <summary>Releases the TorchSharp model.</summary>
    [GlobalCleanup]
    public void Cleanup() => CleanupTorchSharp();

    /// <summary>NetDsl.</summary>
    [Benchmark(Baseline = true)]
    public float NetDsl()
    {
        _model.ZeroGradients();
        _model.ForwardTraining(_x, _prediction);
        float loss = _loss.ComputeWithGradient(_prediction, _t, _gradient);
        _model.Backward(_gradient);
        _sgd.Step(_model);
        return loss;
    }
}

/// <summary>The check of the recurrent training steps that needs no peer.</summary>
internal static class RecurrentStep
{
    /// <summary>
    /// One step from the initial parameters must give a finite loss and a gradient to every tensor (the layers are checked
    /// against the reference in the tests); the parameters are restored afterwards.
    /// </summary>
    public static void CheckEveryTensorMoves(INetwork model, Func<float> step)
    {
        float[] initial = model.Parameters.ToArray();
        float loss = step();
        foreach (TensorInfo tensor in model.ParameterTensors)
        {
            if (!float.IsFinite(loss) || model.Gradients.Slice(tensor.Offset, tensor.Length).IndexOfAnyExcept(0f) < 0)
            {
                throw new InvalidOperationException($"The training step left {tensor.Name} without a gradient (loss {loss}).");
            }
        }

        initial.AsSpan().CopyTo(model.Parameters);
        model.ZeroGradients();
    }
}
