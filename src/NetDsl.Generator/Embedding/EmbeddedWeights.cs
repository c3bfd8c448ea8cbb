using System;
using System.Collections.Generic;
using System.Linq;
using NetDsl.Generator.Diagnostics;
using NetDsl.Generator.Model;
using NetDsl.Serialization;

namespace NetDsl.Generator.Embedding;

/// <summary>
/// Checks a weights file named by <c>[Network(Weights = ...)]</c> against the inferred network with the runtime's own
/// safetensors parser and matcher (linked into the generator), and decodes its tensors for embedding. The generator
/// embeds the values; the analyzer reports the diagnostics.
/// </summary>
internal static class EmbeddedWeights
{
    /// <summary>Above this size, compiling weights in is reported as a warning (NDSL0030): load them at run time.</summary>
    public const int LargeFileBytes = 4 * 1024 * 1024;

    /// <summary>The decoded parameters and buffers, in the network's flat layouts, or null after adding diagnostics.</summary>
    public static (float[] Parameters, float[] Buffers)? Read(NetworkPlan plan, IReadOnlyList<WeightFileContent> files, List<DiagnosticInfo> diagnostics)
    {
        string? weights = plan.Spec.WeightsFile;
        if (weights is null)
        {
            return null;
        }

        int index = plan.Spec.NetworkAttributeIndex;
        string network = plan.Spec.ClassName;
        if (Bytes(weights, index, network, files, diagnostics) is not { } bytes)
        {
            return null;
        }

        try
        {
            SafeTensorsHeader header = SafeTensorsHeaderParser.ParseFile(bytes);
            var expected = new List<SafeTensorsExpectedTensor>();
            List<PlannedTensor> parameters = plan.Layers.SelectMany(l => l.Parameters).ToList();
            List<PlannedTensor> buffers = plan.Layers.SelectMany(l => l.Buffers).ToList();
            foreach (PlannedTensor tensor in parameters.Concat(buffers))
            {
                expected.Add(new SafeTensorsExpectedTensor(tensor.Name, tensor.Shape.Dimensions.ToArray()));
            }

            // Other tensors (normalization statistics, for example) may travel in the same file; they are not embedded.
            var known = new HashSet<string>(expected.Select(t => t.Name), StringComparer.Ordinal);
            List<string> extras = header.Entries.Select(e => e.Name).Where(name => !known.Contains(name)).ToList();
            SafeTensorsMatcher.Check(header, expected, extras);

            ReadOnlySpan<byte> data = bytes.AsSpan((int)header.DataStart);
            return (Decode(header, parameters, plan.ParameterCount, data), Decode(header, buffers, plan.BufferCount, data));
        }
        catch (SafeTensorsFormatException exception)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.WeightsFileMismatch, index, weights, network, exception.Message));
            return null;
        }
    }

    /// <summary>
    /// The bytes of the weights file named <paramref name="weights"/> among <paramref name="files"/>, or null after NDSL0028
    /// (not given to the build) or NDSL0029 (unreadable); a file above <see cref="LargeFileBytes"/> adds NDSL0030.
    /// </summary>
    public static byte[]? Bytes(string weights, int networkIndex, string network, IReadOnlyList<WeightFileContent> files, List<DiagnosticInfo> diagnostics)
    {
        WeightFileContent? file = files.FirstOrDefault(f => f.Matches(weights));
        if (file is null)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.WeightsFileMissing, networkIndex, weights, network));
            return null;
        }

        if (file.Bytes is not { } content)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.WeightsFileMismatch, networkIndex, weights, network, "its bytes could not be read"));
            return null;
        }

        byte[] bytes = content.ToArray();
        if (bytes.Length > LargeFileBytes)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.WeightsFileLarge, networkIndex, weights, network, (bytes.Length / (1024.0 * 1024.0)).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture)));
        }

        return bytes;
    }

    private static float[] Decode(SafeTensorsHeader header, List<PlannedTensor> tensors, int count, ReadOnlySpan<byte> data)
    {
        var values = new float[count];
        foreach (PlannedTensor tensor in tensors)
        {
            SafeTensorsFloatDecoder.Decode(header.Find(tensor.Name)!, data, values.AsSpan(tensor.Offset, tensor.Length));
        }

        return values;
    }
}
