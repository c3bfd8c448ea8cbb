using System;
using System.Collections.Generic;

namespace NetDsl.Onnx.Tests;

/// <summary>
/// A hand-made <see cref="INetwork"/> whose layer list the test chooses, for layer kinds no generated network has
/// (such as a kind added to NetDsl after the exporter). It only describes itself; it cannot compute.
/// </summary>
internal sealed class FakeNetwork : INetwork
{
    private readonly float[] _parameters;
    private readonly TensorInfo[] _parameterTensors;
    private readonly LayerInfo[] _layers;

    public FakeNetwork(TensorInfo[] parameterTensors, params LayerInfo[] layers)
    {
        _parameterTensors = parameterTensors;
        int count = 0;
        foreach (TensorInfo tensor in parameterTensors)
        {
            count = Math.Max(count, tensor.Offset + tensor.Length);
        }

        _parameters = new float[count];
        _layers = layers;
    }

    public Span<float> Parameters => _parameters;

    public Span<float> Gradients => throw new NotSupportedException();

    public IReadOnlyList<TensorInfo> ParameterTensors => _parameterTensors;

    public Span<float> Buffers => Span<float>.Empty;

    public IReadOnlyList<TensorInfo> BufferTensors => [];

    public IReadOnlyList<LayerInfo> Layers => _layers;

    public string Architecture => "fake";

    /// <summary>A Linear layer 4 → 2 named <paramref name="name"/> whose weight and bias are the network's tensors 0 and 1.</summary>
    public static LayerInfo Linear(string name) =>
        new(name, "Linear", [4], [2], [0, 1], [], ["Bias"], [1]);

    /// <summary>A layer of kind <paramref name="kind"/> without tensors that keeps a <c>[2]</c> sample's shape.</summary>
    public static LayerInfo Shapeless(string name, string kind) => new(name, kind, [2], [2], [], [], [], []);

    /// <summary>The tensors of <see cref="Linear"/>.</summary>
    public static TensorInfo[] LinearTensors(string name) => [new(name + ".weight", 0, 2, 4), new(name + ".bias", 8, 2)];

    public void Forward(ReadOnlySpan<float> input, Span<float> output) => throw new NotSupportedException();

    public void ForwardBatch(ReadOnlySpan<float> inputs, Span<float> outputs) => throw new NotSupportedException();

    public void ForwardTraining(ReadOnlySpan<float> inputs, Span<float> outputs) => throw new NotSupportedException();

    public void Backward(ReadOnlySpan<float> outputGradients) => throw new NotSupportedException();

    public void Backward(ReadOnlySpan<float> outputGradients, Span<float> inputGradients) => throw new NotSupportedException();

    public void ZeroGradients() => throw new NotSupportedException();
}
