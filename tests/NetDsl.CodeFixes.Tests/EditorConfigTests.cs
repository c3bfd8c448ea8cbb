using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Xunit;

namespace NetDsl.CodeFixes.Tests;

/// <summary>
/// NetDsl's diagnostics are configured in <c>.editorconfig</c> like any analyzer's, here through a workspace project
/// with an analyzer config document, as an IDE loads one. (Raising a severity is tested with the compiler's own options
/// in NetDsl.Generator.Tests: this test framework resets every supported diagnostic to its default severity before it
/// runs the analyzer, so only suppression can be observed here.)
/// </summary>
public sealed class EditorConfigTests
{
    private const string DoubleActivation = """
        using NetDsl;

        [Network, Input(3)]
        [Linear(4), ReLU, {|#0:Sigmoid|}]
        public partial class Net;
        """;

    [Fact]
    public Task WithoutConfiguration_TheWarningIsReported() =>
        Verifier.VerifyAnalyzerAsync(DoubleActivation, expected: Verifier.Diagnostic("NDSL0015").WithLocation(0).WithSeverity(DiagnosticSeverity.Warning).WithArguments("#2", "Sigmoid", "#1", "ReLU"));

    [Fact]
    public Task SeverityNone_Suppresses() =>
        Verifier.VerifyAnalyzerAsync(
            DoubleActivation.Replace("{|#0:Sigmoid|}", "Sigmoid", System.StringComparison.Ordinal),
            new[] { ("/.editorconfig", "root = true\n\n[*.cs]\ndotnet_diagnostic.NDSL0015.severity = none\n") });

    [Fact]
    public Task SeverityNone_SuppressesAnError() =>
        Verifier.VerifyAnalyzerAsync(
            """
            using NetDsl;

            [Network, Input(3)]
            [Linear(4, 1)]
            public partial class Net;
            """,
            new[] { ("/.editorconfig", "root = true\n\n[*.cs]\ndotnet_diagnostic.NDSL0004.severity = none\n") });

    [Fact]
    public void References_ComeFromThisMachine()
    {
        // Offline: the framework's reference pack when the SDK installed one, else the running framework; never a download.
        Assert.NotEmpty(Verifier.References);
        Assert.True(System.IO.Directory.Exists(Verifier.FrameworkReferenceDirectory), Verifier.FrameworkReferenceDirectory);
        Assert.Null(Verifier.NoDownload.ReferenceAssemblyPackage);
        Assert.Empty(Verifier.NoDownload.Packages);
    }
}
