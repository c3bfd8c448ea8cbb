using System;
using Microsoft.ML.OnnxRuntime;

namespace NetDsl.Onnx.Tests;

/// <summary>Runs an exported model in ONNX Runtime (CPU, one thread) on a batch of samples.</summary>
internal sealed class OnnxRuntimeRunner : IDisposable
{
    private readonly InferenceSession _session;

    /// <summary>Loads the model bytes; <paramref name="optimize"/> turns ONNX Runtime's graph rewrites (fusions, constant folding) on or off.</summary>
    public OnnxRuntimeRunner(byte[] model, bool optimize)
    {
        using var options = new SessionOptions
        {
            IntraOpNumThreads = 1,
            InterOpNumThreads = 1,
            GraphOptimizationLevel = optimize ? GraphOptimizationLevel.ORT_ENABLE_ALL : GraphOptimizationLevel.ORT_DISABLE_ALL,
        };
        _session = new InferenceSession(model, options);
    }

    /// <summary>The loaded session, for its metadata.</summary>
    public InferenceSession Session => _session;

    /// <summary>Runs the batch <paramref name="inputs"/> (<paramref name="batch"/> samples of <paramref name="sampleShape"/>) and returns the output's data and shape.</summary>
    public (float[] Data, long[] Shape) Run(float[] inputs, int batch, ReadOnlySpan<int> sampleShape, string inputName = "input", string outputName = "output")
    {
        long[] shape = new long[sampleShape.Length + 1];
        shape[0] = batch;
        for (int i = 0; i < sampleShape.Length; i++)
        {
            shape[i + 1] = sampleShape[i];
        }

        using OrtValue input = OrtValue.CreateTensorValueFromMemory(inputs, shape);
        using var runOptions = new RunOptions();
        using IDisposableReadOnlyCollection<OrtValue> outputs = _session.Run(runOptions, [inputName], [input], [outputName]);
        OrtValue output = outputs[0];
        return (output.GetTensorDataAsSpan<float>().ToArray(), output.GetTensorTypeAndShape().Shape);
    }

    /// <inheritdoc/>
    public void Dispose() => _session.Dispose();
}
