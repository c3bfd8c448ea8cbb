using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;
using SharpFuzz;

namespace NetDsl.Fuzz;

/// <summary>
/// One fuzz target per reader. A target reads the input as a hostile file would be read; the typed exception the
/// reader promises (<see cref="WeightFileException"/>, <see cref="DataFormatException"/>) is the expected outcome of a
/// malformed input, and anything else escaping — an <see cref="IndexOutOfRangeException"/>, an
/// <see cref="OverflowException"/>, an <see cref="OutOfMemoryException"/> — is a crash for the fuzzer.
/// </summary>
public static class Program
{
    private static readonly Dictionary<string, Action<Stream>> Targets = new(StringComparer.Ordinal)
    {
        ["safetensors"] = SafeTensors,
        ["csv"] = Csv,
        ["idx"] = Idx,
        ["weights"] = Weights,
    };

    /// <summary>
    /// <c>NetDsl.Fuzz TARGET</c> runs under afl-fuzz (SharpFuzz's in-process loop);
    /// <c>NetDsl.Fuzz TARGET --replay PATH...</c> runs the files (or the files of the folders) given, without AFL,
    /// and prints how each ended.
    /// </summary>
    public static int Main(string[] args)
    {
        if (args.Length == 0 || !Targets.TryGetValue(args[0], out Action<Stream>? target))
        {
            Console.Error.WriteLine($"Usage: NetDsl.Fuzz {string.Join("|", Targets.Keys)} [--replay PATH...]");
            return 2;
        }

        if (args.Length > 1 && args[1] == "--replay")
        {
            return Replay(target, args[2..]);
        }

        Fuzzer.Run(target);
        return 0;
    }

    private static void SafeTensors(Stream input)
    {
        try
        {
            SafeTensorsFile file = SafeTensorsFile.Read(input);
            foreach (SafeTensorsEntry tensor in file.Tensors)
            {
                if (tensor.IsFloat32Convertible && tensor.ElementCount < 1 << 20)
                {
                    file.GetFloat32(tensor.Name);
                }
            }
        }
        catch (WeightFileException)
        {
        }
    }

    /// <summary>
    /// Loads the input into a network: besides parsing, the matching of names, shapes and dtypes against it; and a
    /// failed load must leave the network's parameters as they were, bit for bit.
    /// </summary>
    private static void Weights(Stream input)
    {
        var network = new FuzzNetwork(seed: 1);
        float[] before = network.Parameters.ToArray();
        try
        {
            WeightFile.LoadWeights(network, input);
        }
        catch (WeightFileException)
        {
            if (!MemoryMarshal.Cast<float, int>(network.Parameters).SequenceEqual(MemoryMarshal.Cast<float, int>(before.AsSpan())))
            {
                throw new InvalidOperationException("A failed load changed the network's parameters.");
            }
        }
    }

    private static void Csv(Stream input)
    {
        try
        {
            CsvLoader.Load(input, "fuzz.csv", new CsvOptions { MissingValues = MissingValuePolicy.ImputeMean, Target = TargetKind.Value });
        }
        catch (DataFormatException)
        {
        }
    }

    private static void Idx(Stream input)
    {
        try
        {
            IdxLoader.Read(input, "fuzz.idx");
        }
        catch (DataFormatException)
        {
        }
    }

    private static unsafe int Replay(Action<Stream> target, string[] paths)
    {
        // The instrumented runtime records branches into AFL's shared bitmap; without AFL, into one of our own.
        SharpFuzz.Common.Trace.SharedMem = (byte*)NativeMemory.AllocZeroed(1 << 16);
        int failures = 0, count = 0;
        foreach (string path in paths)
        {
            IEnumerable<string> files = Directory.Exists(path) ? Directory.EnumerateFiles(path) : [path];
            foreach (string file in files)
            {
                count++;
                try
                {
                    using var stream = new MemoryStream(File.ReadAllBytes(file));
                    target(stream);
                }
                catch (Exception e)
                {
                    failures++;
                    Console.WriteLine($"{file}: {e.GetType().Name}: {e.Message}");
                }
            }
        }

        Console.WriteLine($"{count} inputs, {failures} escaped with an untyped exception");
        return failures == 0 ? 0 : 1;
    }
}

/// <summary>The network the weights target loads into: two Linear layers, four tensors.</summary>
[Network]
[Input(2)]
[Linear(3, Name = "fc1"), ReLU]
[Linear(1, Name = "fc2")]
public partial class FuzzNetwork;
