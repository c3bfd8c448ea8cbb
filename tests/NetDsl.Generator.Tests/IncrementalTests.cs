using System;
using System.Collections;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace NetDsl.Generator.Tests;

/// <summary>
/// The pipeline caches: after an edit that does not touch a network, the tracked parse and plan steps and the source
/// output are Cached or Unchanged, and their values hold no Roslyn object that would defeat the cache or keep a
/// compilation alive.
/// </summary>
public sealed class IncrementalTests
{
    private const string NetworkFile = """
        using NetDsl;

        namespace App;

        /// <summary>The seed network.</summary>
        [Network]
        [Input(3)]
        [Linear(3, 2, Name = "fc1"), ReLU]
        [Linear(2, 1, Name = "fc2")]
        public partial class SimpleNN;

        /// <summary>Not a network.</summary>
        public static class Neighbour
        {
            /// <summary>A method whose body is edited.</summary>
            public static int Value() => 1;
        }
        """;

    private const string HelperFile = """
        namespace App;

        /// <summary>Not a network.</summary>
        public static class Helper
        {
            /// <summary>A method whose body is edited.</summary>
            public static int Twice(int x) => 2 * x;
        }
        """;

    private static readonly string[] TrackedSteps = { NetworkGenerator.ParseStepName, NetworkGenerator.PlanStepName };

    [Fact]
    public void AddingAnUnrelatedFile_KeepsEveryStepCached()
    {
        (GeneratorDriver driver, CSharpCompilation compilation) = FirstRun();

        CSharpCompilation edited = compilation.AddSyntaxTrees(TestCompilation.ParseTree("namespace App; internal static class Added { }", "Added.cs"));

        AssertCached(driver.RunGenerators(edited).GetRunResult());
    }

    [Fact]
    public void EditingAMethodBodyInAnotherFile_KeepsEveryStepCached()
    {
        (GeneratorDriver driver, CSharpCompilation compilation) = FirstRun();

        CSharpCompilation edited = Replace(compilation, "Helper.cs", HelperFile.Replace("2 * x", "x + x", StringComparison.Ordinal));

        AssertCached(driver.RunGenerators(edited).GetRunResult());
    }

    [Fact]
    public void EditingAMethodBodyInTheNetworksFile_KeepsEveryStepCached()
    {
        (GeneratorDriver driver, CSharpCompilation compilation) = FirstRun();

        CSharpCompilation edited = Replace(compilation, "Network.cs", NetworkFile.Replace("Value() => 1;", "Value() => 42;", StringComparison.Ordinal));

        AssertCached(driver.RunGenerators(edited).GetRunResult());
    }

    [Fact]
    public void ADeclarationWithErrors_ItsFallbackIsCachedToo()
    {
        CSharpCompilation compilation = TestCompilation.Create(new[]
        {
            ("Network.cs", NetworkFile.Replace("[Linear(2, 1, Name = \"fc2\")]", "[Linear(3, 1, Name = \"fc2\")]", StringComparison.Ordinal)),
            ("Helper.cs", HelperFile),
        });
        GeneratorDriver driver = TestCompilation.CreateDriver().RunGenerators(compilation);
        GeneratorRunResult first = Assert.Single(driver.GetRunResult().Results);
        Assert.Contains("was not generated because of NDSL0004", Assert.Single(first.GeneratedSources).SourceText.ToString(), StringComparison.Ordinal);
        foreach (string step in TrackedSteps)
        {
            Assert.All(Outputs(first, step), output => Assert.Empty(ForbiddenObjects(output.Value, step)));
        }

        CSharpCompilation edited = Replace(compilation, "Helper.cs", HelperFile.Replace("2 * x", "x + x", StringComparison.Ordinal));

        AssertCached(driver.RunGenerators(edited).GetRunResult());
    }

    [Fact]
    public void RunningAgainWithoutChanges_KeepsEveryStepCached()
    {
        (GeneratorDriver driver, CSharpCompilation compilation) = FirstRun();

        AssertCached(driver.RunGenerators(compilation).GetRunResult());
    }

