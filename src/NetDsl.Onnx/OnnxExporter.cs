using System;
using System.Collections.Generic;
using System.IO;
using NetDsl.Onnx.Export;
using NetDsl.Onnx.Layers;
using NetDsl.Onnx.Protobuf;

namespace NetDsl.Onnx;

/// <summary>
/// Exports a NetDsl network in inference mode as an ONNX model (IR version 8, opset 17 of the default domain): input
/// <c>[N, ...input shape]</c> and output <c>[N, ...output shape]</c> with a symbolic batch dimension, every parameter and
/// buffer as an initializer named by its PyTorch <c>state_dict</c> key, one small group of standard operators per layer.
/// </summary>
/// <remarks>
/// The model is built and encoded completely in memory before anything is written, so a layer that cannot be exported
/// leaves the destination untouched. The file is a single protobuf message, so models are limited to 2 GiB.
/// </remarks>
public static class OnnxExporter
{
    /// <summary>The ONNX IR version the models declare (8: the one that goes with opset 17).</summary>
    public const long IrVersion = 8;

    /// <summary>The version of the default ONNX operator set the models use.</summary>
    public const long OpsetVersion = 17;

    /// <summary>The <c>producer_name</c> the models carry.</summary>
    public const string ProducerName = "NetDsl";

    /// <summary>The <c>producer_version</c> the models carry: this assembly's version.</summary>
    public static string ProducerVersion { get; } = typeof(OnnxExporter).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    /// <summary>The layer kinds (<see cref="LayerInfo.Kind"/>) the exporter can translate.</summary>
    public static IReadOnlyCollection<string> SupportedLayerKinds => LayerTranslators.SupportedKinds;

    /// <summary>Encodes the network as the bytes of an ONNX model.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="network"/> is null.</exception>
    /// <exception cref="NotSupportedException">The network has a layer whose kind the exporter does not know; the message names it.</exception>
    /// <exception cref="ArgumentException">The options' names are empty or collide.</exception>
    public static byte[] ToBytes(INetwork network, OnnxExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        return OnnxEncoder.Encode(ModelTranslator.Translate(network, options ?? new OnnxExportOptions()));
    }

    /// <summary>
    /// Encodes an int8 network in ONNX's QDQ form (QuantizeLinear/DequantizeLinear around float Gemm and Relu nodes, the
    /// weights int8 per output channel, the biases int32), which ONNX Runtime runs with its integer kernels; see
    /// docs/onnx.md and docs/quantization.md.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="network"/> is null.</exception>
    public static byte[] ToBytes(NetDsl.Quantization.QuantizedNetwork network, OnnxExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        return OnnxEncoder.Encode(QuantizedModelTranslator.Translate(network, options ?? new OnnxExportOptions()));
    }

    /// <summary>As <see cref="ToBytes(NetDsl.Quantization.QuantizedNetwork, OnnxExportOptions?)"/>, written to the file <paramref name="path"/> atomically.</summary>
    /// <exception cref="IOException">The file could not be written.</exception>
    public static void Export(NetDsl.Quantization.QuantizedNetwork network, string path, OnnxExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] model = ToBytes(network, options);
        AtomicFile.Write(path, stream => stream.Write(model));
    }

    /// <summary>Writes the network as an ONNX model to <paramref name="destination"/> (nothing is written if the export fails).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="network"/> or <paramref name="destination"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is not writable, or the options' names are empty or collide.</exception>
    /// <exception cref="NotSupportedException">The network has a layer whose kind the exporter does not know; the message names it.</exception>
    public static void Export(INetwork network, Stream destination, OnnxExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(destination);
        if (!destination.CanWrite)
        {
            throw new ArgumentException("The destination stream is not writable.", nameof(destination));
        }

        destination.Write(ToBytes(network, options));
    }

    /// <summary>
    /// Writes the network as an ONNX model to the file <paramref name="path"/>, atomically: the model goes to a temporary
    /// file in the same directory, which then replaces <paramref name="path"/>, so a crash or a failed export never leaves
    /// a partial file (an existing file stays as it was).
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="network"/> or <paramref name="path"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty, or the options' names are empty or collide.</exception>
    /// <exception cref="NotSupportedException">The network has a layer whose kind the exporter does not know; the message names it.</exception>
    /// <exception cref="IOException">The file could not be written.</exception>
    public static void Export(INetwork network, string path, OnnxExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] model = ToBytes(network, options);
        AtomicFile.Write(path, stream => stream.Write(model));
    }
}
