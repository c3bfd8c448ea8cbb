using System;

namespace NetDsl;

/// <summary>
/// What every generated network offers to generic code (optimizers, trainers, weight files) without
/// reflection. Samples are stored row-major, one after another: a batch of <c>N</c> inputs is a span of
/// <c>N * InputSize</c> floats.
/// </summary>
/// <remarks>
/// A network instance is not thread-safe: it owns the workspace its forward and backward passes use.
/// </remarks>
public interface INetwork
{
    /// <summary>Every parameter in one flat span, in PyTorch's <c>state_dict()</c> order and layouts.</summary>
    Span<float> Parameters { get; }

    /// <summary>The gradient of every parameter, laid out as <see cref="Parameters"/>.</summary>
    Span<float> Gradients { get; }

    /// <summary>The named tensors that make up <see cref="Parameters"/>, in order: PyTorch's <c>state_dict()</c> keys and shapes.</summary>
    System.Collections.Generic.IReadOnlyList<TensorInfo> ParameterTensors { get; }

    /// <summary>
    /// The network's buffers: state that is not trained by gradients but saved with the parameters, such as batch
    /// normalization's running statistics, in PyTorch's <c>state_dict()</c> order. Empty for most networks.
    /// </summary>
    Span<float> Buffers { get; }

    /// <summary>The named tensors that make up <see cref="Buffers"/>, in order.</summary>
    System.Collections.Generic.IReadOnlyList<TensorInfo> BufferTensors { get; }

    /// <summary>The layers, in order, with shapes and hyper-parameters: what exporters need to rebuild the architecture.</summary>
    System.Collections.Generic.IReadOnlyList<LayerInfo> Layers { get; }

    /// <summary>
    /// A compact, stable description of the architecture (layer kinds, sizes and names), for example
    /// <c>Input[3] fc1=Linear(3,2) 1=ReLU fc2=Linear(2,1)</c>. Weight files record it to recognize their network.
    /// </summary>
    string Architecture { get; }

    /// <summary>Computes the output of one sample (inference: nothing is recorded for backward).</summary>
    /// <exception cref="ArgumentException">A span's length differs from the network's input or output size.</exception>
    void Forward(ReadOnlySpan<float> input, Span<float> output);

    /// <summary>Computes the outputs of a batch of samples (inference: nothing is recorded for backward).</summary>
    /// <exception cref="ArgumentException">The input is not a whole number of samples, or the output does not hold one output per sample.</exception>
    void ForwardBatch(ReadOnlySpan<float> inputs, Span<float> outputs);

    /// <summary>
    /// Computes the outputs of a batch of samples (one sample is a batch of one) and records what
    /// <see cref="Backward(ReadOnlySpan{float}, Span{float})"/> needs.
    /// </summary>
    /// <exception cref="ArgumentException">The input is not a whole number of samples, or the output does not hold one output per sample.</exception>
    void ForwardTraining(ReadOnlySpan<float> inputs, Span<float> outputs);

    /// <summary>
    /// Back-propagates the gradient of the loss with respect to the outputs of the last
    /// <see cref="ForwardTraining"/> call, <b>adding</b> each parameter's gradient to <see cref="Gradients"/>
    /// (as PyTorch accumulates into <c>.grad</c>).
    /// </summary>
    /// <exception cref="InvalidOperationException">No <see cref="ForwardTraining"/> call was recorded.</exception>
    /// <exception cref="ArgumentException">The gradient does not match the recorded batch.</exception>
    void Backward(ReadOnlySpan<float> outputGradients);

    /// <summary>
    /// As <see cref="Backward(ReadOnlySpan{float})"/>, and also writes the gradient of the loss with respect
    /// to the recorded inputs into <paramref name="inputGradients"/> (overwritten, not accumulated).
    /// </summary>
    void Backward(ReadOnlySpan<float> outputGradients, Span<float> inputGradients);

    /// <summary>Sets every gradient to zero.</summary>
    void ZeroGradients();
}

/// <summary>A generated network type, with its shapes as static members for generic code.</summary>
/// <typeparam name="TSelf">The network class itself.</typeparam>
public interface INetwork<TSelf> : INetwork
    where TSelf : class, INetwork<TSelf>
{
    /// <summary>The number of floats in one input sample.</summary>
    static abstract int InputSize { get; }

    /// <summary>The number of floats in one output sample.</summary>
    static abstract int OutputSize { get; }

    /// <summary>The number of parameters.</summary>
    static abstract int ParameterCount { get; }

    /// <summary>The shape of one input sample, outermost dimension first.</summary>
    static abstract ReadOnlySpan<int> InputShape { get; }

    /// <summary>The shape of one output sample, outermost dimension first.</summary>
    static abstract ReadOnlySpan<int> OutputShape { get; }

    /// <summary>A human-readable table of the layers: names, kinds, output shapes and parameter counts.</summary>
    static abstract string Summary { get; }

    /// <summary>Creates a network initialized as PyTorch initializes it, deterministically from <paramref name="seed"/>.</summary>
    static abstract TSelf Create(int seed);
}
