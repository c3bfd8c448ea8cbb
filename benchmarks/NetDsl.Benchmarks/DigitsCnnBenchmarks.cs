using BenchmarkDotNet.Attributes;

namespace NetDsl.Benchmarks;

/// <summary>The digits CNN (<see cref="DigitsCnnNet"/>) forward in float and in its int8 twin (issue 15's int8 convolution).</summary>
[Config(typeof(BenchmarkConfig))]
public class DigitsCnnForward
{
    private DigitsCnnNet _model = null!;
    private DigitsCnnNet.Quantized _int8 = null!;
    private float[] _x = null!;
    private float[] _y = null!;

    /// <summary>Images per call.</summary>
    [Params(1, 64)]
    public int Batch { get; set; } = 1;

    /// <summary>Builds both networks on the same weights and checks the twin's outputs against the float ones.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _model = new DigitsCnnNet(seed: 1);
        _x = Check.Uniform(Batch * 64, seed: 2, lo: 0f, hi: 16f);
        _y = new float[Batch * 10];
        _model.ForwardBatch(_x, _y);
        _int8 = _model.Quantize(Check.Uniform(500 * 64, seed: 99, lo: 0f, hi: 16f));
        var y = new float[_y.Length];
        _int8.ForwardBatch(_x, y);
        Check.Int8Close("digits CNN int8", y, _y);
    }

    /// <summary>NetDsl, float.</summary>
    [Benchmark(Baseline = true)]
    public void NetDsl() => _model.ForwardBatch(_x, _y);

    /// <summary>NetDsl's int8 twin.</summary>
    [Benchmark]
    public void NetDslInt8() => _int8.ForwardBatch(_x, _y);
}
