using System;
using System.Collections.Generic;
using System.Linq;
using NetDsl.Tests.Reference;
using Xunit;

namespace NetDsl.Tests;

// The networks the numerics, initialization and allocation tests run. Every architecture is declared three
// times: with the default unroll limit (the generator's own per-layer choice), with UnrollLimit = 0 (every
// layer on the vectorized kernels) and with a huge UnrollLimit (every layer unrolled into straight-line code).

// The seed document's network, SeedNet, is shared with the other test projects: NetDsl.TestSupport/Fixtures.cs.

[Network(UnrollLimit = 0)]
[Input(3)]
[Linear(3, 2, Name = "fc1"), ReLU]
[Linear(2, 1, Name = "fc2")]
public partial class SeedNetKernels;

[Network(UnrollLimit = 1_000_000)]
[Input(3)]
[Linear(3, 2, Name = "fc1"), ReLU]
[Linear(2, 1, Name = "fc2")]
public partial class SeedNetUnrolled;

// Every activation, a layer without bias, inferred input sizes.
[Network]
[Input(5)]
[Linear(7, Name = "fc1"), Tanh]
[Linear(6, Bias = false, Name = "fc2"), Sigmoid]
[Linear(9, Name = "fc3"), ReLU]
[Linear(4, Name = "fc4")]
public partial class DeepNet;

[Network(UnrollLimit = 0)]
[Input(5)]
[Linear(7, Name = "fc1"), Tanh]
[Linear(6, Bias = false, Name = "fc2"), Sigmoid]
[Linear(9, Name = "fc3"), ReLU]
[Linear(4, Name = "fc4")]
public partial class DeepNetKernels;

[Network(UnrollLimit = 1_000_000)]
[Input(5)]
[Linear(7, Name = "fc1"), Tanh]
[Linear(6, Bias = false, Name = "fc2"), Sigmoid]
[Linear(9, Name = "fc3"), ReLU]
[Linear(4, Name = "fc4")]
public partial class DeepNetUnrolled;

// An activation with no Linear before it to fuse into: a stage of its own.
[Network]
[Input(6)]
[Tanh]
[Linear(3, Name = "fc")]
public partial class ActivationFirstNet;

[Network(UnrollLimit = 0)]
[Input(6)]
[Tanh]
[Linear(3, Name = "fc")]
public partial class ActivationFirstNetKernels;

[Network(UnrollLimit = 1_000_000)]
[Input(6)]
[Tanh]
[Linear(3, Name = "fc")]
public partial class ActivationFirstNetUnrolled;

// A two-dimensional input flattened before the Linear layers.
[Network]
[Input(2, 3)]
[Flatten]
[Linear(4, Name = "fc1"), ReLU]
[Linear(2, Name = "fc2")]
public partial class FlattenNet;

[Network(UnrollLimit = 0)]
[Input(2, 3)]
[Flatten]
[Linear(4, Name = "fc1"), ReLU]
[Linear(2, Name = "fc2")]
public partial class FlattenNetKernels;

[Network(UnrollLimit = 1_000_000)]
[Input(2, 3)]
[Flatten]
[Linear(4, Name = "fc1"), ReLU]
[Linear(2, Name = "fc2")]
public partial class FlattenNetUnrolled;

// Above the default unroll limit (40 x 33 = 1320 > 256), with widths that are not multiples of 4, 8 or 16
// so that the kernels' overlapping last vectors are exercised.
[Network]
[Input(40)]
[Linear(33, Name = "fc1"), ReLU]
[Linear(17, Name = "fc2"), Sigmoid]
[Linear(3, Name = "fc3")]
public partial class WideNet;

[Network(UnrollLimit = 0)]
[Input(40)]
[Linear(33, Name = "fc1"), ReLU]
[Linear(17, Name = "fc2"), Sigmoid]
[Linear(3, Name = "fc3")]
public partial class WideNetKernels;

