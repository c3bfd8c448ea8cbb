using NetDsl.Generator.Model;

namespace NetDsl.Generator.Emit;

/// <summary>
/// The int8 twin of a network declared with <c>[Network(Int8 = true)]</c>: a nested <c>Quantized</c> class with the
/// network's own <c>Input</c> and <c>Output</c> types, built by <c>model.Quantize(calibrationInputs)</c>, running on
/// <c>NetDsl.Quantization.QuantizedNetwork</c> (int8 weights, uint8 activations, int32 sums). Shape inference has checked
/// that every layer has an int8 form (NDSL0034), so the runtime's plan accepts the network.
/// </summary>
internal static class QuantizedTwinEmitter
{
    private const string Runtime = "global::NetDsl.Quantization";

    public static bool Applies(NetworkPlan plan) => plan.Spec.Int8;

    public static void Emit(SourceWriter writer, NetworkPlan plan, byte[]? pretrained)
    {
        string name = plan.Spec.ClassName;
        writer.WriteLine("/// <summary>");
        writer.WriteLine($"/// Quantizes this trained network to its int8 form: calibrates the range of every activation on <paramref name=\"calibrationInputs\"/>");
        writer.WriteLine("/// (whole input samples; a few hundred from the training set are typical) and quantizes the weights. This network is read, never changed.");
        writer.WriteLine("/// </summary>");
        writer.WriteLine($"public Quantized Quantize(global::System.ReadOnlySpan<float> calibrationInputs, {Runtime}.QuantizationOptions? options = null) => Quantized.Create(this, calibrationInputs, options);");
        writer.WriteLine();
        writer.WriteLine("/// <summary>");
        writer.WriteLine($"/// The int8 form of <see cref=\"{name}\"/>: int8 weights (one scale per output channel), uint8 activations (one scale and zero");
        writer.WriteLine("/// point per tensor), int32 sums, float inputs and outputs. Thread-safe; allocation-free after a thread's first call.");
        writer.WriteLine("/// </summary>");
        writer.OpenBlock("public sealed class Quantized");
        writer.WriteLine($"private readonly {Runtime}.QuantizedNetwork _network;");
        writer.WriteLine();
        writer.WriteLine($"private Quantized({Runtime}.QuantizedNetwork network) => _network = network;");
        writer.WriteLine();
        writer.WriteLine("/// <summary>Floats per input sample.</summary>");
        writer.WriteLine($"public const int InputSize = {Literals.Int(plan.InputSize)};");
        writer.WriteLine();
        writer.WriteLine("/// <summary>Floats per output sample.</summary>");
        writer.WriteLine($"public const int OutputSize = {Literals.Int(plan.OutputSize)};");
        writer.WriteLine();
        writer.WriteLine($"/// <summary>The quantized network: its layers with their scales and zero points, its size, <see cref=\"{Runtime}.QuantizedNetwork.Evaluate(global::NetDsl.INetwork, global::NetDsl.Dataset)\"/>.</summary>");
        writer.WriteLine($"public {Runtime}.QuantizedNetwork Network => _network;");
        writer.WriteLine();
        writer.WriteLine($"/// <summary>Quantizes <paramref name=\"model\"/>; see <see cref=\"{name}.Quantize\"/>.</summary>");
        writer.WriteLine($"public static Quantized Create({name} model, global::System.ReadOnlySpan<float> calibrationInputs, {Runtime}.QuantizationOptions? options = null) =>");
        writer.WriteLine($"    new({Runtime}.QuantizedNetwork.Create(model, calibrationInputs, options));");
        writer.WriteLine();
        string architecture = Literals.String(NetworkEmitter.ArchitectureText(plan));
        writer.WriteLine("/// <summary>Reads a quantized network saved by <see cref=\"Save\"/>; every tensor is checked against this network's layers.</summary>");
        writer.WriteLine("/// <exception cref=\"global::NetDsl.WeightFileException\">The file is not a quantized network of this architecture, or a tensor is missing, extra or invalid.</exception>");
        writer.WriteLine($"public static Quantized Load(string path) => new({Runtime}.QuantizedNetwork.Load(path, s_layers, {architecture}));");
        writer.WriteLine();
        writer.WriteLine("/// <summary>As <see cref=\"Load\"/>, from the file's bytes.</summary>");
        writer.WriteLine($"public static Quantized FromBytes(global::System.ReadOnlySpan<byte> file) => new({Runtime}.QuantizedNetwork.FromBytes(file, s_layers, {architecture}));");
        writer.WriteLine();
        writer.WriteLine("/// <summary>Saves the int8 weights, scales and zero points as a safetensors file, atomically; <see cref=\"Load\"/> reads it back without the float network.</summary>");
        writer.WriteLine("public void Save(string path) => _network.Save(path);");
        writer.WriteLine();
        if (pretrained is not null)
        {
            EmitPretrained(writer, plan, pretrained);
        }

        writer.WriteLine("/// <summary>Computes the output of one sample in int8.</summary>");
        writer.OpenBlock("public Output Forward(in Input input)");
        writer.WriteLine("Output output = default;");
        writer.WriteLine("_network.Forward(input, output);");
        writer.WriteLine("return output;");
        writer.CloseBlock();
        writer.WriteLine();
        writer.WriteLine($"/// <summary>Computes the output of one sample of {Literals.Int(plan.InputSize)} floats into {Literals.Int(plan.OutputSize)} floats.</summary>");
        writer.WriteLine("public void Forward(global::System.ReadOnlySpan<float> input, global::System.Span<float> output) => _network.Forward(input, output);");
        writer.WriteLine();
        writer.WriteLine("/// <summary>Computes whole samples: as many outputs as inputs, row after row.</summary>");
        writer.WriteLine("public void ForwardBatch(global::System.ReadOnlySpan<float> inputs, global::System.Span<float> outputs) => _network.ForwardBatch(inputs, outputs);");
        writer.WriteLine();
        writer.WriteLine("/// <summary>Both accuracies on a labelled test set, the sizes, and each integer layer's error against <paramref name=\"model\"/>, the float network quantized.</summary>");
        writer.WriteLine($"public {Runtime}.QuantizationReport Evaluate({name} model, global::NetDsl.Dataset test) => _network.Evaluate(model, test);");
        writer.CloseBlock();
        writer.WriteLine();
    }

    /// <summary>
    /// <c>CreatePretrained()</c> over the file's bytes compiled in as read-only data (a <c>ReadOnlySpan&lt;byte&gt;</c> over a
    /// constant array, which the compiler stores as raw data in the assembly).
    /// </summary>
    private static void EmitPretrained(SourceWriter writer, NetworkPlan plan, byte[] file)
    {
        string name = Literals.Xml(plan.Spec.Int8WeightsFile ?? string.Empty);
        writer.WriteLine($"/// <summary>Creates the int8 network of <c>{name}</c>, compiled into the assembly and checked against the layers at build time.</summary>");
        writer.WriteLine("public static Quantized CreatePretrained() => FromBytes(PretrainedFile);");
        writer.WriteLine();
        writer.WriteLine($"// The bytes of {name}: a safetensors file of int8 weights, scales and zero points.");
        PretrainedEmitter.EmitReadOnlyData(writer, "byte", "PretrainedFile", file.Length, BytesPerLine, i => "0x" + file[i].ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
    }

    private const int BytesPerLine = 24;
}
