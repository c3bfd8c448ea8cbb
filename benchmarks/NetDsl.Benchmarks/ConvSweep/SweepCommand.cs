using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace NetDsl.Benchmarks.ConvSweep;

/// <summary>
/// The sweep's command lines (see docs/benchmarks.md, "The convolution sweep"):
/// <list type="bullet">
/// <item><c>--conv-sweep [out.csv] [--torchsharp]</c>: the full sweep on NetDsl (or, with <c>--torchsharp</c>, on
/// TorchSharp in a build with -p:WithTorchSharp=true); default file conv-sweep.csv (conv-sweep-torchsharp.csv).</item>
/// <item><c>--conv-sweep-smoke [out.csv] [--torchsharp]</c>: the same on a tiny grid with 3 repetitions (the smoke test's).</item>
/// <item><c>--conv-sweep-plot in.csv [out.png] [peer.csv]</c>: the PNG of a sweep's CSV (default docs/images/conv-sweep.png),
/// with a peer's CSV drawn dashed.</item>
/// </list>
/// </summary>
public static class SweepCommand
{
    /// <summary>Runs the command in <paramref name="args"/> if it is one of the sweep's; returns false when it is not.</summary>
    public static bool TryRun(string[] args, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Length == 0)
        {
            return false;
        }

        switch (args[0])
        {
            case "--conv-sweep":
            case "--conv-sweep-smoke":
                bool smoke = args[0] == "--conv-sweep-smoke";
                bool torchSharp = args.Contains("--torchsharp");
                string[] paths = args.Skip(1).Where(a => a != "--torchsharp").ToArray();
                if (paths.Length > 1 || paths.Any(p => p.StartsWith("--", StringComparison.Ordinal)))
                {
                    throw new ArgumentException($"Usage: {args[0]} [out.csv] [--torchsharp]; got: {string.Join(' ', args)}");
                }

                string path = paths.Length == 1 ? paths[0] : $"conv-sweep{(smoke ? "-smoke" : "")}{(torchSharp ? "-torchsharp" : "")}.csv";
                ISweepSystem system = torchSharp ? TorchSharpSweep() : new NetDslSweepSystem();
                SweepRunner.Run(system, smoke ? SweepGrid.Smoke() : SweepGrid.Full(), smoke ? SweepTimer.Smoke : SweepTimer.Default, path, log);
                return true;

            case "--conv-sweep-plot":
                if (args.Length is < 2 or > 4)
                {
                    throw new ArgumentException($"Usage: --conv-sweep-plot in.csv [out.png] [peer.csv]; got: {string.Join(' ', args)}");
                }

                string png = args.Length >= 3 ? args[2] : Path.Combine("docs", "images", "conv-sweep.png");
                IReadOnlyList<SweepResult>? peer = args.Length == 4 ? SweepCsv.Read(args[3]) : null;
                SweepPlot.Save(png, SweepCsv.Read(args[1]), peer);
                log.WriteLine($"Wrote {png}");
                return true;

            default:
                return false;
        }
    }

    private static ISweepSystem TorchSharpSweep()
    {
        if (!TorchSharpStatus.Available)
        {
            throw TorchSharpStatus.Unavailable();
        }

#if TORCHSHARP
        return new TorchSharpSweepSystem();
#else
        throw TorchSharpStatus.Unavailable(); // not compiled in: Available is false
#endif
    }
}
