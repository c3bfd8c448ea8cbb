using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using NetDsl.Generator.Diagnostics;
using Xunit;

namespace NetDsl.Generator.Tests;

/// <summary>
/// The diagnostic catalog as a whole: every descriptor is complete, documented and configurable like any analyzer
/// diagnostic (<c>.editorconfig</c>), and no diagnostic is reported twice.
/// </summary>
public sealed class DiagnosticCatalogTests
{
    /// <summary>The diagnostics for suspicious but valid code; every other one stops the build.</summary>
    private static readonly string[] Warnings = { "NDSL0015", "NDSL0021", "NDSL0030", "NDSL0031" };

    public static TheoryData<string> Ids()
    {
        var data = new TheoryData<string>();
        foreach (DiagnosticDescriptor descriptor in DiagnosticDescriptors.All)
        {
            data.Add(descriptor.Id);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Descriptor_IsComplete(string id)
    {
        DiagnosticDescriptor descriptor = Descriptor(id);

        Assert.Matches("^NDSL[0-9]{4}$", descriptor.Id);
        Assert.False(string.IsNullOrWhiteSpace(descriptor.Title.ToString(CultureInfo.InvariantCulture)));
        Assert.False(string.IsNullOrWhiteSpace(descriptor.MessageFormat.ToString(CultureInfo.InvariantCulture)));
        Assert.StartsWith("NetDsl.", descriptor.Category, StringComparison.Ordinal);
        Assert.Equal("https://github.com/netdsl/netdsl/blob/main/docs/diagnostics.md#" + id.ToLowerInvariant(), descriptor.HelpLinkUri);
        Assert.True(descriptor.IsEnabledByDefault);
        Assert.Equal(Warnings.Contains(id) ? DiagnosticSeverity.Warning : DiagnosticSeverity.Error, descriptor.DefaultSeverity);

        // Configurable in .editorconfig, as any analyzer diagnostic: nothing marks it otherwise.
        Assert.DoesNotContain(WellKnownDiagnosticTags.NotConfigurable, descriptor.CustomTags);
        Assert.DoesNotContain(WellKnownDiagnosticTags.Compiler, descriptor.CustomTags);
    }

    [Fact]
    public void Ids_AreUniqueAndConsecutive()
    {
        string[] ids = DiagnosticDescriptors.All.Select(d => d.Id).ToArray();

        Assert.Equal(ids.Length, ids.Distinct().Count());
        Assert.Equal(Enumerable.Range(1, ids.Length).Select(i => "NDSL" + i.ToString("D4", CultureInfo.InvariantCulture)), ids.Order());
    }

    [Fact]
    public void AnalyzerSupportsEveryDescriptor() =>
        Assert.Equal(DiagnosticDescriptors.All.Select(d => d.Id), new NetworkAnalyzer().SupportedDiagnostics.Select(d => d.Id));

    /// <summary>docs/diagnostics.md: a table row with the right severity and title, and a section with an example, for every ID.</summary>
    [Theory]
    [MemberData(nameof(Ids))]
    public void Documentation_HasEveryId(string id)
    {
        DiagnosticDescriptor descriptor = Descriptor(id);
        string docs = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "diagnostics.md"));

        string row = "| [" + id + "](#" + id.ToLowerInvariant() + ") | " + descriptor.DefaultSeverity + " | " + descriptor.Title + " |";
        Assert.Contains(row, docs, StringComparison.Ordinal);
        Assert.Contains("<a id=\"" + id.ToLowerInvariant() + "\"></a>\n## " + id + ": " + descriptor.Title, docs.Replace("\r\n", "\n", StringComparison.Ordinal), StringComparison.Ordinal);

        string section = Section(docs, id);
        Assert.Contains("```csharp", section, StringComparison.Ordinal);
        Assert.Contains("Fix", section, StringComparison.Ordinal);
    }

    /// <summary>AnalyzerReleases.Unshipped.md (checked at build time by Microsoft.CodeAnalysis.Analyzers as well) lists each ID once.</summary>
    [Theory]
    [MemberData(nameof(Ids))]
    public void ReleaseTracking_ListsEveryId(string id)
    {
        DiagnosticDescriptor descriptor = Descriptor(id);
        string[] lines = File.ReadAllLines(Path.Combine(RepositoryRoot(), "src", "NetDsl.Generator", "AnalyzerReleases.Unshipped.md"));

        string line = Assert.Single(lines, l => l.StartsWith(id + " ", StringComparison.Ordinal));
        Assert.Equal(id + " | " + descriptor.Category + " | " + descriptor.DefaultSeverity + " | " + descriptor.Title, line);
    }

