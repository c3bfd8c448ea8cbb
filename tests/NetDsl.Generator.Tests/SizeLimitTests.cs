using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using NetDsl.Generator.Diagnostics;
using Xunit;

namespace NetDsl.Generator.Tests;

/// <summary>
/// Sizes are computed without wrapping: a declaration whose tensors, windows or workspace exceed what an array holds gets
/// NDSL0017 on the attribute that causes it (never a wrapped shape accepted, generated code that does not compile, or an
/// exception swallowed into silence); a network that only reshapes is not unrolled into one local per float.
/// </summary>
public sealed class SizeLimitTests
{
    private const string Prefix = "#pragma warning disable CS1591\nusing NetDsl;\n\nnamespace App;\n\n";

    [Theory]
    [InlineData("[Network][Input(65536, 65536, 65536, 65536)][ReLU] public partial class N;", "18446744073709551616", "Input")]
    [InlineData("[Network][Input(1, 1000)][Conv1D(1, Kernel = 1, Padding = int.MaxValue)] public partial class N;", "4294968294", "Conv1D")]
    [InlineData("[Network][Input(1500000000)][ReLU] public partial class N;", "3000000000", "Network")]
    [InlineData("[Network][Input(1500000000)][Dropout(0.5)][Dropout(0.5)] public partial class N;", "4500000000", "Network")]
    public void SizesBeyondAnArray_AreNdsl0017OnTheAttributeThatCausesThem(string declaration, string sizeInMessage, string attribute)
    {
        TestRun run = TestCompilation.Run(Prefix + declaration);

        Assert.Empty(run.Exceptions);
        Diagnostic diagnostic = Assert.Single(run.AnalyzerDiagnostics, d => d.Id == DiagnosticIds.NetworkTooLarge);
        string message = diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains(sizeInMessage, message, System.StringComparison.Ordinal);
        string at = diagnostic.Location.SourceTree!.ToString().Substring(diagnostic.Location.SourceSpan.Start, diagnostic.Location.SourceSpan.Length);
        Assert.StartsWith(attribute, at, System.StringComparison.Ordinal);
    }

    [Fact]
    public void AReshapeWhoseDimensionsOverflow_IsAnErrorNotAnException()
    {
        TestRun run = TestCompilation.Run(Prefix + "[Network][Input(4)][Reshape(65536, 65536, 65536, 65536, -1)] public partial class N;");

        Assert.Empty(run.Exceptions);
        Assert.Contains(run.AnalyzerDiagnostics, d => d.Id.StartsWith("NDSL", System.StringComparison.Ordinal) && d.Severity == DiagnosticSeverity.Error);
    }

    [Theory]
    [InlineData("[Network][Input(3, 224, 224)][Flatten] public partial class N;")]
    [InlineData("[Network][Input(3, 224, 224)][Reshape(-1, 224)][Flatten] public partial class N;")]
    public void ANetworkThatOnlyReshapes_IsNotUnrolled_AndCompiles(string declaration)
    {
        TestRun run = TestCompilation.Run(Prefix + declaration);

        Assert.Empty(run.Exceptions);
        Assert.DoesNotContain(run.AnalyzerDiagnostics, d => d.Severity == DiagnosticSeverity.Error);
        string source = run.SingleSource;
        Assert.DoesNotContain("ForwardSample", source, System.StringComparison.Ordinal);
        Assert.True(source.Split('\n').Length < 1000, "generated " + source.Split('\n').Length + " lines");
        TestCompilation.AssertCompilesWithWarningsAsErrors(run.Output);
    }

    /// <summary>Generated code compiles without warnings, so that TreatWarningsAsErrors builds pass (an unused local in the fused step was CS0219).</summary>
    [Theory]
    [InlineData("[Network][Input(3, 3)][ReLU][Conv1D(6, Kernel = 2, Stride = 2)] public partial class N;")]
    [InlineData("[Network][Input(2, 5)][Conv1D(3, Kernel = 2, Stride = 2)][Tanh][Flatten][Linear(1)] public partial class N;")]
    public void UnrolledNetworks_CompileWithoutWarnings(string declaration)
    {
        TestRun run = TestCompilation.Run(Prefix + declaration);

        Assert.Empty(run.Exceptions);
        Assert.DoesNotContain(run.AnalyzerDiagnostics, d => d.Severity == DiagnosticSeverity.Error);
        TestCompilation.AssertCompilesWithWarningsAsErrors(run.Output);
    }
}
