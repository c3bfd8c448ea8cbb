// Shared source: compiled into NetDsl.Runtime (net10.0) and linked into NetDsl.Generator (netstandard2.0).
// Keep it self-contained and free of .NET Core-only APIs.
using System;
using System.Collections.Generic;

namespace NetDsl.Serialization;

/// <summary>
/// Checks a validated header against the tensors a network needs, so that run-time loading and compile-time
/// embedding accept and refuse the same files with the same messages. A file matches when it holds every expected
/// tensor with exactly the expected shape, every requested extra, in dtypes NetDsl converts to float32, and nothing
/// else.
/// </summary>
internal static class SafeTensorsMatcher
{
    /// <summary>
    /// Throws <see cref="SafeTensorsFormatException"/> for the first problem, in this order: each expected tensor
    /// (missing, unsupported dtype, wrong shape) in <c>state_dict</c> order, then each extra (missing, unsupported
    /// dtype), then the first tensor of the file that is neither.
    /// </summary>
    public static void Check(SafeTensorsHeader header, IReadOnlyList<SafeTensorsExpectedTensor> expected, IReadOnlyList<string> extras)
    {
        var known = new HashSet<string>(StringComparer.Ordinal);
        foreach (SafeTensorsExpectedTensor tensor in expected)
        {
            known.Add(tensor.Name);
        }

        foreach (string extra in extras)
        {
            known.Add(extra);
        }

        foreach (SafeTensorsExpectedTensor tensor in expected)
        {
            SafeTensorsHeaderEntry? entry = header.Find(tensor.Name);
            if (entry is null)
            {
                throw new SafeTensorsFormatException(
                    WeightFileError.MissingTensor,
                    "The file has no tensor '" + tensor.Name + "' (shape " + SafeTensorsText.Shape(tensor.Shape) + "), which the network needs."
                    + DescribeUnknown(header, known),
                    tensor.Name);
            }

            if (!SafeTensorsDtypes.IsFloat32Convertible(entry.Dtype))
            {
                throw SafeTensorsFloatDecoder.Unsupported(entry);
            }

            if (!entry.HasShape(tensor.ShapeSpan))
            {
                throw new SafeTensorsFormatException(
                    WeightFileError.ShapeMismatch,
                    "Tensor '" + tensor.Name + "' has shape " + entry.ShapeText + " in the file, but the network needs " + SafeTensorsText.Shape(tensor.Shape) + ".",
                    tensor.Name);
            }
        }

        foreach (string extra in extras)
        {
            SafeTensorsHeaderEntry? entry = header.Find(extra);
            if (entry is null)
            {
                throw new SafeTensorsFormatException(
                    WeightFileError.MissingTensor,
                    "The file has no tensor '" + extra + "', which was requested as an extra tensor." + DescribeUnknown(header, known),
                    extra);
            }

            if (!SafeTensorsDtypes.IsFloat32Convertible(entry.Dtype))
            {
                throw SafeTensorsFloatDecoder.Unsupported(entry);
            }
        }

        foreach (SafeTensorsHeaderEntry entry in header.Entries)
        {
            if (!known.Contains(entry.Name) && !IsBatchNormCounter(entry, known))
            {
                throw new SafeTensorsFormatException(
                    WeightFileError.UnexpectedTensor,
                    "The file has tensor '" + entry.Name + "' (" + entry.DtypeName + ", shape " + entry.ShapeText + "), which is not a parameter of the network"
                    + (extras.Count == 0 ? "" : " nor a requested extra tensor") + ". The network's parameters are " + ExpectedNames(expected)
                    + "; to read other tensors (normalization statistics, for example), request them as extra tensors.",
                    entry.Name);
            }
        }
    }

    // PyTorch's batch normalization saves `<layer>.num_batches_tracked`, an integer scalar that only its momentum=None
    // mode reads; NetDsl has no such mode, so the counter of a layer the network normalizes with is read past.
    private static bool IsBatchNormCounter(SafeTensorsHeaderEntry entry, HashSet<string> known)
    {
        const string Suffix = ".num_batches_tracked";
        if (!entry.Name.EndsWith(Suffix, StringComparison.Ordinal) || entry.Dtype is not (SafeTensorsDtype.I64 or SafeTensorsDtype.I32) || entry.ElementCount != 1)
        {
            return false;
        }

        string layer = entry.Name.Substring(0, entry.Name.Length - Suffix.Length);
        return known.Contains(layer + ".running_mean") && known.Contains(layer + ".running_var");
    }

    private static string DescribeUnknown(SafeTensorsHeader header, HashSet<string> known)
    {
        var unknown = new List<string>();
        foreach (SafeTensorsHeaderEntry entry in header.Entries)
        {
            if (!known.Contains(entry.Name) && !IsBatchNormCounter(entry, known))
            {
                unknown.Add(entry.Name);
            }
        }

        if (header.Entries.Count == 0)
        {
            return " The file holds no tensors.";
        }

        return unknown.Count == 0 ? "" : " The file has tensors the network does not know: " + SafeTensorsText.NameList(unknown) + ".";
    }

    private static string ExpectedNames(IReadOnlyList<SafeTensorsExpectedTensor> expected)
    {
        if (expected.Count == 0)
        {
            return "none";
        }

        var names = new List<string>(expected.Count);
        foreach (SafeTensorsExpectedTensor tensor in expected)
        {
            names.Add(tensor.Name);
        }

        return SafeTensorsText.NameList(names);
    }
}
