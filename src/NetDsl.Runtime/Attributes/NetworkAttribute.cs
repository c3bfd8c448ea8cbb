using System;

namespace NetDsl;

/// <summary>
/// Marks a <c>partial class</c> as a NetDsl network. The layer attributes on the class, in source order,
/// form the stack; the NetDsl source generator adds the shapes, storage, forward and backward code.
/// </summary>
/// <example>
/// <code>
/// [Network]
/// [Input(3)]
/// [Linear(2, Name = "fc1"), ReLU]
/// [Linear(1, Name = "fc2")]
/// public partial class SimpleNN;
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class NetworkAttribute : Attribute
{
    /// <summary>The default of <see cref="UnrollLimit"/>.</summary>
    public const int DefaultUnrollLimit = 256;

    /// <summary>
    /// A layer whose work (inputs x outputs for <c>Linear</c>, elements for an activation) is at most this
    /// number is emitted as straight-line code with constant indices; a larger one calls the vectorized
    /// kernels. Both paths compute the same function. <c>0</c> sends every layer to the kernels.
    /// </summary>
    public int UnrollLimit { get; set; } = DefaultUnrollLimit;

    /// <summary>
    /// A safetensors file (listed in the project as <c>&lt;AdditionalFiles Include="..." /&gt;</c>) whose tensors are checked
    /// against the layers at build time and compiled into the assembly: the generated <c>CreatePretrained()</c> then
    /// builds the trained network with no I/O and no parsing. A missing or mismatching file is a compile error.
    /// </summary>
    public string? Weights { get; set; }

    /// <summary>
    /// Adds the int8 form of the network: a nested <c>Quantized</c> class (built from a trained model and calibration
    /// samples by <c>model.Quantize(samples)</c>) with its own typed <c>Forward</c> and <c>ForwardBatch</c>, running int8
    /// weights and uint8 activations with int32 sums (see docs/quantization.md). Every layer must have an int8 form; one
    /// without is a compile error (NDSL0034) on its attribute.
    /// </summary>
    public bool Int8 { get; set; }

    /// <summary>
    /// A quantized network's safetensors file (saved by <c>Net.Quantized.Save</c>, listed as <c>&lt;NetDslWeights Include="..." /&gt;</c>),
    /// checked against the network at build time and compiled into the assembly: <c>Net.Quantized.CreatePretrained()</c> then
    /// builds the int8 network with no I/O. Needs <see cref="Int8"/>. A missing or mismatching file is a compile error.
    /// </summary>
    public string? Int8Weights { get; set; }
}
