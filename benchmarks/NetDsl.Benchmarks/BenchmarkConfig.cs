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
        AddJob(Job.ShortRun);
        AddDiagnoser(MemoryDiagnoser.Default);
        AddColumn(StatisticColumn.Median, StatisticColumn.Min, StatisticColumn.Max);
        WithOrderer(new BenchmarkDotNet.Order.DefaultOrderer(BenchmarkDotNet.Order.SummaryOrderPolicy.Declared));
    }
}
