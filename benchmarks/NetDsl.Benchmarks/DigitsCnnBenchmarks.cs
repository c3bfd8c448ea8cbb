using BenchmarkDotNet.Attributes;
using NetDsl.Onnx;
using NetDsl.Quantization;

namespace NetDsl.Benchmarks;

/// <summary>
/// The digits CNN (<see cref="DigitsCnnNet"/>) forward in float and in its int8 twin (issue 15), beside ONNX Runtime on the
/// float export and on the QDQ export of the same int8 network, on one thread and on two.
/// </summary>
[Config(typeof(BenchmarkConfig))]
public class DigitsCnnForward
{
    private DigitsCnnNet _model = null!;
    private DigitsCnnNet.Quantized _int8 = null!;
    private DataParallel<DigitsCnnNet> _parallel = null!;
    private QuantizedDataParallel _int8Parallel = null!;
    private OrtRunner _ort1 = null!;
    private OrtRunner _ortInt8 = null!;
    private OrtRunner _ortInt8Default = null!;
    private float[] _x = null!;
    private float[] _y = null!;

    /// <summary>Images per call.</summary>
    [Params(1, 64)]
    public int Batch { get; set; } = 1;

    /// <summary>Builds every system on the same weights and checks their outputs against the float network's.</summary>
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

        _parallel = new DataParallel<DigitsCnnNet>(_model, threads: 2);
        _parallel.ForwardBatch(_x, y);
        Check.Same("digits CNN float on 2 threads", y, _y);
        _int8Parallel = new QuantizedDataParallel(_int8.Network, threads: 2);
        var int8Y = new float[_y.Length];
        _int8.ForwardBatch(_x, int8Y);
        _int8Parallel.ForwardBatch(_x, y);
        Check.Same("digits CNN int8 on 2 threads", y, int8Y);

        _ort1 = MlpFixtures.Ort(OnnxExporter.ToBytes(_model), _x, Batch, [1, 8, 8], 10, singleThread: true, _y);
        _ortInt8 = MlpFixtures.OrtInt8(_int8.Network, _x, Batch, [1, 8, 8], singleThread: true);
        _ortInt8Default = MlpFixtures.OrtInt8(_int8.Network, _x, Batch, [1, 8, 8], singleThread: false);
    }

    /// <summary>Stops the worker threads and releases the ONNX Runtime sessions.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _parallel.Dispose();
        _int8Parallel.Dispose();
        _ort1.Dispose();
        _ortInt8.Dispose();
        _ortInt8Default.Dispose();
    }

    /// <summary>NetDsl, float.</summary>
    [Benchmark(Baseline = true)]
    public void NetDsl() => _model.ForwardBatch(_x, _y);

    /// <summary>NetDsl's int8 twin.</summary>
    [Benchmark]
    public void NetDslInt8() => _int8.ForwardBatch(_x, _y);

    /// <summary>NetDsl, float, <see cref="DataParallel{TNetwork}"/> on 2 threads.</summary>
    [Benchmark]
    public void NetDslTwoThreads() => _parallel.ForwardBatch(_x, _y);

    /// <summary>NetDsl's int8 twin, <see cref="QuantizedDataParallel"/> on 2 threads.</summary>
    [Benchmark]
    public void NetDslInt8TwoThreads() => _int8Parallel.ForwardBatch(_x, _y);

    /// <summary>ONNX Runtime, 1 intra-op thread, on the float export.</summary>
    [Benchmark]
    public void OnnxRuntime1Thread() => _ort1.Run();

    /// <summary>ONNX Runtime, 1 intra-op thread, on the QDQ export of the int8 twin.</summary>
    [Benchmark]
    public void OnnxRuntimeInt8OneThread() => _ortInt8.Run();

    /// <summary>ONNX Runtime, default threads, on the QDQ export of the int8 twin.</summary>
    [Benchmark]
    public void OnnxRuntimeInt8Default() => _ortInt8Default.Run();
}
