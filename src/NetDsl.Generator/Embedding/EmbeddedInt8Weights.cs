using System.Collections.Generic;
using NetDsl.Generator.Diagnostics;
using NetDsl.Generator.Emit;
using NetDsl.Generator.Model;
using NetDsl.Serialization;

namespace NetDsl.Generator.Embedding;

/// <summary>
/// Checks a quantized network's file named by <c>[Network(Int8Weights = ...)]</c>: a safetensors file the runtime's parser
/// accepts, saved by NetDsl for an int8 network (metadata <c>netdsl.quantization = int8</c>) of this very architecture, whose
/// tensors <c>Net.Quantized.Save</c> wrote. The generator compiles its bytes in; the runtime checks every tensor when
/// <c>CreatePretrained()</c> reads them, as <c>Load</c> does.
/// </summary>
internal static class EmbeddedInt8Weights
{
    private const string QuantizationKey = "netdsl.quantization";
    private const string ArchitectureKey = "netdsl.architecture";

    /// <summary>The file's bytes, or null (no file named, or after adding diagnostics).</summary>
    public static byte[]? Read(NetworkPlan plan, IReadOnlyList<WeightFileContent> files, List<DiagnosticInfo> diagnostics)
    {
        string? weights = plan.Spec.Int8WeightsFile;
        if (weights is null)
        {
            return null;
        }

        int index = plan.Spec.NetworkAttributeIndex;
        string network = plan.Spec.ClassName;
        if (!plan.Spec.Int8)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.WeightsFileMismatch, index, weights, network, "Int8Weights names an int8 network's file, so the network needs Int8 = true as well"));
            return null;
        }

        if (EmbeddedWeights.Bytes(weights, index, network, files, diagnostics) is not { } bytes)
        {
            return null;
        }

        try
        {
            SafeTensorsHeader header = SafeTensorsHeaderParser.ParseFile(bytes);
            string? quantization = header.FindMetadata(QuantizationKey);
            if (quantization != "int8")
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.WeightsFileMismatch, index, weights, network,
                    "it is not a quantized network's file (its metadata has no " + QuantizationKey + " = int8; save one with Net.Quantized.Save, or name a float file with Weights)"));
                return null;
            }

            string expected = NetworkEmitter.ArchitectureText(plan);
            string? architecture = header.FindMetadata(ArchitectureKey);
            if (architecture != expected)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.WeightsFileMismatch, index, weights, network,
                    "it was saved for the architecture " + (architecture ?? "(none recorded)") + ", and this network is " + expected));
                return null;
            }

            return bytes;
        }
        catch (SafeTensorsFormatException exception)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.WeightsFileMismatch, index, weights, network, exception.Message));
            return null;
        }
    }
}
