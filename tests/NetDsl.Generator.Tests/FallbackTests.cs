using System;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using NetDsl.Generator.Diagnostics;
using NetDsl.Generator.Embedding;
using Xunit;

namespace NetDsl.Generator.Tests;

/// <summary>
/// A declaration that cannot be generated gets the fallback surface (issue 16): code that uses the class compiles, so the
/// build reports the NDSL errors alone, for every error of the catalog that leaves a class able to take members.
/// </summary>
public sealed class FallbackTests
{
    /// <summary>
    /// The errors after which nothing can be emitted, so no fallback is: the class is not partial (NDSL0006), a containing
    /// type is not partial (NDSL0007), the class is of a form that cannot take the members (NDSL0008), or its names clash
    /// with the generated ones (NDSL0033) — a partial declaration of it would add errors of its own.
    /// </summary>
    public static readonly string[] ErrorsWithoutFallback = { "NDSL0006", "NDSL0007", "NDSL0008", "NDSL0033" };

    /// <summary>Uses every member of the surface, as an application would.</summary>
    private const string Consumer = """

        internal static class Use
        {
            public static float Run(float[] values)
            {
                var net = new Net(seed: 1);
                var other = new Net();
                Net.Input x = new Net.Input(values);
                Net.Output y = net.Forward(in x);
                float first = y[0] + y.Length + x[0];
                net.Forward(x, y);
                System.Span<float> outputs = stackalloc float[2 * Net.OutputSize];
                net.ForwardBatch(new float[2 * Net.InputSize], outputs);
                net.ForwardTraining(new float[Net.InputSize], new float[Net.OutputSize]);
                net.Backward(new float[Net.OutputSize]);
                net.Backward(new float[Net.OutputSize], new float[Net.InputSize]);
                net.ZeroGradients();
                net.ResetParameters(2);
                System.Span<float> parameters = net.Parameters;
                System.Span<float> gradients = net.Gradients;
                string text = Net.Summary + net.Architecture + net.Layers.Count + net.ParameterTensors.Count + net.BufferTensors.Count + y.ToString();
                foreach (float value in y)
                {
                    first += value;
                }

                first += net.TrainStep(x, new float[Net.OutputSize], new MeanSquaredErrorLoss(), 0.1f);
                first += net.TrainStep(x, new float[Net.OutputSize], (ILoss)new MeanSquaredErrorLoss(), 0.1f);
                INetwork generic = Create<Net>();
                return first + parameters[0] + gradients[0] + net.Buffers.Length + Net.ParameterCount + Net.BufferCount
                    + Net.InputShape[0] + Net.OutputShape[0] + text.Length + generic.Parameters.Length + other.Parameters.Length + Extra(net);
            }

            private static T Create<T>() where T : class, INetwork<T> => T.Create(seed: 3);

        """;

