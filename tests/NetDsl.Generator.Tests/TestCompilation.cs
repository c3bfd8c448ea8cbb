using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit;

namespace NetDsl.Generator.Tests;

/// <summary>
/// Builds compilations from source text, runs <see cref="NetworkGenerator"/> through a generator driver with step
/// tracking, and runs <see cref="NetworkAnalyzer"/> over the result, as a build would.
/// </summary>
internal static class TestCompilation
{
    /// <summary>Latest language version, and doc comments parsed and checked (CS1591 and friends are reported).</summary>
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest, DocumentationMode.Diagnose);

    /// <summary>A library with nullable annotations on and every warning wave enabled.</summary>
    public static readonly CSharpCompilationOptions CompilationOptions = new(
        OutputKind.DynamicallyLinkedLibrary,
        nullableContextOptions: NullableContextOptions.Enable,
        warningLevel: 9999);

    private static readonly Lazy<ImmutableArray<MetadataReference>> LazyReferences = new(LoadReferences);

    /// <summary>The shared framework's assemblies (from the trusted platform assemblies), NetDsl.Runtime and its dependencies.</summary>
    public static ImmutableArray<MetadataReference> References => LazyReferences.Value;

    public static CSharpCompilation Create(params string[] sources) =>
        Create(sources.Select((text, i) => ("Source" + i + ".cs", text)));

    public static CSharpCompilation Create(IEnumerable<(string Path, string Text)> sources)
    {
        SyntaxTree[] trees = sources.Select(source => ParseTree(source.Text, source.Path)).ToArray();
        return CSharpCompilation.Create("NetDslTestAssembly", trees, References, CompilationOptions);
    }

    public static SyntaxTree ParseTree(string text, string path) => CSharpSyntaxTree.ParseText(text, ParseOptions, path);

    /// <summary>A driver for <see cref="NetworkGenerator"/> that records every step's inputs, outputs and run reasons.</summary>
    public static GeneratorDriver CreateDriver(IEnumerable<AdditionalText>? additionalTexts = null) =>
        CSharpGeneratorDriver.Create(
            new[] { new NetworkGenerator().AsSourceGenerator() },
            additionalTexts: additionalTexts,
            parseOptions: ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>
    /// Emits <paramref name="compilation"/> (which must succeed), loads it into a collectible context, runs
    /// <paramref name="use"/> on the assembly and unloads it.
    /// </summary>
    public static T Load<T>(Compilation compilation, Func<System.Reflection.Assembly, T> use)
    {
        using var stream = new System.IO.MemoryStream();
        Microsoft.CodeAnalysis.Emit.EmitResult result = compilation.Emit(stream);
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        var context = new System.Runtime.Loader.AssemblyLoadContext("test-load", isCollectible: true);
        try
        {
            stream.Position = 0;
            return use(context.LoadFromStream(stream));
        }
        finally
        {
            context.Unload();
        }
    }

    public static TestRun Run(params string[] sources) => Run(Create(sources));

    /// <summary>
    /// Runs the generator on <paramref name="compilation"/>, then the analyzer on the compilation the generator produced,
    /// both given <paramref name="additionalFiles"/> (weights files, for example).
    /// </summary>
    public static TestRun Run(CSharpCompilation compilation, ImmutableArray<AdditionalText> additionalFiles = default)
    {
        additionalFiles = additionalFiles.IsDefault ? ImmutableArray<AdditionalText>.Empty : additionalFiles;
        GeneratorDriver driver = CreateDriver(additionalFiles).RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out ImmutableArray<Diagnostic> driverDiagnostics);
        GeneratorDriverRunResult runResult = driver.GetRunResult();
        GeneratorRunResult generatorResult = Assert.Single(runResult.Results);

        var exceptions = new List<Exception>();
        if (generatorResult.Exception is { } generatorException)
        {
            exceptions.Add(generatorException);
        }

        ImmutableArray<Diagnostic> generatorDiagnostics = driverDiagnostics.AddRange(generatorResult.Diagnostics).Distinct().ToImmutableArray();
        ImmutableArray<Diagnostic> analyzerDiagnostics = RunAnalyzer(output, exceptions, additionalFiles);
        return new TestRun(
            compilation,
            output,
            driver,
            runResult,
            generatorResult.GeneratedSources,
            generatorDiagnostics,
            analyzerDiagnostics,
            new Lazy<ImmutableArray<Diagnostic>>(() => output.GetDiagnostics()),
            exceptions.ToImmutableArray());
    }

    /// <summary>
    /// The analyzer's diagnostics on <paramref name="compilation"/>; an exception thrown by the analyzer is added to
    /// <paramref name="exceptions"/> and its AD0001 diagnostic to the result.
    /// </summary>
    public static ImmutableArray<Diagnostic> RunAnalyzer(Compilation compilation, List<Exception> exceptions, ImmutableArray<AdditionalText> additionalFiles = default)
    {
        var exceptionDiagnostics = new List<Diagnostic>();
        var options = new CompilationWithAnalyzersOptions(
            new AnalyzerOptions(additionalFiles.IsDefault ? ImmutableArray<AdditionalText>.Empty : additionalFiles),
            onAnalyzerException: (exception, _, diagnostic) =>
            {
                lock (exceptions)
                {
                    exceptions.Add(exception);
                    exceptionDiagnostics.Add(diagnostic);
                }
            },
            concurrentAnalysis: false,
            logAnalyzerExecutionTime: false);
        CompilationWithAnalyzers withAnalyzers = compilation.WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new NetworkAnalyzer()), options);
        ImmutableArray<Diagnostic> diagnostics = withAnalyzers.GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult();
        lock (exceptions)
        {
            return diagnostics.AddRange(exceptionDiagnostics.Where(d => !diagnostics.Contains(d)));
        }
    }

    /// <summary>
    /// The diagnostics of <paramref name="compilation"/> compiled as a project with TreatWarningsAsErrors would be:
    /// every warning reported as an error. Hidden and info diagnostics are left out.
    /// </summary>
    public static ImmutableArray<Diagnostic> ErrorsWithWarningsAsErrors(Compilation compilation)
    {
        Compilation strict = compilation.WithOptions(compilation.Options.WithGeneralDiagnosticOption(ReportDiagnostic.Error));
        return strict.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToImmutableArray();
    }

    /// <summary>Asserts that <paramref name="compilation"/> builds under TreatWarningsAsErrors; the failure lists every diagnostic after <paramref name="context"/>.</summary>
    public static void AssertCompilesWithWarningsAsErrors(Compilation compilation, string context = "")
    {
        ImmutableArray<Diagnostic> errors = ErrorsWithWarningsAsErrors(compilation);
        Assert.True(errors.IsEmpty, context + string.Join("\n", errors.Select(d => d.ToString())));
    }

    /// <summary>Every named type declared in <paramref name="compilation"/>'s source, nested ones included.</summary>
    public static IEnumerable<INamedTypeSymbol> SourceTypes(Compilation compilation)
    {
        var namespaces = new Stack<INamespaceSymbol>();
        namespaces.Push(compilation.Assembly.GlobalNamespace);
        while (namespaces.Count > 0)
        {
            INamespaceSymbol current = namespaces.Pop();
            foreach (INamespaceSymbol inner in current.GetNamespaceMembers())
            {
                namespaces.Push(inner);
            }

            var types = new Stack<INamedTypeSymbol>(current.GetTypeMembers());
            while (types.Count > 0)
            {
                INamedTypeSymbol type = types.Pop();
                yield return type;
                foreach (INamedTypeSymbol nested in type.GetTypeMembers())
                {
                    types.Push(nested);
                }
            }
        }
    }

    private static ImmutableArray<MetadataReference> LoadReferences()
    {
        string trusted = AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string
            ?? throw new InvalidOperationException("The host did not provide TRUSTED_PLATFORM_ASSEMBLIES.");
        string frameworkDirectory = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        string runtimeAssembly = typeof(NetworkAttribute).Assembly.Location;

        // The shared framework, plus NetDsl.Runtime and the packages it depends on; not the test's own dependencies
        // (xunit, Roslyn, the generator), which user code never sees.
        var paths = new List<string>();
        foreach (string path in trusted.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            bool inFramework = string.Equals(Path.GetDirectoryName(path), frameworkDirectory, StringComparison.Ordinal);
            bool runtimeDependency = Path.GetFileName(path) is "System.Numerics.Tensors.dll";
            if ((inFramework || runtimeDependency) && path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
            {
                paths.Add(path);
            }
        }

        paths.Add(runtimeAssembly);
        return paths
            .GroupBy(Path.GetFileName, StringComparer.OrdinalIgnoreCase)
            .Select(group => (MetadataReference)MetadataReference.CreateFromFile(group.First()))
            .ToImmutableArray();
    }
}