[Network(UnrollLimit = 1_000_000)]
[Input(40)]
[Linear(33, Name = "fc1"), ReLU]
[Linear(17, Name = "fc2"), Sigmoid]
[Linear(3, Name = "fc3")]
public partial class WideNetUnrolled;

// Smooth activations only (no ReLU), so that finite differences apply everywhere. 11 x 13 = 143 is below the
// default unroll limit; the Kernels variant runs the same widths through the vectorized remainders.
[Network]
[Input(11)]
[Linear(13, Name = "fc1"), Tanh]
[Linear(9, Bias = false, Name = "fc2"), Sigmoid]
[Linear(3, Name = "fc3")]
public partial class SmoothNet;

[Network(UnrollLimit = 0)]
[Input(11)]
[Linear(13, Name = "fc1"), Tanh]
[Linear(9, Bias = false, Name = "fc2"), Sigmoid]
[Linear(3, Name = "fc3")]
public partial class SmoothNetKernels;

[Network(UnrollLimit = 1_000_000)]
[Input(11)]
[Linear(13, Name = "fc1"), Tanh]
[Linear(9, Bias = false, Name = "fc2"), Sigmoid]
[Linear(3, Name = "fc3")]
public partial class SmoothNetUnrolled;

/// <summary>How the generator was told to emit a network's layers.</summary>
public enum EmitPath
{
    /// <summary>The default unroll limit: the generator chooses per layer.</summary>
    Default,

    /// <summary><c>UnrollLimit = 0</c>: every layer calls the vectorized kernels.</summary>
    Kernels,

    /// <summary>A huge unroll limit: every layer is straight-line code.</summary>
    Unrolled,
}

/// <summary>A generated network under test, with its reference and the members that differ per generated type.</summary>
public sealed class NetworkCase
{
    public required string Name { get; init; }

    /// <summary>The architecture: the three variants of one architecture share it.</summary>
    public required string Architecture { get; init; }

    public required EmitPath Path { get; init; }

    public required ReferenceNetwork Reference { get; init; }

    public required int InputSize { get; init; }

    public required int OutputSize { get; init; }

    public required int ParameterCount { get; init; }

    public required int[] InputShape { get; init; }

    /// <summary><c>new T(seed)</c>.</summary>
    public required Func<int, INetwork> Factory { get; init; }

    /// <summary><c>new T()</c> (a random seed).</summary>
    public required Func<INetwork> CreateUnseeded { get; init; }

    /// <summary>The strongly typed <c>Forward(in T.Input)</c>, returning the <c>T.Output</c>'s elements.</summary>
    public required Func<INetwork, float[], float[]> ForwardTyped { get; init; }

    /// <summary>The typed views of the Linear layers, in order (<c>model.Fc1</c>, <c>model.Fc2</c>, ...).</summary>
    public required Func<INetwork, LinearLayerView[]> LinearLayers { get; init; }

    public bool IsSmooth => !Reference.HasReLU;

    /// <summary><c>new T(seed)</c>.</summary>
    public INetwork Create(int seed) => Factory(seed);

    public override string ToString() => Name;
}

/// <summary>Every network the tests run, by name (theories take names, which xunit can serialize).</summary>
public static class Networks
{
    private static readonly ReferenceNetwork SeedReference = new(
        3, ReferenceLayer.Linear(3, 2), ReferenceLayer.ReLU, ReferenceLayer.Linear(2, 1));

    private static readonly ReferenceNetwork DeepReference = new(
        5,
        ReferenceLayer.Linear(5, 7), ReferenceLayer.Tanh,
        ReferenceLayer.Linear(7, 6, bias: false), ReferenceLayer.Sigmoid,
        ReferenceLayer.Linear(6, 9), ReferenceLayer.ReLU,
        ReferenceLayer.Linear(9, 4));

    private static readonly ReferenceNetwork ActivationFirstReference = new(
        6, ReferenceLayer.Tanh, ReferenceLayer.Linear(6, 3));

    private static readonly ReferenceNetwork FlattenReference = new(
        6, ReferenceLayer.Flatten, ReferenceLayer.Linear(6, 4), ReferenceLayer.ReLU, ReferenceLayer.Linear(4, 2));

