using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Xunit;
using Xunit.Abstractions;

namespace NetDsl.Generator.Tests.Fuzzing;

/// <summary>
/// The generator and the analyzer under random and mutated declarations (<see cref="DeclarationFuzzer"/>), checked by
/// <see cref="FuzzOracle"/>. A quick deterministic set runs with every build; a long run is opt-in:
/// <c>NETDSL_FUZZ_PROGRAMS=100000 NETDSL_FUZZ_SEED=1 dotnet test tests/NetDsl.Generator.Tests --filter GeneratorFuzzTests</c>
/// (<c>NETDSL_FUZZ_LOG=path</c> records progress, slow programs and failures as they happen).
/// A failure prints its seed, the program and a minimized program.
/// </summary>
public sealed class GeneratorFuzzTests(ITestOutputHelper output)
{
    private const int QuickPrograms = 120;

    /// <summary>A program this slow to generate, analyze and compile is a failure of the size limits (one takes about 50 ms).</summary>
    private const double SlowSeconds = 30;

    /// <summary>Programs tried while minimizing one failure (each is a compilation).</summary>
    private const int MaxMinimizationTrials = 150;

    [Fact]
    public void RandomAndMutatedDeclarations_CompileOrCarryAnNdslError()
    {
        int programs = int.TryParse(Environment.GetEnvironmentVariable("NETDSL_FUZZ_PROGRAMS"), NumberStyles.None, CultureInfo.InvariantCulture, out int n) ? n : QuickPrograms;
        int firstSeed = int.TryParse(Environment.GetEnvironmentVariable("NETDSL_FUZZ_SEED"), NumberStyles.None, CultureInfo.InvariantCulture, out int s) ? s : 1;
        string? log = Environment.GetEnvironmentVariable("NETDSL_FUZZ_LOG"); // a file that records progress of long runs
        var failures = new List<string>();
        var outcomes = new SortedDictionary<string, int>(StringComparer.Ordinal);
        for (int seed = firstSeed; seed < firstSeed + programs && failures.Count < 5; seed++)
        {
            string[] program = new DeclarationFuzzer(seed).NextProgram();
            var clock = System.Diagnostics.Stopwatch.StartNew();
            string? failure = FuzzOracle.Check(program, out string outcome);
            outcomes[outcome] = outcomes.TryGetValue(outcome, out int count) ? count + 1 : 1;
            if (log is not null && (seed % 100 == 0 || failure is not null || clock.Elapsed.TotalSeconds > 5))
            {
                System.IO.File.AppendAllText(log, $"seed {seed}: {clock.Elapsed.TotalSeconds:F1} s{(failure is null ? string.Empty : ": " + failure.Split('\n')[0])}\n");
            }

            if (failure is null && clock.Elapsed.TotalSeconds > SlowSeconds)
            {
                // Generated code must stay small enough to compile quickly, whatever the declaration (UnrollLimit's cap).
                failure = $"generating, analyzing and compiling took {clock.Elapsed.TotalSeconds:F0} s";
                failures.Add($"seed {seed}: {failure}\nprogram:\n{string.Join("\n// ---- next file ----\n", program)}");
                continue;
            }

            if (failure is null)
            {
                continue;
            }

            string minimized = string.Join("\n// ---- next file ----\n", Minimize(program));
            failures.Add($"seed {seed}: {failure}\nprogram:\n{string.Join("\n// ---- next file ----\n", program)}\nminimized:\n{minimized}");
        }

        string summary = $"{programs} programs from seed {firstSeed}: {failures.Count} failures; " + string.Join(", ", outcomes.Select(o => $"{o.Value} {o.Key}"));
        output.WriteLine(summary);
        if (log is not null)
        {
            System.IO.File.AppendAllText(log, summary + "\n");
        }
        Assert.True(failures.Count == 0, string.Join("\n\n", failures));
    }

    /// <summary>Drops lines and attribute-list entries while the program still fails (for any reason), within a budget of trials.</summary>
    private static string[] Minimize(string[] program)
    {
        string[] current = program;
        bool shrunk = true;
        int trials = 0;
        while (shrunk && trials < MaxMinimizationTrials)
        {
            shrunk = false;
            for (int file = 0; file < current.Length && !shrunk; file++)
            {
                foreach (string candidate in Smaller(current[file]))
                {
                    if (++trials > MaxMinimizationTrials)
                    {
                        break;
                    }

                    string[] trial = (string[])current.Clone();
                    trial[file] = candidate;
                    if (FuzzOracle.Check(trial) is not null)
                    {
                        current = trial;
                        shrunk = true;
                        break;
                    }
                }
            }
        }

        return current;
    }

    private static IEnumerable<string> Smaller(string source)
    {
        string[] lines = source.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            yield return string.Join("\n", lines.Where((_, j) => j != i));
        }

        // One [entry] of an attribute line at a time.
        for (int i = 0; i < lines.Length; i++)
        {
            string[] entries = lines[i].Split("][", StringSplitOptions.None);
            for (int e = 1; e < entries.Length - 1; e++)
            {
                string[] copy = (string[])lines.Clone();
                copy[i] = string.Join("][", entries.Where((_, k) => k != e));
                yield return string.Join("\n", copy);
            }
        }
    }
}
