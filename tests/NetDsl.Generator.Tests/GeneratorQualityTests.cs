using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Emit;
using Xunit;
using Xunit.Abstractions;

namespace NetDsl.Generator.Tests;

/// <summary>
/// The generated code under the strictest settings a consumer can choose, a large network compiled and run, and the
/// generator's cost for 1, 10 and 100 networks. Times are written to the test output (run with
/// <c>--logger "console;verbosity=detailed"</c> to see them) and never asserted.
/// </summary>
public sealed class GeneratorQualityTests(ITestOutputHelper output)
{
    /// <summary>Every layer kind, on the unrolled path (small stages under the default limit) and on the kernels.</summary>
    public static TheoryData<string, string> Catalog()
    {
        string[] stacks =
        {
            "[Input(3)][Linear(3, 2, Name = \"fc1\"), ReLU][Linear(2, 1, Name = \"fc2\")]",
            "[Input(6)][Linear(5, Bias = false), Sigmoid][Flatten][Tanh][Linear(4), LeakyReLU(0.2)][Linear(3), ELU][Linear(3), GELU][Linear(3), GELU(TanhApproximation = true)][Linear(3), SiLU][Identity][Softmax]",
            "[Input(4)][Linear(4)][LogSoftmax]",
            "[Input(5)][Linear(4), Softplus(Beta = 2, Threshold = 10)][Linear(4), Hardswish][Linear(3), Mish][Linear(3), PReLU][Linear(2), Softplus]",
            "[Input(1, 8, 8)][Conv2D(2, Kernel = 3, Padding = 1), ReLU][MaxPool2D(2)][Conv2D(2, 3, Kernel = 3, Padding = ConvPadding.Same, Dilation = 2)][Conv2D(2, Kernel = 2, Stride = 2, Bias = false)][Flatten][Linear(2)]",
            "[Input(2, 8)][Conv1D(3, Kernel = 2, Dilation = 2), Tanh][AvgPool1D(2, CountIncludePad = false, Padding = 1)][MaxPool1D(2)][Flatten][Linear(1)]",
            "[Input(2, 6, 6)][AvgPool2D(2)][BatchNorm2D][GlobalAvgPool][BatchNorm1D][Linear(2)]",
            "[Input(3, 4)][LayerNorm][Dropout(0.25)][Reshape(4, 3)][Flatten][Linear(12), ReLU][Reshape(3, -1)][Flatten][Linear(2)]",
            "[Input(8)][Residual][Linear(8), ReLU][Residual][Linear(8)][EndResidual][EndResidual][Linear(2)]",
            "[Input(7, 3)][LSTM(5, Layers = 2)][GRU(4, Bidirectional = true)][RNN(3, Nonlinearity = RnnNonlinearity.ReLU, ReturnSequences = false)][Linear(2)]",
            "[Input(6)][Embedding(11, 4, PaddingIndex = 0)][GRU(4)][MaxOverTime][Linear(2)]",
            // docs/layers.md's Transformer block on a float sequence input.
            "[Input(50, 6, Sequence = true)][Linear(32, Name = \"embed\")][PositionalEncoding][Residual, MultiheadAttention(4, Name = \"attn\"), EndResidual][LayerNorm(Name = \"norm\")][MeanOverTime][Linear(5, Name = \"fc\")]",
            "[Input(5, 4, Sequence = true)][PositionalEncoding(Learned = true)][MultiheadAttention(2, Causal = true)][LastStep][Linear(2)]",
        };
        var data = new TheoryData<string, string>();
        foreach (string stack in stacks)
        {
            // The default limit unrolls the small stages of these stacks and sends the rest to the kernels; 0 sends all to the kernels.
            data.Add("[Network]", stack);
            data.Add("[Network(UnrollLimit = 0)]", stack);
        }

        return data;
    }

