using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NetDsl.Generator.Shapes;
using Xunit;

namespace NetDsl.Generator.Tests;

/// <summary>Properties of the generated code beyond its exact text.</summary>
public sealed class GeneratedCodeTests
{
    /// <summary>
    /// A layer named <c>n</c> gets a view property named <c>n</c> with its first letter upper-cased. Every other member
    /// the generator declares that such a property could collide with must be reserved, so that the analyzer reports
    /// NDSL0010 instead of the compiler reporting errors in a file the user cannot edit.
    /// </summary>
    [Theory]
    [InlineData(SnapshotTests.SeedNetwork)]
    [InlineData(SnapshotTests.Mlp)]
    [InlineData(SnapshotTests.DeepMixed)]
    public void GeneratedMembers_ThatALayerNameCouldProduce_AreReserved(string source)
    {
        TestRun run = TestCompilation.Run(source);
        SyntaxTree generated = Assert.Single(run.GeneratedSources).SyntaxTree;
        TypeDeclarationSyntax network = generated.GetRoot().DescendantNodes().OfType<TypeDeclarationSyntax>()
            .First(type => type.BaseList is not null && type.BaseList.Types.Any(t => t.ToString().Contains("INetwork", System.StringComparison.Ordinal)));

        var unreserved = new List<string>();
        foreach (string name in MemberNames(network))
        {
            bool aLayerNameCouldProduceIt = char.ToUpperInvariant(name[0]) == name[0] && LayerNames.IsValidName(name);
            if (aLayerNameCouldProduceIt && !LayerNames.ReservedMemberNames.Contains(name))
            {
                unreserved.Add(name);
            }
        }

        Assert.True(unreserved.Count == 0, "Generated members a layer's view property could collide with, missing from LayerNames.ReservedMemberNames: " + string.Join(", ", unreserved));
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
                case PropertyDeclarationSyntax { ExplicitInterfaceSpecifier: null } property when property.Type.ToString() != "global::NetDsl.LinearLayerView":
                    yield return property.Identifier.ValueText;
                    break;
                case BaseTypeDeclarationSyntax nested:
                    yield return nested.Identifier.ValueText;
                    break;
            }
        }
    }
}
