using System;
using System.IO;

namespace NetDsl.Onnx.Export;

/// <summary>
/// Writes a file so that readers see either the old file or the whole new one: the bytes go to a temporary file in the
/// same directory, which is flushed to disk and then renamed over the destination (an atomic replace on one file system).
/// </summary>
internal static class AtomicFile
{
    /// <summary>Replaces (or creates) <paramref name="path"/> with <paramref name="contents"/>.</summary>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> contents)
    {
        string fullPath = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(fullPath) ?? throw new ArgumentException($"'{path}' has no directory.", nameof(path));
        string temporary = Path.Combine(directory, "." + Path.GetFileName(fullPath) + "." + Guid.NewGuid().ToString("N") + ".tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(contents);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, fullPath, overwrite: true);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // The original error matters more; a leftover temporary file is harmless.
        }
        catch (UnauthorizedAccessException)
        {
            // As above.
        }
    }
}
