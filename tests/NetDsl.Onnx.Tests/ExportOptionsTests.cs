using System;
using System.Linq;
using Microsoft.ML.OnnxRuntime;
using Xunit;

namespace NetDsl.Onnx.Tests;

/// <summary>The options as ONNX Runtime reads them back, and the names they may not take.</summary>
public sealed class ExportOptionsTests
{
    [Fact]
    public void DefaultsAsOnnxRuntimeSeesThem()
    {
        INetwork network = SampleNetworks.Create(nameof(CnnNet));
        using var runner = new OnnxRuntimeRunner(OnnxExporter.ToBytes(network), optimize: true);
        InferenceSession session = runner.Session;

        NodeMetadata input = session.InputMetadata["input"];
        Assert.Equal([-1, 3, 10, 9], input.Dimensions);
        Assert.Equal("N", input.SymbolicDimensions[0]);
        NodeMetadata output = Assert.Single(session.OutputMetadata).Value;
        Assert.Equal([-1, 4], output.Dimensions);
        Assert.Equal("N", output.SymbolicDimensions[0]);
        Assert.Equal("output", session.OutputMetadata.Keys.Single());

        ModelMetadata metadata = session.ModelMetadata;
        Assert.Equal("NetDsl", metadata.ProducerName);
        Assert.Equal(nameof(CnnNet), metadata.GraphName);
        Assert.Equal(network.Architecture, metadata.CustomMetadataMap["netdsl.architecture"]);
    }

    [Fact]
    public void CustomNamesAreUsed()
    {
        INetwork network = SampleNetworks.Create(nameof(MlpNet));
        var options = new OnnxExportOptions
        {
            GraphName = "classifier",
            InputName = "features",
            OutputName = "logits",
            BatchDimensionName = "batch",
            IncludeIntermediateShapes = false,
            Description = "A test model.",
        };
        using var runner = new OnnxRuntimeRunner(OnnxExporter.ToBytes(network, options), optimize: false);

        Assert.Equal("batch", runner.Session.InputMetadata["features"].SymbolicDimensions[0]);
        Assert.Equal("batch", runner.Session.OutputMetadata["logits"].SymbolicDimensions[0]);
        ModelMetadata metadata = runner.Session.ModelMetadata;
        Assert.Equal("classifier", metadata.GraphName);
        Assert.Equal("A test model.", metadata.Description);

        float[] inputs = DifferentialTests.Uniform(new Random(3), 2 * 6, 1f);
        float[] expected = new float[2 * 3];
        network.ForwardBatch(inputs, expected);
        (float[] actual, _) = runner.Run(inputs, 2, network.Layers[0].InputShape, "features", "logits");
        Tolerance.AssertClose(expected, actual, 3, "custom names");
        Assert.Empty(ProtoMessage.Parse(OnnxExporter.ToBytes(network, options)).Message(7).Messages(13));
    }

    [Theory]
    [InlineData("", "output", "N")]
    [InlineData("input", "", "N")]
    [InlineData("input", "output", "")]
    [InlineData("same", "same", "N")]
    [InlineData("fc1.weight", "output", "N")]
    [InlineData("input", "head.bias", "N")]
    public void NamesMustBeNonEmptyAndDistinctFromEachOtherAndTheTensors(string input, string output, string batch)
    {
        var options = new OnnxExportOptions { InputName = input, OutputName = output, BatchDimensionName = batch };
        Assert.Throws<ArgumentException>(() => OnnxExporter.ToBytes(SampleNetworks.Create(nameof(MlpNet)), options));
    }
}