    private static readonly ReferenceNetwork WideReference = new(
        40,
        ReferenceLayer.Linear(40, 33), ReferenceLayer.ReLU,
        ReferenceLayer.Linear(33, 17), ReferenceLayer.Sigmoid,
        ReferenceLayer.Linear(17, 3));

    private static readonly ReferenceNetwork SmoothReference = new(
        11,
        ReferenceLayer.Linear(11, 13), ReferenceLayer.Tanh,
        ReferenceLayer.Linear(13, 9, bias: false), ReferenceLayer.Sigmoid,
        ReferenceLayer.Linear(9, 3));

    private static readonly NetworkCase[] Cases =
    [
        Make<SeedNet>("Seed", EmitPath.Default, SeedReference, (n, x) => { SeedNet.Output y = n.Forward(new SeedNet.Input(x)); return Elements(y); }, n => [n.Fc1, n.Fc2]),
        Make<SeedNetKernels>("Seed", EmitPath.Kernels, SeedReference, (n, x) => { SeedNetKernels.Output y = n.Forward(new SeedNetKernels.Input(x)); return Elements(y); }, n => [n.Fc1, n.Fc2]),
        Make<SeedNetUnrolled>("Seed", EmitPath.Unrolled, SeedReference, (n, x) => { SeedNetUnrolled.Output y = n.Forward(new SeedNetUnrolled.Input(x)); return Elements(y); }, n => [n.Fc1, n.Fc2]),

        Make<DeepNet>("Deep", EmitPath.Default, DeepReference, (n, x) => { DeepNet.Output y = n.Forward(new DeepNet.Input(x)); return Elements(y); }, n => [n.Fc1, n.Fc2, n.Fc3, n.Fc4]),
        Make<DeepNetKernels>("Deep", EmitPath.Kernels, DeepReference, (n, x) => { DeepNetKernels.Output y = n.Forward(new DeepNetKernels.Input(x)); return Elements(y); }, n => [n.Fc1, n.Fc2, n.Fc3, n.Fc4]),
        Make<DeepNetUnrolled>("Deep", EmitPath.Unrolled, DeepReference, (n, x) => { DeepNetUnrolled.Output y = n.Forward(new DeepNetUnrolled.Input(x)); return Elements(y); }, n => [n.Fc1, n.Fc2, n.Fc3, n.Fc4]),

        Make<ActivationFirstNet>("ActivationFirst", EmitPath.Default, ActivationFirstReference, (n, x) => { ActivationFirstNet.Output y = n.Forward(new ActivationFirstNet.Input(x)); return Elements(y); }, n => [n.Fc]),
        Make<ActivationFirstNetKernels>("ActivationFirst", EmitPath.Kernels, ActivationFirstReference, (n, x) => { ActivationFirstNetKernels.Output y = n.Forward(new ActivationFirstNetKernels.Input(x)); return Elements(y); }, n => [n.Fc]),
        Make<ActivationFirstNetUnrolled>("ActivationFirst", EmitPath.Unrolled, ActivationFirstReference, (n, x) => { ActivationFirstNetUnrolled.Output y = n.Forward(new ActivationFirstNetUnrolled.Input(x)); return Elements(y); }, n => [n.Fc]),

        Make<FlattenNet>("Flatten", EmitPath.Default, FlattenReference, (n, x) => { FlattenNet.Output y = n.Forward(new FlattenNet.Input(x)); return Elements(y); }, n => [n.Fc1, n.Fc2]),
        Make<FlattenNetKernels>("Flatten", EmitPath.Kernels, FlattenReference, (n, x) => { FlattenNetKernels.Output y = n.Forward(new FlattenNetKernels.Input(x)); return Elements(y); }, n => [n.Fc1, n.Fc2]),
        Make<FlattenNetUnrolled>("Flatten", EmitPath.Unrolled, FlattenReference, (n, x) => { FlattenNetUnrolled.Output y = n.Forward(new FlattenNetUnrolled.Input(x)); return Elements(y); }, n => [n.Fc1, n.Fc2]),

        Make<WideNet>("Wide", EmitPath.Default, WideReference, (n, x) => { WideNet.Output y = n.Forward(new WideNet.Input(x)); return Elements(y); }, n => [n.Fc1, n.Fc2, n.Fc3]),
        Make<WideNetKernels>("Wide", EmitPath.Kernels, WideReference, (n, x) => { WideNetKernels.Output y = n.Forward(new WideNetKernels.Input(x)); return Elements(y); }, n => [n.Fc1, n.Fc2, n.Fc3]),
        Make<WideNetUnrolled>("Wide", EmitPath.Unrolled, WideReference, (n, x) => { WideNetUnrolled.Output y = n.Forward(new WideNetUnrolled.Input(x)); return Elements(y); }, n => [n.Fc1, n.Fc2, n.Fc3]),

        Make<SmoothNet>("Smooth", EmitPath.Default, SmoothReference, (n, x) => { SmoothNet.Output y = n.Forward(new SmoothNet.Input(x)); return Elements(y); }, n => [n.Fc1, n.Fc2, n.Fc3]),
        Make<SmoothNetKernels>("Smooth", EmitPath.Kernels, SmoothReference, (n, x) => { SmoothNetKernels.Output y = n.Forward(new SmoothNetKernels.Input(x)); return Elements(y); }, n => [n.Fc1, n.Fc2, n.Fc3]),
        Make<SmoothNetUnrolled>("Smooth", EmitPath.Unrolled, SmoothReference, (n, x) => { SmoothNetUnrolled.Output y = n.Forward(new SmoothNetUnrolled.Input(x)); return Elements(y); }, n => [n.Fc1, n.Fc2, n.Fc3]),
    ];

