using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using BenchmarkDotNet.Attributes;
using Xunit;
using Xunit.Abstractions;

namespace NetDsl.Benchmarks.Tests;

/// <summary>
/// Runs every benchmark class of the suite the way BenchmarkDotNet would, once and untimed: the global setup (where
/// every system's outputs, losses and gradients are checked against NetDsl's), each benchmark body once, the cleanup.
/// </summary>
public sealed class BenchmarkSmokeTests
{
    private readonly ITestOutputHelper _output;

    public BenchmarkSmokeTests(ITestOutputHelper output) => _output = output;

    /// <summary>The benchmark classes of the suite.</summary>
    public static IEnumerable<object[]> BenchmarkClasses() =>
        typeof(Check).Assembly.GetTypes()
            .Where(t => t.IsClass && !t.IsAbstract && t.GetMethods().Any(m => m.GetCustomAttribute<BenchmarkAttribute>() != null))
            .OrderBy(t => t.Name, StringComparer.Ordinal)
            .Select(t => new object[] { t.Name });

    [Fact]
    public void TheSuiteHoldsEveryCaseOfTheIssue()
    {
        string[] names = BenchmarkClasses().Select(row => (string)row[0]).ToArray();
        Assert.Equal(
            ["DigitsCnnForward", "GeluActivations", "GruTrainStepBatch32", "LstmForwardBatch1", "LstmStreamingStep", "LstmTrainStepBatch32", "N1ForwardBatch1", "N1TrainStepBatch1", "N2ForwardBatch1", "N2ForwardBatch64", "N2TrainStepBatch256", "N2TrainStepBatch32", "N3ForwardBatch1", "N3TrainStepBatch32", "N4ForwardBatch1", "N4ForwardBatch64", "N4TrainStepBatch64", "PeakFma", "VectorizedActivations"],
            names);
    }

    [Theory]
    [MemberData(nameof(BenchmarkClasses))]
    public void EveryBodyRunsOnceAfterTheEqualityChecks(string name)
    {
        Type type = typeof(Check).Assembly.GetTypes().Single(t => t.Name == name);
        object instance = Activator.CreateInstance(type)!;
        MethodInfo[] methods = type.GetMethods(BindingFlags.Public | BindingFlags.Instance);
        foreach (MethodInfo setup in methods.Where(m => m.GetCustomAttribute<GlobalSetupAttribute>() != null))
        {
            setup.Invoke(instance, null);
        }

        try
        {
            MethodInfo[] bodies = methods.Where(m => m.GetCustomAttribute<BenchmarkAttribute>() != null).ToArray();
            Assert.Single(bodies, m => m.GetCustomAttribute<BenchmarkAttribute>()!.Baseline);
            foreach (MethodInfo body in bodies)
            {
                // Only in a build with -p:WithTorchSharp=true, and where TorchSharp does not load (e.g. Debian 12
                // without benchmarks/torchsharp/setup.sh): the setup skipped it, so there is nothing to run.
                if (body.Name.StartsWith("TorchSharp", StringComparison.Ordinal) && !TorchSharpStatus.Available)
                {
                    continue;
                }

                object? result = body.Invoke(instance, null);
                if (result is float value)
                {
                    Assert.True(float.IsFinite(value), $"{name}.{body.Name} returned {value}.");
                }
            }
        }
        finally
        {
            foreach (MethodInfo cleanup in methods.Where(m => m.GetCustomAttribute<GlobalCleanupAttribute>() != null))
            {
                cleanup.Invoke(instance, null);
            }
        }
    }

    /// <summary>Says whether the TorchSharp cases ran (only with -p:WithTorchSharp=true) or why not.</summary>
    [Fact]
    public void TorchSharpStatusIsReported()
    {
        _output.WriteLine(TorchSharpStatus.Reason);
        Assert.StartsWith("TorchSharp: ", TorchSharpStatus.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void TheEqualityCheckRejectsADifferentResult()
    {
        Assert.Throws<InvalidOperationException>(() => Check.Same("test", [1f, 2f], [1f, 2.001f]));
        Check.Same("test", [1f, 2f], [1f, 2.0001f]);
    }
}
