using System;
using System.IO;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.RegularExpressions;
using Xunit.Sdk;

namespace NetDsl.Generator.Tests;

/// <summary>
/// Golden-file snapshots of generated source. The expected text of snapshot <c>Name</c> is the checked-in file
/// <c>Snapshots/Name.g.cs.txt</c>; on a mismatch the actual text is written to <c>Snapshots/Name.received.txt</c> and
/// the test fails. Set <c>NETDSL_ACCEPT_SNAPSHOTS=1</c> to overwrite the golden files with the actual text instead.
/// </summary>
internal static partial class Snapshot
{
    public const string AcceptVariable = "NETDSL_ACCEPT_SNAPSHOTS";

    /// <summary>What the generator version is replaced with, so that a version bump does not touch every snapshot.</summary>
    public const string VersionPlaceholder = "{generator-version}";

    public static bool AcceptMode => Environment.GetEnvironmentVariable(AcceptVariable) == "1";

    /// <summary>Compares <paramref name="actual"/> (scrubbed) with the golden file of <paramref name="name"/>.</summary>
    public static void Match(string name, string actual)
    {
        string directory = SnapshotDirectory();
        string goldenPath = Path.Combine(directory, name + ".g.cs.txt");
        string receivedPath = Path.Combine(directory, name + ".received.txt");
        string received = Normalize(Scrub(actual));

        if (AcceptMode)
        {
            Directory.CreateDirectory(directory);
            File.WriteAllText(goldenPath, received, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
            File.Delete(receivedPath);
            return;
        }

        string accept = "If the new output is right, accept it: run the tests with " + AcceptVariable + "=1 "
            + "(e.g. `" + AcceptVariable + "=1 dotnet test tests/NetDsl.Generator.Tests`), "
            + "or copy " + receivedPath + " over " + goldenPath + ".";
        if (!File.Exists(goldenPath))
        {
            File.WriteAllText(receivedPath, received, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
            throw new XunitException("Snapshot '" + name + "' has no golden file " + goldenPath + "; the output was written to " + receivedPath + ".\n" + accept);
        }

        string expected = Normalize(File.ReadAllText(goldenPath));
        if (expected == received)
        {
            File.Delete(receivedPath);
            return;
        }

        File.WriteAllText(receivedPath, received, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        throw new XunitException(
            "Snapshot '" + name + "' differs from " + goldenPath + "; the output was written to " + receivedPath + ".\n"
            + Difference(expected, received) + "\n" + accept);
    }

    /// <summary>Replaces the generator version in <c>GeneratedCode("NetDsl.Generator", "x.y.z.w")</c> with a placeholder.</summary>
    public static string Scrub(string source) =>
        VersionPattern().Replace(source, "GeneratedCode(\"NetDsl.Generator\", \"" + VersionPlaceholder + "\")");

    /// <summary>The first differing line with two lines of context before it, expected and received side by side.</summary>
    public static string Difference(string expected, string received)
    {
        string[] expectedLines = expected.Split('\n');
        string[] receivedLines = received.Split('\n');
        int common = Math.Min(expectedLines.Length, receivedLines.Length);
        int first = 0;
        while (first < common && expectedLines[first] == receivedLines[first])
        {
            first++;
        }

        var text = new StringBuilder();
        text.Append("First difference at line ").Append(first + 1)
            .Append(" (expected ").Append(expectedLines.Length).Append(" lines, received ").Append(receivedLines.Length).Append("):\n");
        for (int i = Math.Max(0, first - 2); i < first; i++)
        {
            text.Append("    ").Append(i + 1).Append("   ").Append(expectedLines[i]).Append('\n');
        }

        for (int i = first; i < first + 3; i++)
        {
            string expectedLine = i < expectedLines.Length ? expectedLines[i] : "<end of file>";
            string receivedLine = i < receivedLines.Length ? receivedLines[i] : "<end of file>";
            if (expectedLine == receivedLine)
            {
                text.Append("    ").Append(i + 1).Append("   ").Append(expectedLine).Append('\n');
            }
            else
            {
                text.Append("  - ").Append(i + 1).Append("   ").Append(expectedLine).Append('\n');
                text.Append("  + ").Append(i + 1).Append("   ").Append(receivedLine).Append('\n');
            }

            if (i >= expectedLines.Length && i >= receivedLines.Length)
            {
                break;
            }
        }

        return text.ToString();
    }

    private static string Normalize(string text) => text.Replace("\r\n", "\n");

    /// <summary>
    /// The Snapshots folder beside this source file, wherever the tests run from. If the compiler mapped the source path
    /// (deterministic CI builds), the folder is searched for upwards from the test binaries instead.
    /// </summary>
    private static string SnapshotDirectory()
    {
        string? sourceDirectory = Path.GetDirectoryName(ThisFile());
        if (sourceDirectory is not null && Directory.Exists(sourceDirectory))
        {
            return Path.Combine(sourceDirectory, "Snapshots");
        }

        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            string candidate = Path.Combine(directory.FullName, "tests", "NetDsl.Generator.Tests", "Snapshots");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("Cannot find the folder tests/NetDsl.Generator.Tests/Snapshots from " + AppContext.BaseDirectory + ".");
    }

    private static string ThisFile([CallerFilePath] string path = "") => path;

    [GeneratedRegex("GeneratedCode\\(\"NetDsl\\.Generator\", \"[^\"]*\"\\)")]
    private static partial Regex VersionPattern();
}
