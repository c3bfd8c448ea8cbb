using System;
using System.IO;
using System.Linq;
using System.Reflection;
using BenchmarkDotNet.Attributes;

namespace NetDsl.Benchmarks;

/// <summary>
/// <c>--check</c>: every benchmark class's global setup (where each system is checked against NetDsl), each body once,
/// the cleanup; untimed. The same as tests/NetDsl.Benchmarks.Tests, but in this project's own build output, which is
/// where the patched libLibTorchSharp.so is (so it covers the TorchSharp cases built with -p:WithTorchSharp=true).
/// </summary>
public static class SelfCheck
{
    /// <summary>Runs every class; throws on the first mismatch.</summary>
    public static void Run(TextWriter log)
    {
        foreach (Type type in typeof(Check).Assembly.GetTypes()
            .Where(t => t.IsClass && !t.IsAbstract && t.GetMethods().Any(m => m.GetCustomAttribute<BenchmarkAttribute>() != null))
            .OrderBy(t => t.Name, StringComparer.Ordinal))
        {
            object instance = Activator.CreateInstance(type)!;
            MethodInfo[] methods = type.GetMethods(BindingFlags.Public | BindingFlags.Instance);
            foreach (MethodInfo setup in methods.Where(m => m.GetCustomAttribute<GlobalSetupAttribute>() != null))
            {
                setup.Invoke(instance, null);
            }

            try
            {
                foreach (MethodInfo body in methods.Where(m => m.GetCustomAttribute<BenchmarkAttribute>() != null))
                {
                    if (body.Name.StartsWith("TorchSharp", StringComparison.Ordinal) && !TorchSharpStatus.Available)
                    {
                        log.WriteLine($"{type.Name}.{body.Name}: skipped, TorchSharp unavailable");
                        continue;
                    }

                    object? result = body.Invoke(instance, null);
                    log.WriteLine($"{type.Name}.{body.Name}: ran once{(result is float value ? $", returned {value}" : "")}");
                }
            }
            finally
            {
                foreach (MethodInfo cleanup in methods.Where(m => m.GetCustomAttribute<GlobalCleanupAttribute>() != null))
                {
                    cleanup.Invoke(instance, null);
                }
            }

            log.WriteLine($"{type.Name}: every system agreed with NetDsl");
        }
    }
}
