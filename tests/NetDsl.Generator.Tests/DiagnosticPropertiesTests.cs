using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using NetDsl.Generator.Diagnostics;
using Xunit;

namespace NetDsl.Generator.Tests;

/// <summary>
/// What the analyzer hands to code fixes through <see cref="Diagnostic.Properties"/>, and the equatable properties of
/// <see cref="DiagnosticInfo"/> it comes from.
/// </summary>
public sealed class DiagnosticPropertiesTests
{
    private const string Prefix = """
        using NetDsl;

        namespace App;


        """;

    [Fact]
    public void DiagnosticInfo_WithEqualProperties_AreEqual()
    {
        DiagnosticInfo a = DiagnosticInfo.Create(DiagnosticDescriptors.LinearInputMismatch, 2, "'fc'", 2, 3, 1).WithProperty(DiagnosticPropertyNames.InferredSize, 2);
        DiagnosticInfo b = DiagnosticInfo.Create(DiagnosticDescriptors.LinearInputMismatch, 2, "'fc'", 2, 3, 1).WithProperty(DiagnosticPropertyNames.InferredSize, "2");
        DiagnosticInfo c = DiagnosticInfo.Create(DiagnosticDescriptors.LinearInputMismatch, 2, "'fc'", 2, 3, 1).WithProperty(DiagnosticPropertyNames.InferredSize, 3);
        DiagnosticInfo none = DiagnosticInfo.Create(DiagnosticDescriptors.LinearInputMismatch, 2, "'fc'", 2, 3, 1);

        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, c);
        Assert.NotEqual(a, none);
        Assert.Equal(a, a.WithProperty(DiagnosticPropertyNames.InferredSize, 2));
        Assert.Empty(none.PropertiesDictionary());
    }

    [Fact]
    public void NDSL0004_CarriesTheInferredSize() =>
        Assert.Equal("2", Properties("""
            [Network, Input(3)]
            [Linear(3, 2), ReLU]
            [Linear(3, 1)]
            public partial class Net;
            """, "NDSL0004")[DiagnosticPropertyNames.InferredSize]);

    [Fact]
    public void NDSL0027_CarriesTheInferredChannels() =>
        Assert.Equal("3", Properties("""
            [Network, Input(3, 8, 8)]
            [Conv2D(1, 8, Kernel = 3)]
            public partial class Net;
            """, "NDSL0027")[DiagnosticPropertyNames.InferredSize]);

    [Fact]
    public void NDSL0007_CarriesTheDepthOfEachNonPartialContainer()
    {
        TestRun run = TestCompilation.Run(Prefix + """
            public class Outer
            {
                public partial class Middle
                {
                    public class Inner
                    {
                        [Network, Input(3), Linear(1)]
                        public partial class Net;
                    }
                }
            }
            """);

        Assert.Equal(
            new (string, string?)[] { ("Inner", "1"), ("Outer", "3") },
            run.AnalyzerDiagnostics.Where(d => d.Id == "NDSL0007")
                .Select(d => (d.GetMessage(System.Globalization.CultureInfo.InvariantCulture).Split('\'')[3], d.Properties[DiagnosticPropertyNames.ContainingTypeDepth]))
                .OrderBy(p => p.Item2));
    }

    [Fact]
    public void NDSL0009_SuggestsNamesThatAreFreeEverywhere()
    {
        TestRun run = TestCompilation.Run(Prefix + """
            [Network, Input(3)]
            [Linear(4, Name = "fc"), ReLU]
            [Linear(4, Name = "fc"), ReLU]
            [Linear(4, Name = "fc2"), ReLU]
            [Linear(4, Name = "fc"), ReLU]
            [Linear(1, Name = "fc3")]
            public partial class Net;
            """);

        Assert.Equal(
            new[] { "fc4", "fc5" },
            run.AnalyzerDiagnostics.Where(d => d.Id == "NDSL0009").OrderBy(d => d.Location.SourceSpan.Start).Select(d => d.Properties[DiagnosticPropertyNames.SuggestedName]));
    }

    [Theory]
    [InlineData("fc", "", "fc2")]
    [InlineData("fc1", "", "fc2")]
    [InlineData("fc1", "fc2 Fc3", "fc4")]                 // names and view properties taken anywhere are skipped
    [InlineData("x9", "x10", "x11")]
    [InlineData("layer", "", "layer2")]
    [InlineData("2", "layer2", "layer3")]                 // an unnamed layer (named by its position) gets a real name
    [InlineData("_", "", "_2")]
    [InlineData("Net", "", "Net2")]
    [InlineData("parameters", "", "parameters2")]
    [InlineData("fc2147483647", "", "fc2")]             // no arithmetic near the limits: start again at 2
    [InlineData("fc99999999999999999999", "", "fc2")]
    public void SuggestUniqueName_TakesTheNextFreeNumber(string name, string taken, string expected)
    {
        var names = new System.Collections.Generic.HashSet<string>(taken.Split(' ', System.StringSplitOptions.RemoveEmptyEntries)) { name };
        var properties = new System.Collections.Generic.HashSet<string>(names.Select(n => char.ToUpperInvariant(n[0]) + n.Substring(1)));

        string suggested = NetDsl.Generator.Shapes.LayerNames.SuggestUniqueName(name, "Net2x", names, properties);

        Assert.Equal(expected, suggested);
        Assert.True(NetDsl.Generator.Shapes.LayerNames.IsValidName(suggested));
        Assert.Contains(suggested, names);
    }

    [Fact]
    public void SuggestUniqueName_AvoidsTheClassNameAndGeneratedMembers()
    {
        var names = new System.Collections.Generic.HashSet<string> { "layer" };
        var properties = new System.Collections.Generic.HashSet<string> { "Layer" };

        // "layer2" would give the view property "Layer2", the class's own name.
        Assert.Equal("layer3", NetDsl.Generator.Shapes.LayerNames.SuggestUniqueName("layer", "Layer2", names, properties));
    }

    [Fact]
    public void DiagnosticsWithoutAFix_CarryNoProperties() =>
        Assert.Empty(Properties("""
            [Network, Input(3)]
            [Linear(0)]
            public partial class Net;
            """, "NDSL0005"));

    private static ImmutableDictionary<string, string?> Properties(string declaration, string id)
    {
        TestRun run = TestCompilation.Run(Prefix + declaration);
        Assert.Empty(run.Exceptions);
        Diagnostic diagnostic = Assert.Single(run.AnalyzerDiagnostics);
        Assert.Equal(id, diagnostic.Id);
        return diagnostic.Properties;
    }
}