    /// <summary>
    /// Warning level 9999 (every warning wave), nullable annotations and warnings enabled, documentation comments
    /// checked, and every warning reported as an error (TreatWarningsAsErrors): nothing. The project has no implicit
    /// usings (the harness adds none) and the user's file only <c>using NetDsl;</c>.
    /// </summary>
    [Theory]
    [MemberData(nameof(Catalog))]
    public void GeneratedCode_CompilesWithoutAnyWarning(string network, string stack) =>
        AssertCompilesCleanly(network, stack, TestCompilation.CompilationOptions, extraSources: Array.Empty<string>());

    /// <summary>The int8 twin (<c>[Network(Int8 = true)]</c>) under the same strict settings.</summary>
    [Theory]
    [InlineData("[Network(Int8 = true)]", "[Input(6)][Linear(5), ReLU][Dropout(0.5)][Linear(3)][Softmax]")]
    [InlineData("[Network(Int8 = true, UnrollLimit = 0)]", "[Input(2, 3)][Flatten][Linear(4, Bias = false)][Identity][ReLU][Linear(2)]")]
    [InlineData("[Network(Int8 = true)]", "[Input(2, 5)][BatchNorm1D][Flatten][Linear(6)][LayerNorm][PReLU(6)][Linear(3)]")]
    public void QuantizedTwin_CompilesWithoutAnyWarning(string network, string stack) =>
        AssertCompilesCleanly(network, stack, TestCompilation.CompilationOptions, extraSources: Array.Empty<string>());

    /// <summary>In a project with nullable disabled, the generated file still compiles cleanly (it enables nullable itself).</summary>
    [Theory]
    [InlineData("[Network]", "[Input(1, 8, 8)][Conv2D(2, Kernel = 3), ReLU][MaxPool2D(2)][Flatten][Linear(2)]")]
    [InlineData("[Network(UnrollLimit = 0)]", "[Input(3, 4)][LayerNorm][Dropout(0.25)][Flatten][Linear(2)]")]
    public void GeneratedCode_CompilesCleanly_WithNullableDisabled(string network, string stack) =>
        AssertCompilesCleanly(network, stack, TestCompilation.CompilationOptions.WithNullableContextOptions(NullableContextOptions.Disable), extraSources: Array.Empty<string>());

    /// <summary>
    /// With the SDK's implicit usings (and a user's global using of a namespace with clashing names), every name the
    /// generated code uses still binds: it is written with <c>global::</c>.
    /// </summary>
    [Theory]
    [InlineData("[Network]", "[Input(1, 8, 8)][Conv2D(2, Kernel = 3), ReLU][MaxPool2D(2)][Flatten][Linear(2)]")]
    [InlineData("[Network(UnrollLimit = 0)]", "[Input(8)][Residual][Linear(8), ReLU][EndResidual][BatchNorm1D][Linear(2)][Softmax]")]
    public void GeneratedCode_CompilesCleanly_WithImplicitUsingsAndClashingNames(string network, string stack) =>
        AssertCompilesCleanly(network, stack, TestCompilation.CompilationOptions, extraSources: new[]
        {
            """
            global using global::System;
            global using global::System.Collections.Generic;
            global using global::System.IO;
            global using global::System.Linq;
            global using global::System.Net.Http;
            global using global::System.Threading;
            global using global::System.Threading.Tasks;
            global using App.Clashes;
            """,
            """
            namespace App.Clashes
            {
                /// <summary>Named like types the generated code uses.</summary>
                public sealed class Math { }

                /// <summary>Named like types the generated code uses.</summary>
                public sealed class MemoryExtensions { }

                /// <summary>Named like types the generated code uses.</summary>
                public sealed class Span { }

                /// <summary>Named like types the generated code uses.</summary>
                public sealed class ArgumentException { }
            }

            namespace App.NetDsl
            {
                /// <summary>A namespace named like NetDsl, inside the user's namespace.</summary>
                public sealed class Kernels { }
            }
            """,
        });