    [Fact]
    public void EditingTheNetwork_RegeneratesIt()
    {
        (GeneratorDriver driver, CSharpCompilation compilation) = FirstRun();

        CSharpCompilation edited = Replace(compilation, "Network.cs", NetworkFile.Replace("[Linear(2, 1, Name = \"fc2\")]", "[Linear(2, 4, Name = \"fc2\")]", StringComparison.Ordinal));
        GeneratorRunResult result = Assert.Single(driver.RunGenerators(edited).GetRunResult().Results);

        // The tracking does see real changes, so the Cached/Unchanged assertions above are not vacuous.
        Assert.Contains(Outputs(result, NetworkGenerator.ParseStepName), output => output.Reason == IncrementalStepRunReason.Modified);
        Assert.Contains(Outputs(result, NetworkGenerator.PlanStepName), output => output.Reason == IncrementalStepRunReason.Modified);
        Assert.Contains("public const int OutputSize = 4;", Assert.Single(result.GeneratedSources).SourceText.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void StepOutputs_HoldNoRoslynObjects()
    {
        (GeneratorDriver driver, _) = FirstRun();
        GeneratorRunResult result = Assert.Single(driver.GetRunResult().Results);

        foreach (string step in TrackedSteps)
        {
            ImmutableArray<(object Value, IncrementalStepRunReason Reason)> outputs = Outputs(result, step);
            Assert.NotEmpty(outputs);
            foreach ((object value, _) in outputs)
            {
                List<string> found = ForbiddenObjects(value, step);
                Assert.True(found.Count == 0, "Step " + step + " holds Roslyn objects:\n" + string.Join("\n", found));
            }
        }
    }

    [Fact]
    public void ForbiddenObjectWalker_FindsNestedRoslynObjects()
    {
        // The walker itself must see through records, tuples, arrays and EquatableArray's private field.
        Location location = Location.Create("a.cs", default, default);
        var holder = Tuple.Create(new[] { new object[] { 1, "two", location } });

        List<string> found = ForbiddenObjects(holder, "root");

        Assert.Contains(found, path => path.Contains(nameof(Location), StringComparison.Ordinal));
        Assert.Empty(ForbiddenObjects(Model.EquatableArray.ToEquatableArray(new[] { 1, 2, 3 }), "root"));
        Compilation compilation = TestCompilation.Create(string.Empty);
        Assert.NotEmpty(ForbiddenObjects(new KeyValuePair<string, object>("c", compilation), "root"));
    }

    private static (GeneratorDriver Driver, CSharpCompilation Compilation) FirstRun()
    {
        CSharpCompilation compilation = TestCompilation.Create(new[] { ("Network.cs", NetworkFile), ("Helper.cs", HelperFile) });
        GeneratorDriver driver = TestCompilation.CreateDriver().RunGenerators(compilation);
        GeneratorRunResult result = Assert.Single(driver.GetRunResult().Results);
        Assert.Single(result.GeneratedSources);
        Assert.Null(result.Exception);
        return (driver, compilation);
    }

    private static CSharpCompilation Replace(CSharpCompilation compilation, string path, string text)
    {
        SyntaxTree old = compilation.SyntaxTrees.Single(tree => tree.FilePath == path);
        return compilation.ReplaceSyntaxTree(old, TestCompilation.ParseTree(text, path));
    }

    private static void AssertCached(GeneratorDriverRunResult runResult)
    {
        GeneratorRunResult result = Assert.Single(runResult.Results);
        Assert.Null(result.Exception);
        foreach (string step in TrackedSteps)
        {
            ImmutableArray<(object Value, IncrementalStepRunReason Reason)> outputs = Outputs(result, step);
            Assert.NotEmpty(outputs);
            Assert.All(outputs, output => Assert.True(
                output.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged,
                "Step " + step + " output was " + output.Reason));
        }

        Assert.True(result.TrackedOutputSteps.TryGetValue(WellKnownGeneratorOutputs.SourceOutput, out ImmutableArray<IncrementalGeneratorRunStep> sourceSteps), "No source output step was tracked.");
        ImmutableArray<(object Value, IncrementalStepRunReason Reason)> sourceOutputs = sourceSteps.SelectMany(s => s.Outputs).ToImmutableArray();
        Assert.NotEmpty(sourceOutputs);
        Assert.All(sourceOutputs, output => Assert.True(
            output.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged,
            "The source output was " + output.Reason));
        Assert.Single(result.GeneratedSources);
    }

    private static ImmutableArray<(object Value, IncrementalStepRunReason Reason)> Outputs(GeneratorRunResult result, string step)
    {
        Assert.True(result.TrackedSteps.TryGetValue(step, out ImmutableArray<IncrementalGeneratorRunStep> steps), "Step " + step + " was not tracked.");
        return steps.SelectMany(s => s.Outputs).ToImmutableArray();
    }

    /// <summary>
    /// Walks <paramref name="root"/>'s object graph (every instance field, recursively, and the elements of arrays and
    /// other enumerables) and returns the paths of the objects that are an ISymbol, SyntaxNode, SyntaxTree, Compilation,
    /// SemanticModel, Location or AttributeData.
    /// </summary>
    private static List<string> ForbiddenObjects(object? root, string rootPath)
    {
        var found = new List<string>();
        var visited = new HashSet<object>(ReferenceEqualityComparer.Instance);
        Walk(root, rootPath, 0);
        return found;

        void Walk(object? value, string path, int depth)
        {
            if (value is null || depth > 64)
            {
                return;
            }

            Type type = value.GetType();
            if (value is ISymbol or SyntaxNode or SyntaxTree or Compilation or SemanticModel or Location or AttributeData)
            {
                found.Add(path + ": " + type.FullName);
                return;
            }

            if (type.IsPrimitive || type.IsEnum || value is string or decimal || type.IsPointer)
            {
                return;
            }

            if (!type.IsValueType && !visited.Add(value))
            {
                return;
            }

            if (value is IEnumerable enumerable && value is not string)
            {
                int index = 0;
                foreach (object? item in enumerable)
                {
                    Walk(item, path + "[" + index++ + "]", depth + 1);
                }
            }

            for (Type? current = type; current is not null && current != typeof(object); current = current.BaseType)
            {
                foreach (FieldInfo field in current.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
                {
                    if (field.FieldType.IsPointer || field.FieldType.IsByRefLike)
                    {
                        continue;
                    }

                    Walk(field.GetValue(value), path + "." + field.Name, depth + 1);
                }
            }
        }
    }
}
