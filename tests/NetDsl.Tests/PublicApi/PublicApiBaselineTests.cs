using System;
using System.ComponentModel;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text;
using Xunit;

namespace NetDsl.Tests.PublicApi;

/// <summary>
/// The runtime's public API is tracked in <c>src/NetDsl.Runtime/PublicAPI.txt</c>: a change to the surface fails
/// here until the baseline is updated in the same commit, so every API change is a visible diff. To accept a
/// deliberate change, run the tests with <c>NETDSL_ACCEPT_API=1</c> (or copy the <c>.received.txt</c> file over the
/// baseline) and review the diff.
/// </summary>
public class PublicApiBaselineTests
{
    public const string AcceptVariable = "NETDSL_ACCEPT_API";

    private static readonly Assembly Runtime = typeof(INetwork).Assembly;

    [Fact]
    public void The_runtime_public_api_matches_its_baseline()
    {
        string baselinePath = Path.Combine(RepositoryRoot(), "src", "NetDsl.Runtime", "PublicAPI.txt");
        string actual = string.Join("\n", PublicApiSurface.Describe(Runtime)) + "\n";
        string receivedPath = Path.ChangeExtension(baselinePath, ".received.txt");
        if (Environment.GetEnvironmentVariable(AcceptVariable) == "1")
        {
            File.WriteAllText(baselinePath, actual, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
            File.Delete(receivedPath);
            return;
        }

        string expected = File.Exists(baselinePath) ? File.ReadAllText(baselinePath).Replace("\r\n", "\n", StringComparison.Ordinal) : "";
        if (expected == actual)
        {
            File.Delete(receivedPath);
            return;
        }

        File.WriteAllText(receivedPath, actual, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        string[] expectedLines = expected.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        string[] actualLines = actual.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        string[] added = actualLines.Except(expectedLines, StringComparer.Ordinal).ToArray();
        string[] removed = expectedLines.Except(actualLines, StringComparer.Ordinal).ToArray();
        Assert.Fail(
            $"The public API of NetDsl.Runtime differs from {baselinePath}: {added.Length} line(s) added, {removed.Length} removed.\n"
            + string.Concat(added.Take(30).Select(l => "+ " + l + "\n")) + string.Concat(removed.Take(30).Select(l => "- " + l + "\n"))
            + $"If the change is deliberate, copy {receivedPath} over the baseline (or run the tests with {AcceptVariable}=1) and review the diff.");
    }

    [Fact]
    public void Everything_in_NetDsl_Generated_is_hidden_from_completion()
    {
        Type[] visible = Runtime.GetExportedTypes()
            .Where(t => t.Namespace == "NetDsl.Generated" && !t.IsNested)
            .Where(t => t.GetCustomAttribute<EditorBrowsableAttribute>() is not { State: EditorBrowsableState.Never })
            .ToArray();

        Assert.True(visible.Length == 0, "Types for generated code that completion would offer: " + string.Join(", ", visible.Select(t => t.FullName)));
        Assert.Contains(typeof(Generated.Guard), Runtime.GetExportedTypes());
    }

    [Fact]
    public void Kernels_live_only_in_NetDsl_Generated()
    {
        string[] misplaced = Runtime.GetExportedTypes()
            .Where(t => t.Namespace != "NetDsl.Generated" && (t.Name.EndsWith("Kernels", StringComparison.Ordinal) || t.Name is "ScalarActivations" or "WindowGeometry" or "Guard"))
            .Select(t => t.FullName!)
            .ToArray();

        Assert.Empty(misplaced);
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
