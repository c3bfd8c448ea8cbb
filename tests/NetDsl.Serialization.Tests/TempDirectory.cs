using System;
using System.IO;

namespace NetDsl.Serialization.Tests;

/// <summary>A fresh directory for one test, deleted afterwards.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "netdsl-weights-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>The names of the entries in the directory, sorted: temporary files left behind would show here.</summary>
    public string[] Entries()
    {
        string[] entries = Directory.GetFileSystemEntries(Path);
        for (int i = 0; i < entries.Length; i++)
        {
            entries[i] = System.IO.Path.GetFileName(entries[i]);
        }

        Array.Sort(entries, StringComparer.Ordinal);
        return entries;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
