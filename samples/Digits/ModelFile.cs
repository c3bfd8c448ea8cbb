using System;
using System.Collections.Generic;
using System.IO;
using NetDsl;

namespace Digits;

/// <summary>
/// Saves and loads the trained digits model as one safetensors weight file (the runtime's <see cref="WeightFile"/>):
/// the network's parameters under their PyTorch <c>state_dict</c> names (<c>fc1.weight</c>, <c>fc1.bias</c>, ...) plus
/// the normalizer's statistics as two extra tensors, <c>normalizer.shift</c> and <c>normalizer.scale</c>, so that
/// inference applies <c>(x − shift) / scale</c> exactly as training did.
/// </summary>
public static class ModelFile
{
    /// <summary>Writes the model and its normalizer to <paramref name="path"/> (atomically: a temporary file, then a rename).</summary>
    public static void Save(string path, INetwork model, Normalizer normalizer)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(normalizer);
        var extras = new List<NamedTensor>();
        foreach (KeyValuePair<string, float[]> statistic in normalizer.Statistics)
        {
            extras.Add(new NamedTensor(statistic.Key, statistic.Value, statistic.Value.Length));
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        model.SaveWeights(path, extras);
    }

    /// <summary>Loads a file written by <see cref="Save"/> into <paramref name="model"/> and returns its normalizer.</summary>
    /// <exception cref="WeightFileException">The file is malformed or does not match the model; the model is then unchanged.</exception>
    public static Normalizer Load(string path, INetwork model)
    {
        ArgumentNullException.ThrowIfNull(model);
        LoadedWeights loaded = model.LoadWeights(path, new WeightLoadOptions { Extras = [Normalizer.ShiftName, Normalizer.ScaleName] });
        return Normalizer.FromStatistics(loaded.Extras[Normalizer.ShiftName].Values.Span, loaded.Extras[Normalizer.ScaleName].Values.Span);
    }
}
