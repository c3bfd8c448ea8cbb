using System;
using System.IO;

namespace NetDsl;

/// <summary>
/// Replaces a file all at once: the content goes to a temporary file in the same directory (so the final rename
/// stays on one file system), is flushed to the disk, and only then renamed over the destination. A failure at any
/// point deletes the temporary file and leaves the destination as it was; readers never see a half-written file.
/// </summary>
internal static class AtomicFile
{
    /// <summary>Writes <paramref name="path"/> with <paramref name="write"/>, atomically.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string fullPath = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(fullPath) ?? throw new ArgumentException($"The path '{path}' has no directory.", nameof(path));
        string temporary = Path.Combine(directory, "." + Path.GetFileName(fullPath) + "." + Path.GetRandomFileName() + ".tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 16))
            {
                write(stream);
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
            // The original exception matters more; a leftover temporary file is all that remains.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