/// <summary>What one run of the generator and the analyzer produced.</summary>
/// <param name="Input">The compilation given to the generator.</param>
/// <param name="Output">The compilation with the generated sources added.</param>
/// <param name="Driver">The driver after the run, to run again incrementally.</param>
/// <param name="RunResult">The driver's run result, with the tracked steps.</param>
/// <param name="GeneratedSources">The generated files.</param>
/// <param name="GeneratorDiagnostics">Diagnostics the generator (or the driver, such as CS8785) reported.</param>
/// <param name="AnalyzerDiagnostics">Diagnostics of <see cref="NetworkAnalyzer"/>, and AD0001 if it threw.</param>
/// <param name="LazyOutputDiagnostics">The compiler's diagnostics on <paramref name="Output"/>, computed when first asked for.</param>
/// <param name="Exceptions">Exceptions the generator or the analyzer threw.</param>
internal sealed record TestRun(
    CSharpCompilation Input,
    Compilation Output,
    GeneratorDriver Driver,
    GeneratorDriverRunResult RunResult,
    ImmutableArray<GeneratedSourceResult> GeneratedSources,
    ImmutableArray<Diagnostic> GeneratorDiagnostics,
    ImmutableArray<Diagnostic> AnalyzerDiagnostics,
    Lazy<ImmutableArray<Diagnostic>> LazyOutputDiagnostics,
    ImmutableArray<Exception> Exceptions)
{
    /// <summary>The compiler's diagnostics on <see cref="Output"/>, generated code included (binding it all is the slow part).</summary>
    public ImmutableArray<Diagnostic> OutputDiagnostics => LazyOutputDiagnostics.Value;

    /// <summary>The text of the only generated file.</summary>
    public string SingleSource => Assert.Single(GeneratedSources).SourceText.ToString();

    /// <summary>The text of the one generated file of the class named <paramref name="className"/> (its hint name holds the name and a dot).</summary>
    public string SourceOf(string className) =>
        GeneratedSources.Single(s => s.HintName.Contains(className + ".", System.StringComparison.Ordinal)).SourceText.ToString();
}