    /// <summary>No <c>using</c> at all: the attributes fully qualified.</summary>
    [Fact]
    public void GeneratedCode_CompilesCleanly_WithoutAnyUsing()
    {
        TestRun run = TestCompilation.Run("""
            namespace App;

            /// <summary>A network.</summary>
            [global::NetDsl.Network]
            [global::NetDsl.Input(1, 4, 4)]
            [global::NetDsl.Conv2D(2, Kernel = 3), global::NetDsl.ReLU]
            [global::NetDsl.Flatten]
            [global::NetDsl.LinearAttribute(2)]
            public sealed partial class Net;
            """);

        AssertClean(run);
    }

    /// <summary>
    /// 784 -> 512 -> 512 -> 10 with the default UnrollLimit: every stage is above it, so the generated code calls the
    /// kernels and stays small. Generated, compiled (warnings as errors), emitted, loaded into a collectible context, and
    /// run through <see cref="INetwork"/>. Times are recorded, not asserted.
    /// </summary>
    [Fact]
    public void LargeNetwork_CompilesQuicklyAndRuns()
    {
        const string source = """
            using NetDsl;

            namespace App;

            /// <summary>A large classifier for 28x28 images.</summary>
            [Network]
            [Input(784)]
            [Linear(512, Name = "fc1"), ReLU]
            [Linear(512, Name = "fc2"), ReLU]
            [Linear(10, Name = "fc3")]
            public sealed partial class Large;
            """;

        CSharpCompilation compilation = TestCompilation.Create(source);
        var clock = Stopwatch.StartNew();
        GeneratorDriver driver = TestCompilation.CreateDriver().RunGeneratorsAndUpdateCompilation(compilation, out Compilation withGenerated, out ImmutableArray<Diagnostic> generatorDiagnostics);
        TimeSpan generate = clock.Elapsed;
        Assert.Empty(generatorDiagnostics);
        string generated = Assert.Single(driver.GetRunResult().GeneratedTrees).GetText().ToString();

        clock.Restart();
        ImmutableArray<Diagnostic> diagnostics = TestCompilation.ErrorsWithWarningsAsErrors(withGenerated);
        TimeSpan bind = clock.Elapsed;
        Assert.True(diagnostics.IsEmpty, string.Join("\n", diagnostics));

        clock.Restart();
        using var image = new MemoryStream();
        EmitResult emitted = withGenerated.Emit(image);
        TimeSpan emit = clock.Elapsed;
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics));

        clock.Restart();
        var context = new AssemblyLoadContext("netdsl-large-network", isCollectible: true);
        try
        {
            image.Position = 0;
            Assembly assembly = context.LoadFromStream(image);
            Type type = assembly.GetType("App.Large", throwOnError: true)!;
            var network = (INetwork)Activator.CreateInstance(type, 1234)!;

            Assert.Equal(784 * 512 + 512 + (512 * 512) + 512 + (512 * 10) + 10, network.Parameters.Length);
            var input = new float[784];
            for (int i = 0; i < input.Length; i++)
            {
                input[i] = (i % 17) / 17f;
            }

            var first = new float[10];
            network.Forward(input, first);
            TimeSpan firstForward = clock.Elapsed;
            var second = new float[10];
            clock.Restart();
            network.Forward(input, second);
            TimeSpan secondForward = clock.Elapsed;

            Assert.All(first, value => Assert.True(float.IsFinite(value)));
            Assert.Equal(first, second);
            Assert.Contains(first, value => value != 0f);

            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"784-512-512-10, default UnrollLimit: generated {generated.Split('\n').Length} lines"));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  generator run  {generate.TotalMilliseconds,8:F1} ms"));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  bind + check   {bind.TotalMilliseconds,8:F1} ms"));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  emit           {emit.TotalMilliseconds,8:F1} ms"));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  load + create + first Forward {firstForward.TotalMilliseconds,8:F1} ms, second Forward {secondForward.TotalMilliseconds,8:F3} ms"));
        }
        finally
        {
            context.Unload();
        }
    }

    /// <summary>
    /// The generator's time for 1, 10 and 100 networks in one compilation: a first run on a new driver, and a run after
    /// an edit elsewhere (the incremental path an IDE takes on each keystroke). Recorded in docs/benchmarks.md; never asserted.
    /// </summary>
    [Fact]
    public void GeneratorTime_For1And10And100Networks()
    {
        // Warm up the generator's and Roslyn's code paths so that the first figure is not mostly JIT.
        Measure(3);

        output.WriteLine("networks | first run (ms, median of 5) | after an unrelated edit (ms, median of 5) | generated lines");
        foreach (int count in new[] { 1, 10, 100 })
        {
            var runs = Enumerable.Range(0, 5).Select(_ => Measure(count)).ToArray();
            double first = runs.Select(r => r.First).Order().ElementAt(2);
            double incremental = runs.Select(r => r.Incremental).Order().ElementAt(2);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{count,8} | {first,22:F1} | {incremental,41:F1} | {runs[0].Lines,15}"));
        }
    }

    private static (double First, double Incremental, int Lines) Measure(int count)
    {
        var source = new StringBuilder("using NetDsl;\n\nnamespace App;\n\n");
        for (int i = 0; i < count; i++)
        {
            // Alternating shapes: a small unrolled MLP, a wider MLP on the kernels, a small CNN.
            source.Append("/// <summary>Network ").Append(i).Append(".</summary>\n[Network]\n");
            source.Append((i % 3) switch
            {
                0 => "[Input(3)][Linear(4, Name = \"fc1\"), ReLU][Linear(1, Name = \"fc2\")]",
                1 => "[Input(64)][Linear(32, Name = \"fc1\"), Tanh][Linear(10, Name = \"fc2\")]",
                _ => "[Input(1, 8, 8)][Conv2D(4, Kernel = 3), ReLU][MaxPool2D(2)][Flatten][Linear(3)]",
            });
            source.Append("\npublic sealed partial class Net").Append(i).Append(";\n\n");
        }

        CSharpCompilation compilation = TestCompilation.Create(source.ToString(), "namespace App; internal static class Other { public static int F() => 1; }");
        GeneratorDriver driver = TestCompilation.CreateDriver();
        var clock = Stopwatch.StartNew();
        driver = driver.RunGenerators(compilation);
        double first = clock.Elapsed.TotalMilliseconds;
        GeneratorDriverRunResult result = driver.GetRunResult();
        Assert.Equal(count, result.GeneratedTrees.Length);
        int lines = result.GeneratedTrees.Sum(t => t.GetText().Lines.Count);

        SyntaxTree other = compilation.SyntaxTrees.Last();
        CSharpCompilation edited = compilation.ReplaceSyntaxTree(other, other.WithChangedText(other.GetText().Replace(other.GetText().Length - 3, 1, "2")));
        clock.Restart();
        driver.RunGenerators(edited);
        double incremental = clock.Elapsed.TotalMilliseconds;
        return (first, incremental, lines);
    }

    private static void AssertCompilesCleanly(string network, string stack, CSharpCompilationOptions options, string[] extraSources)
    {
        string source = "using NetDsl;\n\nnamespace App;\n\n/// <summary>A network.</summary>\n" + network + "\n" + stack + "\npublic sealed partial class Net;\n";
        CSharpCompilation compilation = TestCompilation.Create(new[] { source }.Concat(extraSources).ToArray()).WithOptions(options);
        AssertClean(TestCompilation.Run(compilation));
    }

    private static void AssertClean(TestRun run)
    {
        Assert.Empty(run.Exceptions);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.AnalyzerDiagnostics);
        Assert.NotEmpty(run.GeneratedSources);
        TestCompilation.AssertCompilesWithWarningsAsErrors(run.Output);
    }
}
