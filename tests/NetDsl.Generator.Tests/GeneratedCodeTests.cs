using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NetDsl.Generator.Emit;
using Xunit;

namespace NetDsl.Generator.Tests;

/// <summary>Properties of the generated code beyond its exact text.</summary>
public sealed class GeneratedCodeTests
{
    /// <summary>
    /// A layer named <c>n</c> gets a view property named <c>n</c> with its first letter upper-cased. Every other member
    /// the generator declares must be in <see cref="GeneratedMembers"/>, so that the analyzer reports NDSL0010 for a layer
    /// whose view would take its name instead of the compiler reporting errors in a file the user cannot edit. The
    /// networks between them have every stage kind, batch normalization's segments, dropout, fused steps, streaming and the fallback.
    /// </summary>
    [Theory]
    [InlineData(SnapshotTests.SeedNetwork)]
    [InlineData(SnapshotTests.Mlp)]
    [InlineData(SnapshotTests.DeepMixed)]
    [InlineData(SnapshotTests.TinyCnn)]
    [InlineData(SnapshotTests.SensorLstm)]
    [InlineData(SnapshotTests.StackedSensorStream)]
    [InlineData(SnapshotTests.Int8Digits)]
    [InlineData(FallbackNetwork)]
    public void EveryGeneratedMemberButTheViews_IsReserved(string source)
    {
        TestRun run = TestCompilation.Run(source);
        var unreserved = new List<string>();
        foreach (GeneratedSourceResult generated in run.GeneratedSources)
        {
            foreach (TypeDeclarationSyntax network in generated.SyntaxTree.GetRoot().DescendantNodes().OfType<TypeDeclarationSyntax>()
                .Where(type => type.BaseList is not null && type.BaseList.Types.Any(t => t.ToString().Contains("INetwork", System.StringComparison.Ordinal))))
            {
                unreserved.AddRange(MemberNames(network).Where(name => !GeneratedMembers.IsReserved(name)));
            }
        }

        Assert.NotEmpty(run.GeneratedSources);
        Assert.True(unreserved.Count == 0, "Generated members missing from GeneratedMembers: " + string.Join(", ", unreserved));
    }

    private const string FallbackNetwork = """
        using NetDsl;

        namespace App;

        [Network, Input(4), Linear(3, Name = "fc1"), Conv2D(2, Kernel = 3), Linear(1, Name = "fc2")]
        public partial class Broken;
        """;

    [Fact]
    public void ALinearAfterASequenceAppliesToEveryStep_OnAConvolutionsOutputItAsksForAFlatten()
    {
        TestRun run = TestCompilation.Run("""
            using NetDsl;

            namespace App;

            [Network, Input(6, 3), GRU(4), ReLU, Linear(2, Name = "head")]
            public partial class PerStep;

            [Network, Input(2, 9), Conv1D(3, Kernel = 3), ReLU, Linear(2, Name = "head")]
            public partial class AfterConvolution;
            """);

        Assert.Empty(run.Exceptions);
        Diagnostic flatten = Assert.Single(run.AnalyzerDiagnostics);
        Assert.Equal("NDSL0013", flatten.Id);
        Assert.Contains("[3, 7]", flatten.GetMessage(System.Globalization.CultureInfo.InvariantCulture), System.StringComparison.Ordinal);
        string perStep = run.GeneratedSources.Single(g => g.HintName == "App.PerStep.g.cs").SourceText.ToString();
        Assert.Contains("head     Linear(4, 2, per step)  [6, 2]", perStep, System.StringComparison.Ordinal);
        Assert.Contains("global::NetDsl.Generated.LinearKernels.Forward(s2, p.Slice(", perStep, System.StringComparison.Ordinal);
        Assert.Contains(", s3, batch * 6, 4, 2);", perStep, System.StringComparison.Ordinal);
    }

    /// <summary>
    /// The streaming Step of every kind of head compiles without warnings: the generator fuzzer found a lone activation head
    /// (a kernel call without the batch size) leaving the step's 'batch' constant unused (CS0219).
    /// </summary>
    [Theory]
    [InlineData("")]
    [InlineData("[Tanh]")]
    [InlineData("[Linear(3)]")]
    [InlineData("[Linear(3), ReLU][Dropout(0.5)][Softmax]")]
    public void StreamingStep_CompilesWithoutWarnings_WhateverTheHead(string head)
    {
        TestRun run = TestCompilation.Run("""
            using NetDsl;

            namespace App;

            [Network(UnrollLimit = 0)]
            [Input(5, 2)]
            [LSTM(4, ReturnSequences = false)]
            """ + head + """

            public partial class Streamed;
            """);

        Assert.Empty(run.Exceptions);
        Assert.Contains("public void Step(ref StreamState state", run.SingleSource, System.StringComparison.Ordinal);
        TestCompilation.AssertCompilesWithWarningsAsErrors(run.Output, "head '" + head + "':\n");
    }