    public static TheoryData<string, string, string> Cases() => new()
    {
        // id, declaration, more uses (the body of `static float Extra(Net net)`)
        { "NDSL0001", "[Network][Linear(2, Name = \"fc1\")] public partial class Net;", "return new Net.Input(1f, 2f, 3f)[0] + net.Fc1.OutFeatures;" },
        { "NDSL0002", "[Network][Input(3)][Input(4)][Linear(1)] public partial class Net;", "return new Net.Input(1f, 2f, 3f)[0] + net.Layer0.OutFeatures;" },
        { "NDSL0003", "[Network][Linear(2, Name = \"fc1\"), ReLU][Input(3)] public partial class Net;", "return new Net.Input(1f, 2f, 3f)[0];" },
        { "NDSL0004", "[Network][Input(3)][Linear(3, 2, Name = \"fc1\"), ReLU][Linear(3, 1, Name = \"fc2\")] public partial class Net;", "return net.Forward(new Net.Input(1f, 2f, 3f))[0] + net.Fc1.InFeatures + net.Fc2.OutFeatures;" },
        { "NDSL0004", "[Network][Input(4)][Linear(8)][BatchNorm1D(Name = \"bn\")][Linear(3, 1)] public partial class Net;", "NetDsl.Generated.ISegmentedTraining segmented = net; return segmented.BatchStatistics.Length + net.Bn.Name.Length + net.Layer0.OutFeatures;" },
        { "NDSL0004", "[Network][Input(2, 4, 4)][Conv2D(3, Kernel = 3), PReLU(3, Name = \"slopes\")][Flatten][Linear(5, 1)] public partial class Net;", "return net.Slopes.Name.Length;" },
        { "NDSL0005", "[Network][Input(3)][Linear(0)] public partial class Net;", "return new Net.Input(1f, 2f, 3f)[0];" },
        { "NDSL0009", "[Network][Input(3)][Linear(2, Name = \"fc\")][Linear(1, Name = \"fc\")] public partial class Net;", "return net.Fc.OutFeatures;" },
        { "NDSL0010", "[Network][Input(3)][Linear(2, Name = \"my layer\")][Linear(1, Name = \"parameters\")] public partial class Net;", "return net.Parameters.Length;" },
        { "NDSL0011", "[Input(3)][Linear(2, Name = \"fc\")] public partial class Net;", "return new Net.Input(1f, 2f, 3f)[0] + net.Fc.OutFeatures;" },
        { "NDSL0012", "[Network][Input(3)][Linear(2)] public partial class Net; [ReLU] public partial class Net;", "return net.Layer0.OutFeatures;" },
        { "NDSL0013", "[Network][Input(1, 4, 4)][Linear(2)] public partial class Net;", "return new Net.Input(new float[16])[15];" },
        { "NDSL0014", "[Network][Input(3)] public partial class Net;", "return new Net.Input(1f, 2f, 3f)[0];" },
        { "NDSL0016", "public sealed class MyLayerAttribute : LayerAttribute; [Network][Input(3)][MyLayer][Linear(1)] public partial class Net;", "return new Net.Input(1f, 2f, 3f)[0];" },
        { "NDSL0017", "[Network][Input(100000, 100000)][Linear(1)] public partial class Net;", "return 0;" },
        { "NDSL0017", "[Network][Input(50000)][Linear(50000)] public partial class Net;", "return net.Layer0.InFeatures;" },
        { "NDSL0018", "[Network(UnrollLimit = -1)][Input(3)][Linear(1)] public partial class Net;", "return new Net.Input(1f, 2f, 3f)[2] + new Net.Output(1f)[0];" },
        { "NDSL0019", "[Network][Input][Linear(1)] public partial class Net;", "return 0;" },
        { "NDSL0020", "[Network][Input(1, 4, 4)][Conv2D(2, Kernel = 5, Name = \"conv\")] public partial class Net;", "return net.Conv.Name.Length;" },
        { "NDSL0022", "[Network][Input(8)][Dropout(1.5)] public partial class Net;", "return 0;" },
        { "NDSL0023", "[Network][Input(64)][MaxPool2D(2, Name = \"pool\")] public partial class Net;", "return 0;" },
        { "NDSL0024", "[Network][Input(1, 8, 8)][Reshape(8, 9, Name = \"r\")] public partial class Net;", "return 0;" },
        { "NDSL0025", "[Network][Input(8)][Residual][Linear(4, Name = \"fc\")][EndResidual] public partial class Net;", "return net.Fc.OutFeatures;" },
        { "NDSL0026", "[Network][Input(8)][Linear(4)][EndResidual] public partial class Net;", "return 0;" },
        { "NDSL0027", "[Network][Input(3, 8, 8)][Conv2D(1, 8, Kernel = 3, Name = \"conv1\")] public partial class Net;", "return net.Conv1.Name.Length;" },
        { "NDSL0028", "[Network(Weights = \"missing.safetensors\")][Input(3)][Linear(1)] public partial class Net;", "return Net.CreatePretrained().Parameters.Length;" },
        { "NDSL0029", "[Network(Weights = \"bad.safetensors\")][Input(3)][Linear(1)] public partial class Net;", "return Net.CreatePretrained().Parameters.Length;" },
        { "NDSL0034", "[Network(Int8 = true)][Input(4, 3)][LSTM(4, ReturnSequences = false)][Linear(2)] public partial class Net;", "Net.Quantized q = net.Quantize(new float[12]); return q.Forward(new Net.Input(new float[12]))[0] + Net.Quantized.OutputSize + q.Network.StorageBytes;" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void ErrorDeclaration_UsedEverywhere_ReportsOnlyItsNdslErrors(string id, string declaration, string extra)
    {
        TestRun run = RunWithUses(declaration, extra);

        Assert.Empty(run.Exceptions);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Equal(new[] { id }, run.AnalyzerDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.Id).Distinct());
        AssertOnlyNdslErrors(run);
        string source = run.SingleSource;
        Assert.Contains("was not generated because of " + id, source, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryErrorOfTheCatalog_HasAFallbackCase_OrIsDocumentedAsHavingNone()
    {
        string[] covered = Cases().Select(row => (string)row[0]).Concat(ErrorsWithoutFallback).Append(DiagnosticIds.InternalError).ToArray();

        Assert.All(
            DiagnosticDescriptors.All.Where(d => d.DefaultSeverity == DiagnosticSeverity.Error),
            descriptor => Assert.Contains(descriptor.Id, covered));
    }

    [Theory]
    [InlineData(PipelineStage.Parse)]
    [InlineData(PipelineStage.ShapeInference)]
    [InlineData(PipelineStage.WeightsFile)]
    [InlineData(PipelineStage.Emission)]
    public void InternalError_InAnyStage_IsReportedOnce_AndTheClassGetsTheFallback(string stage)
    {
        string className = "Faulty" + stage.Replace(" ", string.Empty, StringComparison.Ordinal);
        string declaration = "[Network" + (stage == PipelineStage.WeightsFile ? "(Weights = \"w.safetensors\")" : string.Empty) + "][Input(3)][Linear(1, Name = \"fc\")] public partial class " + className + ";";
        FaultInjection.Inject(stage, className);
        try
        {
            TestRun run = RunWithUses("[Network][Input(3)][Linear(1, Name = \"fc\")] public partial class Net;\n" + declaration, "return net.Fc.OutFeatures;", ImmutableArray<AdditionalText>.Empty);

            Assert.Empty(run.Exceptions);
            Diagnostic[] internalErrors = run.GeneratorDiagnostics.Concat(run.AnalyzerDiagnostics).Where(d => d.Id == DiagnosticIds.InternalError).ToArray();
            Diagnostic diagnostic = Assert.Single(internalErrors);
            Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
            Assert.Equal(
                "NetDsl failed in its " + stage + " stage on network '" + className + "' (System.InvalidOperationException: Fault injected into the " + stage + " stage for '" + className + "'.), so the network was not generated; "
                + "this is a bug in NetDsl: please report it at https://github.com/netdsl/netdsl/issues with the declaration of '" + className + "'",
                diagnostic.GetMessage(CultureInfo.InvariantCulture));
            Assert.Equal(stage == PipelineStage.Emission, run.GeneratorDiagnostics.Contains(diagnostic));

            // On the [Network] attribute of the faulty class.
            SyntaxTree tree = run.Input.SyntaxTrees.Single();
            string located = tree.GetText().ToString(diagnostic.Location.SourceSpan);
            Assert.StartsWith("Network", located, StringComparison.Ordinal);
            Assert.Equal(tree.GetText().ToString().LastIndexOf("[Network", StringComparison.Ordinal) + 1, diagnostic.Location.SourceSpan.Start);

            // The other network is generated as usual; the faulty one gets the fallback, so only the NDSL error remains.
            Assert.DoesNotContain("was not generated", run.GeneratedSources.Single(s => s.HintName == "App.Net.g.cs").SourceText.ToString(), StringComparison.Ordinal);
            string faulty = run.GeneratedSources.Single(s => s.HintName.Contains(className, StringComparison.Ordinal)).SourceText.ToString();
            Assert.Contains("was not generated because of NDSL0032", faulty, StringComparison.Ordinal);
            AssertOnlyNdslErrors(run);
        }
        finally
        {
            FaultInjection.Remove(stage, className);
        }
    }

    /// <summary>
    /// The fallback declares every public member a generated network has, so that no use of the class becomes an error
    /// when the declaration breaks: checked against the snapshot networks (unrolled with TrainStep, kernels, batch
    /// normalization), each broken by <c>UnrollLimit = -1</c> (NDSL0018), which keeps its layers and shapes.
    /// </summary>
    [Theory]
    [InlineData(SnapshotTests.SeedNetwork, "SeedNetwork.SimpleNN")]
    [InlineData(SnapshotTests.Mlp, "Digits.Mlp")]
    [InlineData(SnapshotTests.DeepMixed, "Zoo.Models.Container+DeepMixed")]
    [InlineData(SnapshotTests.TinyCnn, "Vision.TinyCnn")]
    public void Fallback_DeclaresEveryPublicMemberOfTheGeneratedNetwork(string source, string metadataName)
    {
        string broken = source.Contains("[Network(UnrollLimit = 40)]", StringComparison.Ordinal)
            ? source.Replace("[Network(UnrollLimit = 40)]", "[Network(UnrollLimit = -1)]", StringComparison.Ordinal)
            : source.Replace("[Network]", "[Network(UnrollLimit = -1)]", StringComparison.Ordinal);
        TestRun generated = TestCompilation.Run(source);
        TestRun fallback = TestCompilation.Run(broken);
        Assert.Equal("NDSL0018", Assert.Single(fallback.AnalyzerDiagnostics).Id);
        Assert.Contains("was not generated because of NDSL0018", fallback.SingleSource, StringComparison.Ordinal);

        INamedTypeSymbol network = generated.Output.GetTypeByMetadataName(metadataName)!;
        INamedTypeSymbol substitute = fallback.Output.GetTypeByMetadataName(metadataName)!;
        string[] missing = PublicSurface(network).Except(PublicSurface(substitute)).ToArray();
        Assert.True(missing.Length == 0, "The fallback lacks:\n" + string.Join("\n", missing));
        Assert.Empty(network.AllInterfaces.Select(i => i.ToDisplayString()).Except(substitute.AllInterfaces.Select(i => i.ToDisplayString())));
    }

    /// <summary>
    /// A fallback must never run, so there is none when the project configures every cause not to fail the build: the
    /// class then stays ungenerated, as before the fallback existed. Under TreatWarningsAsErrors a warning still fails it.
    /// </summary>
    [Theory]
    [InlineData("", ReportDiagnostic.Default, null, true)]
    [InlineData("dotnet_diagnostic.NDSL0004.severity = none", ReportDiagnostic.Default, null, false)]
    [InlineData("dotnet_diagnostic.NDSL0004.severity = warning", ReportDiagnostic.Default, null, false)]
    [InlineData("dotnet_diagnostic.NDSL0004.severity = warning", ReportDiagnostic.Error, null, true)]
    [InlineData("dotnet_diagnostic.NDSL0015.severity = none", ReportDiagnostic.Default, null, true)]
    [InlineData("", ReportDiagnostic.Default, ReportDiagnostic.Suppress, false)]
    public void NoFallback_WhenTheErrorIsConfiguredNotToFailTheBuild(string editorConfig, ReportDiagnostic general, ReportDiagnostic? noWarn, bool fallback)
    {
        SyntaxTree tree = TestCompilation.ParseTree("using NetDsl;\n\nnamespace App;\n\n[Network][Input(3)][Linear(3, 2)][Linear(3, 1)] public partial class Net;\n", "/src/Net.cs");
        var options = TestCompilation.CompilationOptions
            .WithGeneralDiagnosticOption(general)
            .WithSyntaxTreeOptionsProvider(new DiagnosticCatalogTests.EditorConfigTreeOptions(tree, DiagnosticCatalogTests.EditorConfigOptions(editorConfig)));
        if (noWarn is { } suppress)
        {
            options = options.WithSpecificDiagnosticOptions(ImmutableDictionary<string, ReportDiagnostic>.Empty.Add("NDSL0004", suppress));
        }

        GeneratorDriver driver = TestCompilation.CreateDriver().RunGenerators(Microsoft.CodeAnalysis.CSharp.CSharpCompilation.Create("Test", new[] { tree }, TestCompilation.References, options));
        GeneratorRunResult result = Assert.Single(driver.GetRunResult().Results);

        Assert.Null(result.Exception);
        Assert.Equal(fallback ? 1 : 0, result.GeneratedSources.Length);
    }

    [Fact]
    public void Fallback_MatchesSnapshot()
    {
        TestRun run = TestCompilation.Run("""
            using NetDsl;

            namespace App;

            /// <summary>The issue's example: fc2 declares 3 inputs but receives 2.</summary>
            [Network]
            [Input(3)]
            [Linear(3, 2, Name = "fc1"), ReLU]
            [Linear(3, 1, Name = "fc2")]
            public partial class Net;
            """);

        Assert.Equal("NDSL0004", Assert.Single(run.AnalyzerDiagnostics).Id);
        Assert.Equal("App.Net.g.cs", Assert.Single(run.GeneratedSources).HintName);
        TestCompilation.AssertCompilesWithWarningsAsErrors(run.Output, "The fallback does not compile cleanly:\n");
        Snapshot.Match("Fallback", run.SingleSource);
    }

    [Fact]
    public void Fallback_Throws_NamingTheClassAndTheDiagnostic()
    {
        TestRun run = TestCompilation.Run("""
            using NetDsl;

            namespace App;

            [Network][Input(3)][Linear(3, 2), ReLU][Linear(3, 1)]
            public partial class Net;

            public static class Probe
            {
                public static void Create() => new Net(seed: 1).ToString();
            }
            """);
        using var stream = new System.IO.MemoryStream();
        Microsoft.CodeAnalysis.Emit.EmitResult emitted = run.Output.Emit(stream);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics));

        var context = new System.Runtime.Loader.AssemblyLoadContext("fallback", isCollectible: true);
        try
        {
            stream.Position = 0;
            Type probe = context.LoadFromStream(stream).GetType("App.Probe")!;
            var exception = Assert.Throws<System.Reflection.TargetInvocationException>(() => probe.GetMethod("Create")!.Invoke(null, null));
            InvalidOperationException inner = Assert.IsType<InvalidOperationException>(exception.InnerException);
            Assert.Equal("Network 'App.Net' was not generated because of NDSL0004; fix the errors reported on its declaration and rebuild.", inner.Message);
        }
        finally
        {
            context.Unload();
        }
    }

    [Fact]
    public void MalformedAttributes_GetTheFallback_SoOnlyTheCompilerErrorOnTheAttributeRemains()
    {
        TestRun run = RunWithUses("[Network][Input(3)][Linear(\"two\", Name = \"fc\")] public partial class Net;", "return new Net.Input(1f, 2f, 3f)[0];");

        Assert.Empty(run.AnalyzerDiagnostics);
        Assert.Contains("was not generated because of errors in its attributes", run.SingleSource, StringComparison.Ordinal);
        Diagnostic error = Assert.Single(run.OutputDiagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Equal("\"two\"", error.Location.SourceTree!.GetText().ToString(error.Location.SourceSpan));
    }

    /// <summary>The public members of <paramref name="type"/> and of its nested types, as C# shows them.</summary>
    private static string[] PublicSurface(INamedTypeSymbol type) =>
        type.GetMembers()
            .Concat(type.GetTypeMembers().SelectMany(nested => nested.GetMembers()))
            .Where(member => member.DeclaredAccessibility == Accessibility.Public && !member.IsImplicitlyDeclared)
            .Select(member => member.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat))
            .ToArray();

    /// <summary>The declaration (in namespace App) and <see cref="Consumer"/> with <paramref name="extra"/>, run with a weights file that does not parse.</summary>
    private static TestRun RunWithUses(string declaration, string extra, ImmutableArray<AdditionalText>? additionalFiles = null)
    {
        string source = "using NetDsl;\n\nnamespace App;\n\n" + declaration + "\n" + Consumer + "    private static float Extra(Net net)\n    {\n        " + extra + "\n    }\n}\n";
        return TestCompilation.Run(TestCompilation.Create(source), additionalFiles ?? ImmutableArray.Create<AdditionalText>(new WeightsText("bad.safetensors", "not a safetensors file")));
    }

    /// <summary>The compiler reports no error, and nothing at all in a generated file.</summary>
    private static void AssertOnlyNdslErrors(TestRun run)
    {
        Diagnostic[] errors = run.OutputDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToArray();
        Assert.True(errors.Length == 0, "Compiler errors besides the NDSL ones:\n" + string.Join("\n", errors.Select(d => d.ToString())));
        Diagnostic[] inGenerated = TestCompilation.ErrorsWithWarningsAsErrors(run.Output)
            .Where(d => d.Location.SourceTree is { } tree && !run.Input.SyntaxTrees.Contains(tree))
            .ToArray();
        Assert.True(inGenerated.Length == 0, "Diagnostics in the generated code:\n" + string.Join("\n", inGenerated.Select(d => d.ToString())));
    }

    /// <summary>The text copy build/NetDsl.targets writes for a <c>NetDslWeights</c> item, with these bytes.</summary>
    private sealed class WeightsText(string name, string bytes) : AdditionalText
    {
        public override string Path { get; } = "/project/obj/netdsl/" + name + ".base64";

        public override SourceText GetText(CancellationToken cancellationToken = default) =>
            SourceText.From(WeightFileContent.Prefix + name + "\n" + Convert.ToBase64String(Encoding.UTF8.GetBytes(bytes)), Encoding.UTF8);
    }
}
