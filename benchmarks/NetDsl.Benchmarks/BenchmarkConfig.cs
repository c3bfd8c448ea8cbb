using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;

namespace NetDsl.Benchmarks;

/// <summary>
/// The suite's configuration: BenchmarkDotNet's short run (1 launch, 3 warm-up and 3 measured iterations) so the whole
/// suite takes minutes, the memory diagnoser, and median, spread and ratio to NetDsl (each class's baseline).
/// </summary>
public sealed class BenchmarkConfig : ManualConfig
{
    /// <summary>Creates the configuration.</summary>
    public BenchmarkConfig()
    {
#if TORCHSHARP
        // In process: the patched libLibTorchSharp.so (benchmarks/torchsharp/setup.sh) is copied into this project's
        // build output only; BenchmarkDotNet's generated child project would copy the unpatched one from the package.
        AddJob(Job.ShortRun.WithToolchain(BenchmarkDotNet.Toolchains.InProcess.Emit.InProcessEmitToolchain.Instance));
#else
        AddJob(Job.ShortRun);
#endif
        AddDiagnoser(MemoryDiagnoser.Default);
        AddColumn(StatisticColumn.Median, StatisticColumn.Min, StatisticColumn.Max);
        WithOrderer(new BenchmarkDotNet.Order.DefaultOrderer(BenchmarkDotNet.Order.SummaryOrderPolicy.Declared));
    }
}
