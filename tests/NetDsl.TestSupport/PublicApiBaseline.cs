using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text;
using Xunit;

namespace NetDsl.TestSupport;

/// <summary>
/// Compares an assembly's public surface (<see cref="PublicApiSurface"/>) with its baseline file (a project's
/// <c>PublicAPI.txt</c>). On a difference it writes <c>PublicAPI.received.txt</c> beside the baseline and fails with the
/// added and removed lines; with <c>NETDSL_ACCEPT_API=1</c> it overwrites the baseline instead.
/// </summary>
public static class PublicApiBaseline
{
    public const string AcceptVariable = "NETDSL_ACCEPT_API";

    public static void Verify(Assembly assembly, string baselinePath)
    {
        string actual = string.Join("\n", PublicApiSurface.Describe(assembly)) + "\n";
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
            $"The public API of {assembly.GetName().Name} differs from {baselinePath}: {added.Length} line(s) added, {removed.Length} removed.\n"
            + string.Concat(added.Take(30).Select(l => "+ " + l + "\n")) + string.Concat(removed.Take(30).Select(l => "- " + l + "\n"))
            + $"If the change is deliberate, copy {receivedPath} over the baseline (or run the tests with {AcceptVariable}=1) and review the diff.");
    }

    /// <summary>The folder holding NetDsl.sln, found above the test assembly.</summary>
    public static string RepositoryRoot()
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
