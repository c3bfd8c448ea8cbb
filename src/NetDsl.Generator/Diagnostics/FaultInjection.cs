using System;
using System.Collections.Immutable;
using System.Threading;

namespace NetDsl.Generator.Diagnostics;

/// <summary>
/// A test hook: makes one stage of the pipeline throw for the network class of a given name, so that tests see NDSL0032
/// and the fallback without a real bug. Keyed by class name, so that tests running in parallel do not disturb each
/// other; empty outside tests, where each check is one read of an empty set.
/// </summary>
internal static class FaultInjection
{
    private static ImmutableHashSet<string> s_faults = ImmutableHashSet<string>.Empty;

    /// <summary>From now on, <paramref name="stage"/> (a <see cref="PipelineStage"/>) throws for classes named <paramref name="className"/>.</summary>
    public static void Inject(string stage, string className) => ImmutableInterlocked.Update(ref s_faults, faults => faults.Add(Key(stage, className)));

    public static void Remove(string stage, string className) => ImmutableInterlocked.Update(ref s_faults, faults => faults.Remove(Key(stage, className)));

    /// <summary>Throws if a test injected a fault into <paramref name="stage"/> for <paramref name="className"/>.</summary>
    public static void ThrowIfInjected(string stage, string className)
    {
        ImmutableHashSet<string> faults = Volatile.Read(ref s_faults);
        if (faults.Count > 0 && faults.Contains(Key(stage, className)))
        {
            throw new InvalidOperationException("Fault injected into the " + stage + " stage for '" + className + "'.");
        }
    }

    private static string Key(string stage, string className) => stage + "/" + className;
}
