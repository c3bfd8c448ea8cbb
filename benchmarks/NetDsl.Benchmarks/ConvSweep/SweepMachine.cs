using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NetDsl.Benchmarks.ConvSweep;

/// <summary>What a sweep's file header says about where and when it ran: the machine is shared, so the load matters.</summary>
public static class SweepMachine
{
    /// <summary>lscpu's "Model name" with its CPU family, model and stepping (a virtual machine may show only a vendor's name), or /proc/cpuinfo's "model name", or "unknown".</summary>
    public static string CpuModel()
    {
        string[]? lscpu = Run("lscpu")?.Split('\n');
        string? Field(string name) => lscpu?.FirstOrDefault(line => line.StartsWith(name + ":", StringComparison.Ordinal))?[(name.Length + 1)..].Trim();
        if (!string.IsNullOrEmpty(Field("Model name")))
        {
            return $"{Field("Model name")} (lscpu; family {Field("CPU family")}, model {Field("Model")}, stepping {Field("Stepping")})";
        }

        try
        {
            string? line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            return line is null ? "unknown" : line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim() + " (/proc/cpuinfo)";
        }
        catch (IOException)
        {
            return "unknown";
        }
        catch (UnauthorizedAccessException)
        {
            return "unknown";
        }
    }

    /// <summary>The 1, 5 and 15 minute load averages, or "unknown".</summary>
    public static string LoadAverage()
    {
        try
        {
            return string.Join(" / ", File.ReadAllText("/proc/loadavg").Split(' ')[..3]);
        }
        catch (IOException)
        {
            return "unknown";
        }
        catch (UnauthorizedAccessException)
        {
            return "unknown";
        }
    }

    /// <summary>The current commit of the working directory's repository (with "+changes" when it has uncommitted changes), or "unknown".</summary>
    public static string Commit()
    {
        string? commit = Run("git", "rev-parse --short HEAD")?.Trim();
        if (string.IsNullOrEmpty(commit))
        {
            return "unknown";
        }

        string? status = Run("git", "status --porcelain --untracked-files=no");
        return string.IsNullOrWhiteSpace(status) ? commit : commit + "+changes";
    }

    /// <summary>One line: processors, vector support, runtime and OS.</summary>
    public static string Platform() =>
        $"{Environment.ProcessorCount} processors; Vector512 accelerated: {Vector512.IsHardwareAccelerated}, Vector256: {Vector256.IsHardwareAccelerated}; "
        + $"{RuntimeInformation.FrameworkDescription}; {RuntimeInformation.OSDescription}";

    private static string? Run(string program, string arguments = "")
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(program, arguments)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            });
            if (process is null)
            {
                return null;
            }

            string output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode == 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null; // not installed
        }
    }
}