    /// <summary>
    /// Every network whose layers from the first are causal and step by step streams: stacked recurrent attributes with
    /// per-step layers between them, a final state or a LastStep followed by any head, or every step's output
    /// (<c>StepOutput</c>). The step compiles without warnings.
    /// </summary>
    [Theory]
    [InlineData("[Input(6, 3)][LSTM(5)][Tanh][Linear(7)][GRU(7, Layers = 2, ReturnSequences = false)][Linear(4)]", "Output")]
    [InlineData("[Input(6, 3)][RNN(4)][Dropout(0.5)][LSTM(5)][LayerNorm][Linear(2), Sigmoid]", "StepOutput")]
    [InlineData("[Input(6)][Embedding(9, 4)][Linear(5)][GRU(3)][LastStep][Linear(2)][Softmax]", "Output")]
    [InlineData("[Input(6, 3, Sequence = true)][Linear(8), GELU][GRU(3)]", "StepOutput")]
    [InlineData("[Input(6, 3)][GRU(4)][Identity][LeakyReLU(0.1)][RNN(2, Layers = 3, ReturnSequences = false)]", "Output")]
    public void CausalStepByStepNetworks_Stream(string layers, string stepReturns)
    {
        TestRun run = TestCompilation.Run("using NetDsl;\n\nnamespace App;\n\n[Network]\n" + layers + "\npublic partial class Streamed;\n");

        Assert.Empty(run.Exceptions);
        Assert.Empty(run.AnalyzerDiagnostics);
        Assert.Contains("public " + stepReturns + " Step(ref StreamState state, global::System.ReadOnlySpan<float> features)", run.SingleSource, System.StringComparison.Ordinal);
        TestCompilation.AssertCompilesWithWarningsAsErrors(run.Output, layers + ":\n");
    }

    /// <summary>Networks that read the whole sequence (or carry no recurrent state) get no streaming API, and no diagnostic for it.</summary>
    [Theory]
    [InlineData("[Input(6, 3)][LSTM(5, Bidirectional = true, ReturnSequences = false)][Linear(2)]")]
    [InlineData("[Input(6, 3)][LSTM(5)][GRU(4, Bidirectional = true, ReturnSequences = false)]")]
    [InlineData("[Input(6, 3)][GRU(4)][MeanOverTime][Linear(2)]")]
    [InlineData("[Input(6, 3)][GRU(4)][MaxOverTime]")]
    [InlineData("[Input(6, 3)][GRU(4)][Flatten][Linear(2)]")]
    [InlineData("[Input(6, 3)][GRU(4)][PositionalEncoding][Linear(2)]")]
    [InlineData("[Input(6, 3)][GRU(4)][MultiheadAttention(2, Causal = true)][LastStep]")]
    [InlineData("[Input(6, 3)][GRU(4)][Residual, Linear(4), EndResidual]")]
    [InlineData("[Input(6, 3)][GRU(4)][BatchNorm1D]")]
    [InlineData("[Input(6, 3)][GRU(4)][PReLU]")]
    [InlineData("[Input(6, 3, Sequence = true)][Linear(4)][LastStep]")]
    public void NetworksThatReadTheWholeSequence_HaveNoStep(string layers)
    {
        TestRun run = TestCompilation.Run("using NetDsl;\n\nnamespace App;\n\n[Network]\n" + layers + "\npublic partial class NotStreamed;\n");

        Assert.Empty(run.Exceptions);
        Assert.Empty(run.AnalyzerDiagnostics);
        Assert.DoesNotContain("StreamState", run.SingleSource, System.StringComparison.Ordinal);
    }

    [Fact]
    public void NetworksWithTheSameNameInGenericTypesOfDifferentArity_GetDistinctFiles()
    {
        TestRun run = TestCompilation.Run("""
            using NetDsl;

            namespace App;

            public partial class Outer<T>
            {
                [Network, Input(1), Linear(1)]
                public partial class Net;
            }

            public partial class Outer<T, U>
            {
                [Network, Input(1), Linear(1)]
                public partial class Net;
            }
            """);

        Assert.Empty(run.Exceptions);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Equal(new[] { "App.Outer_1.Net.g.cs", "App.Outer_2.Net.g.cs" }, run.GeneratedSources.Select(s => s.HintName).Order());
        Assert.DoesNotContain(run.OutputDiagnostics, d => d.Severity == DiagnosticSeverity.Error);
    }

    private static IEnumerable<string> MemberNames(TypeDeclarationSyntax type)
    {
        foreach (MemberDeclarationSyntax member in type.Members)
        {
            switch (member)
            {
                case BaseFieldDeclarationSyntax field:
                    foreach (VariableDeclaratorSyntax variable in field.Declaration.Variables)
                    {
                        yield return variable.Identifier.ValueText;
                    }

                    break;
                case MethodDeclarationSyntax { ExplicitInterfaceSpecifier: null } method:
                    yield return method.Identifier.ValueText;
                    break;
                case PropertyDeclarationSyntax { ExplicitInterfaceSpecifier: null } property when !property.Type.ToString().EndsWith("LayerView", System.StringComparison.Ordinal) && !property.Type.ToString().EndsWith("NamedTensorsView", System.StringComparison.Ordinal):
                    yield return property.Identifier.ValueText;
                    break;
                case BaseTypeDeclarationSyntax nested:
                    yield return nested.Identifier.ValueText;
                    break;
            }
        }
    }
}
