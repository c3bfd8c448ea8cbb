using System;
using System.Runtime.Intrinsics;
using BenchmarkDotNet.Running;

namespace NetDsl.Benchmarks;

/// <summary>Runs the suite: <c>dotnet run -c Release --project benchmarks/NetDsl.Benchmarks -- --filter '*'</c>.</summary>
public static class Program
{
    /// <summary>Entry point; arguments go to BenchmarkDotNet's switcher.</summary>
    public static void Main(string[] args)
    {
        if (args.Length == 2 && args[0] == "--export-native")
        {
            NativeExport.Write(args[1]);
            Console.WriteLine($"Wrote the C++ baseline's inputs to {args[1]}.");
            return;
        }

        if (args.Length is 1 or 2 && args[0] == "--parallel-probe")
        {
            ParallelProbe.Run(args.Length == 2 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : DataParallel<N2Net>.DefaultChunkSize);
            return;
        }

        if (ConvSweep.SweepCommand.TryRun(args, Console.Out))
        {
            return;
        }

        if (args.Length is 1 or 2 && args[0] == "--epoch-probe")
        {
            EpochProbe.Run(args.Length == 2 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 60_000);
            return;
        }

        if (args.Length == 1 && args[0] == "--int8-conv-probe")
        {
            Int8ConvolutionProbe.Run();
            return;
        }

        if (args.Length == 1 && args[0] == "--recurrent-phases")
        {
            RecurrentPhaseProbe.Run(Console.Out);
            return;
        }

        if (args.Length == 1 && args[0] == "--check")
        {
            Console.WriteLine(TorchSharpStatus.Reason);
            SelfCheck.Run(Console.Out);
            return;
        }

        Console.WriteLine($"Vector512 accelerated: {Vector512.IsHardwareAccelerated}; Vector256 accelerated: {Vector256.IsHardwareAccelerated}; processors: {Environment.ProcessorCount}");
        Console.WriteLine(TorchSharpStatus.Reason);
        BenchmarkDotNet.Configs.IConfig config = BenchmarkDotNet.Configs.DefaultConfig.Instance;
        if (!TorchSharpStatus.Available)
        {
            // Only with TORCHSHARP are there such methods: leave them out (reported above) rather than fail in their setup.
            config = BenchmarkDotNet.Configs.ConfigExtensions.AddFilter(config, new BenchmarkDotNet.Filters.SimpleFilter(b => !b.Descriptor.WorkloadMethod.Name.StartsWith("TorchSharp", StringComparison.Ordinal)));
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config);
    }
}
