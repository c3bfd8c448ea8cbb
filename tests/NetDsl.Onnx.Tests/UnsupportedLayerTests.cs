using System;
using System.IO;
using Xunit;

namespace NetDsl.Onnx.Tests;

/// <summary>A layer kind the exporter does not know is refused with its name, never skipped, and nothing is written.</summary>
public sealed class UnsupportedLayerTests
{
    private static FakeNetwork NetworkWithUnknownLayer() =>
        new(FakeNetwork.LinearTensors("fc"), FakeNetwork.Linear("fc"), FakeNetwork.Shapeless("attn", "MultiHeadAttention"), FakeNetwork.Shapeless("2", "ReLU"));

    [Fact]
    public void AnUnknownKindThrowsNotSupportedNamingTheLayerAndItsKind()
    {
        NotSupportedException error = Assert.Throws<NotSupportedException>(() => OnnxExporter.ToBytes(NetworkWithUnknownLayer()));

        Assert.Contains("'attn'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'MultiHeadAttention'", error.Message, StringComparison.Ordinal);
        Assert.Contains("Linear", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void KindsAreMatchedExactly()
    {
        var network = new FakeNetwork([], FakeNetwork.Shapeless("act", "relu"));
        NotSupportedException error = Assert.Throws<NotSupportedException>(() => OnnxExporter.ToBytes(network));
        Assert.Contains("'relu'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NothingIsWrittenToTheStreamWhenTheExportFails()
    {
        using var stream = new MemoryStream();
        Assert.Throws<NotSupportedException>(() => OnnxExporter.Export(NetworkWithUnknownLayer(), stream));
        Assert.Equal(0, stream.Length);
    }

    [Fact]
    public void AKnownLayerOfAHandMadeNetworkExports()
    {
        var network = new FakeNetwork(FakeNetwork.LinearTensors("fc"), FakeNetwork.Linear("fc"));
        Assert.NotEmpty(OnnxExporter.ToBytes(network));
    }

    [Fact]
    public void AnEndResidualWithoutItsBlockIsRefused()
    {
        var network = new FakeNetwork([], new LayerInfo("0", "EndResidual", [2], [2], [], [], ["BlockStart"], [0]));
        Assert.Throws<InvalidOperationException>(() => OnnxExporter.ToBytes(network));
    }

    [Fact]
    public void ALayerWithTheWrongTensorsIsRefused()
    {
        var network = new FakeNetwork([new TensorInfo("fc.weight", 0, 2, 4)], new LayerInfo("fc", "Conv2D", [4], [2], [], [], [], []));
        InvalidOperationException error = Assert.Throws<InvalidOperationException>(() => OnnxExporter.ToBytes(network));
        Assert.Contains("'fc'", error.Message, StringComparison.Ordinal);
    }
}
