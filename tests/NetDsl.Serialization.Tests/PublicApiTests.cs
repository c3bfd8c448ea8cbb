using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Xunit;

namespace NetDsl.Serialization.Tests;

// The shared safetensors core stays internal and stays shared.
public class PublicApiTests
{
    [Fact]
    public void The_shared_core_is_internal()
    {
        Type[] exported = typeof(INetwork).Assembly.GetExportedTypes();

        Assert.DoesNotContain(exported, t => t.Namespace == "NetDsl.Serialization");
        Assert.Contains(typeof(SafeTensorsFile), exported);
        Assert.Contains(typeof(WeightFileException), exported);
    }

    [Fact]
    public void Every_shared_source_file_is_linked_into_the_generator_and_nothing_else_is()
    {
        string root = RepositoryRoot();
        string serialization = Path.Combine(root, "src", "NetDsl.Runtime", "Serialization");
        string[] shared = Directory.GetFiles(serialization, "*.cs")
            .Where(f => File.ReadLines(f).First().StartsWith("// Shared source:", StringComparison.Ordinal))
            .Select(Path.GetFileName)
            .OrderBy(f => f, StringComparer.Ordinal)
            .ToArray()!;
        string project = File.ReadAllText(Path.Combine(root, "src", "NetDsl.Generator", "NetDsl.Generator.csproj"));
        string[] linked = Regex.Matches(project, "<Compile Include=\"\\.\\./NetDsl\\.Runtime/Serialization/([^\"]+)\"")
            .Select(m => m.Groups[1].Value)
            .OrderBy(f => f, StringComparer.Ordinal)
            .ToArray();

        Assert.NotEmpty(shared);
        Assert.Equal(shared, linked);
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "NetDsl.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("NetDsl.sln was not found above " + AppContext.BaseDirectory);
    }
}
