using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Xml.Linq;
using Xunit;
using Xunit.Abstractions;

namespace NetDsl.IntegrationTests;

/// <summary>
/// The NetDsl package as a user meets it: tests/package/run.sh packs it into a local feed and builds and runs a fresh
/// consumer project with a plain PackageReference (and a shape error that must fail at the right line); this test runs
/// the script and then checks the package's layout and metadata.
/// </summary>
public sealed class PackageTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _work = Path.Combine(Path.GetTempPath(), "netdsl-package-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public void PackageBuildsAConsumerAndHasTheRightLayout()
    {
        string script = Path.Combine(RepositoryRoot(), "tests", "package", "run.sh");
        var clock = Stopwatch.StartNew();
        (int exitCode, string log) = Run("bash", "\"" + script + "\" \"" + _work + "\"");
        output.WriteLine(log);
        output.WriteLine("tests/package/run.sh took " + clock.Elapsed.TotalSeconds.ToString("F1", System.Globalization.CultureInfo.InvariantCulture) + " s");
        Assert.True(exitCode == 0, log);
        Assert.Contains("package test passed", log, StringComparison.Ordinal);

        string feed = Path.Combine(_work, "feed");
        string package = Assert.Single(Directory.GetFiles(feed, "NetDsl.*.nupkg"));
        Assert.Single(Directory.GetFiles(feed, "NetDsl.*.snupkg"));
        using ZipArchive archive = ZipFile.OpenRead(package);
        string[] entries = archive.Entries.Select(e => e.FullName).ToArray();

        // The runtime (and its XML docs) is what user code references; the generator, analyzer and code fixes are
        // analyzers only; no Roslyn assembly ships (the compiler or IDE provides it).
        Assert.Contains("lib/net10.0/NetDsl.Runtime.dll", entries);
        Assert.Contains("lib/net10.0/NetDsl.Runtime.xml", entries);
        Assert.Contains("analyzers/dotnet/cs/NetDsl.Generator.dll", entries);
        Assert.Contains("analyzers/dotnet/cs/NetDsl.CodeFixes.dll", entries);
        Assert.Contains("README.md", entries);
        Assert.Equal(2, entries.Count(e => e.StartsWith("lib/", StringComparison.Ordinal)));
        Assert.Equal(2, entries.Count(e => e.StartsWith("analyzers/", StringComparison.Ordinal)));
        Assert.DoesNotContain(entries, e => e.Contains("Microsoft.CodeAnalysis", StringComparison.OrdinalIgnoreCase));

        XDocument nuspec = XDocument.Load(archive.Entries.Single(e => e.FullName == "NetDsl.nuspec").Open());
        XNamespace ns = nuspec.Root!.Name.Namespace;
        XElement metadata = nuspec.Root.Element(ns + "metadata")!;
        Assert.Equal("NetDsl", metadata.Element(ns + "id")!.Value);
        Version assemblyVersion = typeof(NetworkAttribute).Assembly.GetName().Version!;
        Assert.Equal(assemblyVersion.ToString(3), metadata.Element(ns + "version")!.Value);
        Assert.Equal("README.md", metadata.Element(ns + "readme")!.Value);
        Assert.Equal("MIT", metadata.Element(ns + "license")!.Value);
        Assert.NotNull(metadata.Element(ns + "repository"));
        string[] dependencies = metadata.Descendants(ns + "dependency").Select(d => (string)d.Attribute("id")!).ToArray();
        Assert.Equal(new[] { "System.Numerics.Tensors" }, dependencies);

        // CS9057: an analyzer built against a newer Roslyn than the user's compiler does not load. 4.14 loads in every
        // .NET 10 SDK and current IDE.
        Assert.All(
            AssemblyReferences(archive, "analyzers/dotnet/cs/NetDsl.Generator.dll").Concat(AssemblyReferences(archive, "analyzers/dotnet/cs/NetDsl.CodeFixes.dll"))
                .Where(r => r.Name.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal)),
            reference => Assert.True(reference.Version <= new Version(4, 14, 0, 0), reference.Name + " " + reference.Version));
    }

    private static IEnumerable<(string Name, Version Version)> AssemblyReferences(ZipArchive archive, string entry)
    {
        using var buffer = new MemoryStream();
        using (Stream stream = archive.Entries.Single(e => e.FullName == entry).Open())
        {
            stream.CopyTo(buffer);
        }

        buffer.Position = 0;
        using var reader = new PEReader(buffer);
        MetadataReader metadata = reader.GetMetadataReader();
        return metadata.AssemblyReferences
            .Select(handle => metadata.GetAssemblyReference(handle))
            .Select(reference => (metadata.GetString(reference.Name), reference.Version))
            .ToArray();
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

    internal static (int ExitCode, string Output) Run(string fileName, string arguments)
    {
        var start = new ProcessStartInfo(fileName, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using Process process = Process.Start(start)!;
        System.Threading.Tasks.Task<string> stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout + stderr.GetAwaiter().GetResult());
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_work, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
