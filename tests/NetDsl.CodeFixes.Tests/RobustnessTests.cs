using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
using Xunit;

namespace NetDsl.CodeFixes.Tests;

/// <summary>
/// A fix asked about a diagnostic it cannot act on (no attribute at the span, properties missing or malformed, a
/// location in another file) offers nothing and does not throw: an IDE calls fixes on stale diagnostics while the user types.
/// </summary>
public sealed class RobustnessTests
{
    private const string Source = """
        using NetDsl;

        [Network, Input(3)]
        [Linear(4, 1, Name = "fc")]
        public class Net;
        """;

    public static TheoryData<string, string, string?, string?> Cases() => new()
    {
        // id, text the span covers, property key, property value
        { "NDSL0004", "Linear(4, 1, Name = \"fc\")", null, null },
        { "NDSL0004", "Linear(4, 1, Name = \"fc\")", "InferredSize", "three" },
        { "NDSL0004", "Linear(4, 1, Name = \"fc\")", "InferredSize", "-3" },
        { "NDSL0004", "using NetDsl;", "InferredSize", "3" },
        { "NDSL0027", "Linear(4, 1, Name = \"fc\")", "InferredSize", "99999999999" },
        { "NDSL0007", "Network", null, null },
        { "NDSL0007", "Network", "ContainingTypeDepth", "7" },
        { "NDSL0007", "Network", "ContainingTypeDepth", "0" },
        { "NDSL0006", "public class Net;", null, null },
        { "NDSL0009", "Linear(4, 1, Name = \"fc\")", null, null },
        { "NDSL0009", "Linear(4, 1, Name = \"fc\")", "SuggestedName", "" },
        { "NDSL0013", "Input(3)", null, null },
        { "NDSL0013", "Net", null, null },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task UnfixableDiagnostic_OffersNothingAndDoesNotThrow(string id, string covered, string? key, string? value)
    {
        Document document = CreateDocument(Source);
        SyntaxTree tree = (await document.GetSyntaxTreeAsync())!;
        int start = Source.IndexOf(covered, System.StringComparison.Ordinal);
        Location location = Location.Create(tree, new TextSpan(start, covered.Length));
        var descriptor = new DiagnosticDescriptor(id, "t", "m", "NetDsl.Test", DiagnosticSeverity.Error, isEnabledByDefault: true);
        ImmutableDictionary<string, string?> properties = key is null
            ? ImmutableDictionary<string, string?>.Empty
            : ImmutableDictionary<string, string?>.Empty.Add(key, value);
        Diagnostic diagnostic = Diagnostic.Create(descriptor, location, properties);

        foreach (CodeFixProvider provider in Providers().Where(p => p.FixableDiagnosticIds.Contains(id)))
        {
            var actions = new List<CodeAction>();
            await provider.RegisterCodeFixesAsync(new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), CancellationToken.None));

            Assert.True(actions.Count == 0, provider.GetType().Name + " offered " + string.Join(", ", actions.Select(a => a.Title)));
        }
    }

    [Fact]
    public async Task DiagnosticWithoutSourceLocation_OffersNothing()
    {
        Document document = CreateDocument(Source);
        var descriptor = new DiagnosticDescriptor("NDSL0004", "t", "m", "NetDsl.Test", DiagnosticSeverity.Error, isEnabledByDefault: true);
        Diagnostic diagnostic = Diagnostic.Create(descriptor, Location.None, ImmutableDictionary<string, string?>.Empty.Add("InferredSize", "3"));
        var actions = new List<CodeAction>();

        await new UseInferredSizeCodeFixProvider().RegisterCodeFixesAsync(new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), CancellationToken.None));

        Assert.Empty(actions);
    }

    [Fact]
    public void EveryProvider_FixesOnlyNetDslIdsAndSupportsFixAll()
    {
        foreach (CodeFixProvider provider in Providers())
        {
            Assert.All(provider.FixableDiagnosticIds, id => Assert.Matches("^NDSL[0-9]{4}$", id));
            Assert.NotNull(provider.GetFixAllProvider());
        }
    }

    private static IEnumerable<CodeFixProvider> Providers() => new CodeFixProvider[]
    {
        new MakePartialCodeFixProvider(),
        new UseInferredSizeCodeFixProvider(),
        new InsertFlattenCodeFixProvider(),
        new RenameDuplicateLayerCodeFixProvider(),
    };

    private static Document CreateDocument(string source)
    {
        var workspace = new AdhocWorkspace();
        Project project = workspace.AddProject("Test", LanguageNames.CSharp)
            .WithCompilationOptions(new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary))
            .WithMetadataReferences(Verifier.References);
        return project.AddDocument("Test.cs", source);
    }
}