    [Fact]
    public void EditorConfig_SeverityNone_SuppressesTheDiagnostic()
    {
        Assert.Equal(new[] { "NDSL0015" }, AnalyzeWithEditorConfig(DoubleActivation, string.Empty).Select(d => d.Id));

        Assert.Empty(AnalyzeWithEditorConfig(DoubleActivation, "dotnet_diagnostic.NDSL0015.severity = none"));
    }

    [Fact]
    public void EditorConfig_SeverityError_RaisesAWarning()
    {
        Diagnostic diagnostic = Assert.Single(AnalyzeWithEditorConfig(DoubleActivation, "dotnet_diagnostic.NDSL0015.severity = error"));

        Assert.Equal(("NDSL0015", DiagnosticSeverity.Error), (diagnostic.Id, diagnostic.Severity));
    }

    [Fact]
    public void EditorConfig_CategorySeverity_AppliesToTheCategory()
    {
        string wrongSize = Prefix + """
            [Network, Input(3)]
            [Linear(4, 1)]
            public partial class Net;
            """;

        Diagnostic diagnostic = Assert.Single(AnalyzeWithEditorConfig(wrongSize, "dotnet_analyzer_diagnostic.category-NetDsl.Shapes.severity = warning"));
        Assert.Equal(("NDSL0004", DiagnosticSeverity.Warning), (diagnostic.Id, diagnostic.Severity));
    }

    [Fact]
    public void EditorConfig_SeverityNone_SuppressesAnError()
    {
        string wrongSize = Prefix + """
            [Network, Input(3)]
            [Linear(4, 1)]
            public partial class Net;
            """;

        Assert.Equal(new[] { "NDSL0004" }, AnalyzeWithEditorConfig(wrongSize, string.Empty).Select(d => d.Id));
        Assert.Empty(AnalyzeWithEditorConfig(wrongSize, "dotnet_diagnostic.NDSL0004.severity = none"));
    }

    /// <summary>
    /// A network class declared in several parts (a second file, an empty part, a part with members): each problem is
    /// reported once, by the analyzer (which runs once per type symbol), and never by the generator.
    /// </summary>
    [Fact]
    public void PartialClassWithSeveralDeclarations_ReportsEachDiagnosticOnce()
    {
        TestRun run = TestCompilation.Run(TestCompilation.Create(new[]
        {
            ("Net.cs", Prefix + """
                /// <summary>Declared in three parts.</summary>
                [Network]
                [Input(3)]
                [Linear(3, 2, Name = "fc1"), ReLU, Sigmoid]
                [Linear(3, 1, Name = "fc2")]
                public partial class Net;

                public partial class Net
                {
                    /// <summary>A member in another part.</summary>
                    public int Extra => 1;
                }
                """),
            ("Net.Part.cs", Prefix + """
                public partial class Net;

                /// <summary>Layers on two parts.</summary>
                [Network, Input(2)]
                public partial class Split;

                [Linear(1)]
                public partial class Split;
                """),
        }));

        Assert.Empty(run.Exceptions);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Equal(new[] { "NDSL0004", "NDSL0012", "NDSL0015" }, run.AnalyzerDiagnostics.Select(d => d.Id).Order());
        Assert.Equal(run.AnalyzerDiagnostics.Length, run.AnalyzerDiagnostics.Select(d => (d.Id, d.Location.SourceSpan, d.Location.SourceTree?.FilePath)).Distinct().Count());
    }

