using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Testing;
using NetDsl.Generator;

namespace NetDsl.CodeFixes.Tests;

/// <summary>
/// Runs NetDsl's analyzer and one code fix through Microsoft.CodeAnalysis.Testing, which checks the diagnostics of the
/// source (markup <c>{|NDSL0004:...|}</c> gives the ID and the exact span), applies the fix, checks the fixed source and
/// that it has no diagnostics left, and repeats the check with Fix All in document, project and solution scope.
/// </summary>
/// <remarks>
/// References come from this machine, never from the internet: the .NET reference pack that the SDK installed (or, without
/// one, the running framework's own assemblies), plus NetDsl.Runtime and System.Numerics.Tensors from the test's output.
/// </remarks>
internal static class Verifier
{
    /// <summary>The test framework's default NuGet-downloaded reference assemblies are replaced by <see cref="References"/>.</summary>
    public static readonly ReferenceAssemblies NoDownload = new("net10.0");

    private static readonly Lazy<ImmutableArray<MetadataReference>> LazyReferences = new(LoadReferences);

    public static ImmutableArray<MetadataReference> References => LazyReferences.Value;

    /// <summary>Where the framework references come from: the reference pack's folder, or the running framework's.</summary>
    public static string FrameworkReferenceDirectory { get; private set; } = string.Empty;

    public static DiagnosticResult Diagnostic(string id) => CSharpCodeFixVerifier<NetworkAnalyzer, MakePartialCodeFixProvider, DefaultVerifier>.Diagnostic(id);

    /// <summary>Verifies that <paramref name="source"/> has the marked diagnostics and that fix <paramref name="equivalenceKey"/> turns it into <paramref name="fixedSource"/>.</summary>
    public static Task VerifyFixAsync<TFix>(string source, string fixedSource, string? equivalenceKey = null, params DiagnosticResult[] expected)
        where TFix : CodeFixProvider, new() =>
        VerifyFixAsync<TFix>(source, fixedSource, equivalenceKey, title: null, expected);

    /// <summary>As above, and checks the title the IDE shows for the fix.</summary>
    public static Task VerifyFixAsync<TFix>(string source, string fixedSource, string? equivalenceKey, string? title, params DiagnosticResult[] expected)
        where TFix : CodeFixProvider, new()
    {
        var test = new Test<TFix>
        {
            TestCode = source,
            FixedCode = fixedSource,
            CodeActionEquivalenceKey = equivalenceKey,
        };
        if (title is not null)
        {
            test.CodeActionVerifier = (action, verifier) => verifier.Equal(title, action.Title);
        }

        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }

    /// <summary>Verifies that <paramref name="source"/> has the marked diagnostics and that fix <typeparamref name="TFix"/> offers nothing for them.</summary>
    public static Task VerifyNoFixAsync<TFix>(string source)
        where TFix : CodeFixProvider, new()
    {
        var test = new Test<TFix> { TestCode = source, FixedCode = source };
        return test.RunAsync();
    }

    /// <summary>Verifies the analyzer alone: <paramref name="source"/> has exactly the marked and <paramref name="expected"/> diagnostics.</summary>
    public static Task VerifyAnalyzerAsync(string source, IEnumerable<(string Path, string Text)>? editorConfigs = null, params DiagnosticResult[] expected)
    {
        var test = new AnalyzerTest { TestCode = source };
        foreach ((string path, string text) in editorConfigs ?? Array.Empty<(string, string)>())
        {
            test.TestState.AnalyzerConfigFiles.Add((path, text));
        }

        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }

    private static void Configure(ProjectState state)
    {
        state.AdditionalReferences.AddRange(References);
    }

    private static ImmutableArray<MetadataReference> LoadReferences()
    {
        string runtimeDirectory = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        string directory = ReferencePackDirectory(runtimeDirectory) ?? runtimeDirectory;
        FrameworkReferenceDirectory = directory;

        var paths = Directory.GetFiles(directory, "*.dll").Where(IsManagedAssembly).ToList();
        paths.Add(typeof(NetworkAttribute).Assembly.Location);
        paths.Add(Path.Combine(AppContext.BaseDirectory, "System.Numerics.Tensors.dll"));
        return paths
            .GroupBy(Path.GetFileName, StringComparer.OrdinalIgnoreCase)
            .Select(group => (MetadataReference)MetadataReference.CreateFromFile(group.First()))
            .ToImmutableArray();
    }

    /// <summary>
    /// The SDK's Microsoft.NETCore.App.Ref pack matching the running framework's major version:
    /// <c>&lt;dotnet&gt;/packs/Microsoft.NETCore.App.Ref/&lt;version&gt;/ref/net&lt;major&gt;.0</c>, the newest version installed.
    /// </summary>
    private static string? ReferencePackDirectory(string runtimeDirectory)
    {
        // <dotnet>/shared/Microsoft.NETCore.App/<version>
        DirectoryInfo? dotnetRoot = Directory.GetParent(runtimeDirectory)?.Parent?.Parent;
        string packs = Path.Combine(dotnetRoot?.FullName ?? string.Empty, "packs", "Microsoft.NETCore.App.Ref");
        if (dotnetRoot is null || !Directory.Exists(packs))
        {
            return null;
        }

        int major = Environment.Version.Major;
        string tfm = "net" + major + ".0";
        return Directory.GetDirectories(packs)
            .Where(d => Version.TryParse(Path.GetFileName(d).Split('-')[0], out Version? v) && v.Major == major)
            .OrderByDescending(d => Version.Parse(Path.GetFileName(d).Split('-')[0]))
            .Select(d => Path.Combine(d, "ref", tfm))
            .FirstOrDefault(Directory.Exists);
    }

    private static bool IsManagedAssembly(string path)
    {
        try
        {
            System.Reflection.AssemblyName.GetAssemblyName(path);
            return true;
        }
        catch (BadImageFormatException)
        {
            return false;
        }
    }

    private sealed class Test<TFix> : CSharpCodeFixTest<NetworkAnalyzer, TFix, DefaultVerifier>
        where TFix : CodeFixProvider, new()
    {
        public Test()
        {
            ReferenceAssemblies = NoDownload;
            Configure(TestState);
        }

        protected override ParseOptions CreateParseOptions() =>
            ((CSharpParseOptions)base.CreateParseOptions()).WithLanguageVersion(LanguageVersion.Latest);
    }

    private sealed class AnalyzerTest : CSharpCodeFixTest<NetworkAnalyzer, EmptyCodeFixProvider, DefaultVerifier>
    {
        public AnalyzerTest()
        {
            ReferenceAssemblies = NoDownload;
            Configure(TestState);
        }

        protected override ParseOptions CreateParseOptions() =>
            ((CSharpParseOptions)base.CreateParseOptions()).WithLanguageVersion(LanguageVersion.Latest);
    }
}