    private static readonly Dictionary<string, NetworkCase> ByName = Cases.ToDictionary(c => c.Name);

    public static IReadOnlyList<NetworkCase> All => Cases;

    public static NetworkCase Get(string name) => ByName[name];

    /// <summary>The variant of <paramref name="architecture"/> emitted along <paramref name="path"/>.</summary>
    public static NetworkCase Get(string architecture, EmitPath path) =>
        Cases.Single(c => c.Architecture == architecture && c.Path == path);

    public static IEnumerable<string> Architectures => Cases.Select(c => c.Architecture).Distinct();

    /// <summary>Every network's name, as theory data.</summary>
    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (NetworkCase c in Cases)
        {
            data.Add(c.Name);
        }

        return data;
    }

    /// <summary>Every architecture, as theory data.</summary>
    public static TheoryData<string> ArchitectureNames()
    {
        var data = new TheoryData<string>();
        foreach (string a in Architectures)
        {
            data.Add(a);
        }

        return data;
    }

    /// <summary>Every smooth network's name (no ReLU: finite differences apply), as theory data.</summary>
    public static TheoryData<string> SmoothNames()
    {
        var data = new TheoryData<string>();
        foreach (NetworkCase c in Cases.Where(c => c.IsSmooth))
        {
            data.Add(c.Name);
        }

        return data;
    }

    private static float[] Elements(ReadOnlySpan<float> values) => values.ToArray();

    private static NetworkCase Make<T>(string architecture, EmitPath path, ReferenceNetwork reference, Func<T, float[], float[]> forwardTyped, Func<T, LinearLayerView[]> layers)
        where T : class, INetwork<T>, new()
    {
        return new NetworkCase
        {
            Name = typeof(T).Name,
            Architecture = architecture,
            Path = path,
            Reference = reference,
            InputSize = T.InputSize,
            OutputSize = T.OutputSize,
            ParameterCount = T.ParameterCount,
            InputShape = T.InputShape.ToArray(),
            Factory = seed => T.Create(seed),
            CreateUnseeded = () => new T(),
            ForwardTyped = (n, x) => forwardTyped((T)n, x),
            LinearLayers = n => layers((T)n),
        };
    }
}