    /// <summary>The same with concurrent analysis, as IDEs and builds run analyzers.</summary>
    [Fact]
    public async System.Threading.Tasks.Task ConcurrentAnalysis_ReportsEachDiagnosticOnce()
    {
        CSharpCompilation compilation = TestCompilation.Create(
            Prefix + """
                [Network, Input(3)]
                [Linear(4, 2), ReLU, Tanh]
                public partial class A;

                public partial class A { }
                """,
            Prefix + """
                public partial class A;

                [Network, Input(1, 4, 4)]
                [Linear(2)]
                public partial class B;
                """);
        var options = new CompilationWithAnalyzersOptions(new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty), onAnalyzerException: null, concurrentAnalysis: true, logAnalyzerExecutionTime: false);
        ImmutableArray<Diagnostic> diagnostics = await compilation
            .WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new NetworkAnalyzer()), options)
            .GetAnalyzerDiagnosticsAsync(CancellationToken.None);

        Assert.Equal(new[] { "NDSL0004", "NDSL0013", "NDSL0015" }, diagnostics.Select(d => d.Id).Order());
    }

    private const string Prefix = """
        using NetDsl;

        namespace App;


        """;

    private const string DoubleActivation = Prefix + """
        [Network, Input(3)]
        [Linear(4), ReLU, Sigmoid]
        public partial class Net;
        """;

    private static DiagnosticDescriptor Descriptor(string id) => DiagnosticDescriptors.All.Single(d => d.Id == id);

    internal static AnalyzerConfigOptionsResult EditorConfigOptions(string settings)
    {
        AnalyzerConfig config = AnalyzerConfig.Parse("root = true\n\n[*.cs]\n" + settings + "\n", "/src/.editorconfig");
        return AnalyzerConfigSet.Create(new[] { config }).GetOptionsForSourcePath("/src/Net.cs");
    }

    /// <summary>
    /// Runs the analyzer on <paramref name="source"/> (at /src/Net.cs) with an .editorconfig holding <paramref name="settings"/>,
    /// wired the way the compiler wires one: severities through the compilation's <see cref="SyntaxTreeOptionsProvider"/>,
    /// key-value options through an <see cref="AnalyzerConfigOptionsProvider"/>.
    /// </summary>
    private static ImmutableArray<Diagnostic> AnalyzeWithEditorConfig(string source, string settings)
    {
        AnalyzerConfigOptionsResult result = EditorConfigOptions(settings);
        SyntaxTree tree = TestCompilation.ParseTree(source, "/src/Net.cs");
        CSharpCompilation compilation = CSharpCompilation.Create(
            "EditorConfigTest",
            new[] { tree },
            TestCompilation.References,
            TestCompilation.CompilationOptions.WithSyntaxTreeOptionsProvider(new EditorConfigTreeOptions(tree, result)));

        var analyzerOptions = new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty, new EditorConfigOptionsProvider(tree, result));
        var options = new CompilationWithAnalyzersOptions(analyzerOptions, onAnalyzerException: null, concurrentAnalysis: false, logAnalyzerExecutionTime: false);
        return compilation
            .WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new NetworkAnalyzer()), options)
            .GetAnalyzerDiagnosticsAsync(CancellationToken.None).GetAwaiter().GetResult();
    }

    private static string Section(string docs, string id)
    {
        int start = docs.IndexOf("<a id=\"" + id.ToLowerInvariant() + "\"></a>", StringComparison.Ordinal);
        int end = docs.IndexOf("<a id=\"", start + 1, StringComparison.Ordinal);
        return end < 0 ? docs.Substring(start) : docs.Substring(start, end - start);
    }

    internal static string RepositoryRoot()
    {
        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "NetDsl.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("NetDsl.sln not found above " + AppContext.BaseDirectory);
    }

    internal sealed class EditorConfigTreeOptions(SyntaxTree tree, AnalyzerConfigOptionsResult result) : SyntaxTreeOptionsProvider
    {
        public override GeneratedKind IsGenerated(SyntaxTree syntaxTree, CancellationToken cancellationToken) => GeneratedKind.Unknown;

        public override bool TryGetDiagnosticValue(SyntaxTree syntaxTree, string diagnosticId, CancellationToken cancellationToken, out ReportDiagnostic severity)
        {
            severity = ReportDiagnostic.Default;
            return syntaxTree == tree && result.TreeOptions.TryGetValue(diagnosticId, out severity);
        }

        public override bool TryGetGlobalDiagnosticValue(string diagnosticId, CancellationToken cancellationToken, out ReportDiagnostic severity)
        {
            severity = ReportDiagnostic.Default;
            return false;
        }
    }

    private sealed class EditorConfigOptionsProvider(SyntaxTree tree, AnalyzerConfigOptionsResult result) : AnalyzerConfigOptionsProvider
    {
        private static readonly AnalyzerConfigOptions Empty = new Options(ImmutableDictionary<string, string>.Empty);

        public override AnalyzerConfigOptions GlobalOptions => Empty;

        public override AnalyzerConfigOptions GetOptions(SyntaxTree syntaxTree) => syntaxTree == tree ? new Options(result.AnalyzerOptions) : Empty;

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => Empty;

        private sealed class Options(ImmutableDictionary<string, string> values) : AnalyzerConfigOptions
        {
            public override bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? value) => values.TryGetValue(key, out value);
        }
    }
}
