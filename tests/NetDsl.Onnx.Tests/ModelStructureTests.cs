using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Linq;
using Xunit;

namespace NetDsl.Onnx.Tests;

/// <summary>What an exported model contains, decoded field by field (numbers from onnx.proto3).</summary>
public sealed class ModelStructureTests
{
    [Fact]
    public void HeaderDeclaresIrVersion8Opset17AndTheProducer()
    {
        INetwork network = SampleNetworks.Create(nameof(MlpNet));
        ProtoMessage model = ProtoMessage.Parse(OnnxExporter.ToBytes(network));

        Assert.Equal(8, model.Int(1));
        Assert.Equal("NetDsl", model.String(2));
        Assert.Equal(OnnxExporter.ProducerVersion, model.String(3));
        ProtoMessage opset = Assert.Single(model.Messages(8));
        Assert.Equal("", opset.String(1));
        Assert.Equal(17, opset.Int(2));
        ProtoMessage metadata = Assert.Single(model.Messages(14));
        Assert.Equal("netdsl.architecture", metadata.String(1));
        Assert.Equal(network.Architecture, metadata.String(2));
        Assert.Equal(nameof(MlpNet), model.Message(7).String(2));
    }

    [Theory]
    [MemberData(nameof(SampleNetworks.All), MemberType = typeof(SampleNetworks))]
    public void InputAndOutputHaveTheSymbolicBatchDimension(string name)
    {
        INetwork network = SampleNetworks.Create(name);
        ProtoMessage graph = ProtoMessage.Parse(OnnxExporter.ToBytes(network)).Message(7);

        ProtoMessage input = Assert.Single(graph.Messages(11));
        Assert.Equal("input", input.String(1));
        Assert.Equal(["N", .. network.Layers[0].InputShape.ToArray().Select(d => d.ToString(System.Globalization.CultureInfo.InvariantCulture))], Dimensions(input));
        ProtoMessage output = Assert.Single(graph.Messages(12));
        Assert.Equal("output", output.String(1));
        Assert.Equal(["N", .. network.Layers[^1].OutputShape.ToArray().Select(d => d.ToString(System.Globalization.CultureInfo.InvariantCulture))], Dimensions(output));
    }

    [Theory]
    [MemberData(nameof(SampleNetworks.All), MemberType = typeof(SampleNetworks))]
    public void ParametersAndBuffersAreInitializersNamedByStateDictKeysWithTheirExactValues(string name)
    {
        INetwork network = DifferentialTests.PreparedNetwork(name);
        ProtoMessage graph = ProtoMessage.Parse(OnnxExporter.ToBytes(network)).Message(7);
        List<ProtoMessage> initializers = graph.Messages(5).ToList();

        var expected = network.ParameterTensors.Select(t => (t, network.Parameters.Slice(t.Offset, t.Length).ToArray()))
            .Concat(network.BufferTensors.Select(t => (t, network.Buffers.Slice(t.Offset, t.Length).ToArray())))
            .ToList();
        Assert.True(initializers.Count >= expected.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            (TensorInfo tensor, float[] values) = expected[i];
            ProtoMessage initializer = initializers[i];
            Assert.Equal(tensor.Name, initializer.String(8));
            Assert.Equal(1, initializer.Int(2));
            Assert.Equal(tensor.Shape.ToArray().Select(d => (long)d), initializer.Ints(1));
            byte[] raw = initializer.Bytes(9);
            float[] decoded = new float[raw.Length / 4];
            for (int k = 0; k < decoded.Length; k++)
            {
                decoded[k] = BinaryPrimitives.ReadSingleLittleEndian(raw.AsSpan(4 * k));
            }

            Assert.Equal(values, decoded);
        }

        // The other initializers are the exporter's constants, named so that they cannot clash with state_dict keys.
        Assert.All(initializers.Skip(expected.Count), i => Assert.StartsWith("/", i.String(8), StringComparison.Ordinal));
        Assert.Equal(initializers.Count, initializers.Select(i => i.String(8)).Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(SampleNetworks.All), MemberType = typeof(SampleNetworks))]
    public void NodesAreTopologicallySortedAndTheLastWritesTheOutput(string name)
    {
        ProtoMessage graph = ProtoMessage.Parse(OnnxExporter.ToBytes(SampleNetworks.Create(name))).Message(7);
        var defined = new HashSet<string>(graph.Messages(5).Select(i => i.String(8)).Append("input"), StringComparer.Ordinal);
        var nodeNames = new HashSet<string>(StringComparer.Ordinal);
        List<ProtoMessage> nodes = graph.Messages(1).ToList();
        foreach (ProtoMessage node in nodes)
        {
            Assert.True(nodeNames.Add(node.String(3)), $"Two nodes are named '{node.String(3)}'.");
            Assert.All(node.Strings(1), input => Assert.Contains(input, defined));
            foreach (string output in node.Strings(2))
            {
                Assert.True(defined.Add(output), $"Value '{output}' is defined twice.");
            }
        }

        Assert.Equal("output", Assert.Single(nodes[^1].Strings(2)));
        Assert.All(graph.Messages(13), valueInfo => Assert.Contains(valueInfo.String(1), defined));
    }

    [Fact]
    public void TheMlpIsGemmsAndActivations()
    {
        ProtoMessage graph = ProtoMessage.Parse(OnnxExporter.ToBytes(SampleNetworks.Create(nameof(MlpNet)))).Message(7);
        List<ProtoMessage> nodes = graph.Messages(1).ToList();

        Assert.Equal(["Gemm", "Relu", "Gemm", "Sigmoid", "Gemm", "Tanh", "Gemm"], nodes.Select(n => n.String(4)));
        Assert.Equal(["input", "fc1.weight", "fc1.bias"], nodes[0].Strings(1));
        Assert.Equal("/fc1/Gemm", nodes[0].String(3));
        Assert.Equal(2, nodes[2].Strings(1).Count());
        foreach (ProtoMessage gemm in nodes.Where(n => n.String(4) == "Gemm"))
        {
            ProtoMessage transB = Assert.Single(gemm.Messages(5));
            Assert.Equal("transB", transB.String(1));
            Assert.Equal(1, transB.Int(3));
            Assert.Equal(2, transB.Int(20));
        }
    }

    [Fact]
    public void ConvolutionsCarryTheirResolvedWindows()
    {
        Dictionary<string, ProtoMessage> conv2D = Attributes(nameof(CnnNet), "/conv2/Conv");
        Assert.Equal([3L, 2L], conv2D["kernel_shape"].Ints(8));
        Assert.Equal([2L, 1L], conv2D["strides"].Ints(8));
        Assert.Equal([1L, 0L, 1L, 0L], conv2D["pads"].Ints(8));
        Assert.Equal([1L, 2L], conv2D["dilations"].Ints(8));

        // padding = 'same' with an even kernel: the odd element of padding goes at the end, as in PyTorch.
        Dictionary<string, ProtoMessage> same1D = Attributes(nameof(Conv1DNet), "/conv2/Conv");
        Assert.Equal([4L], same1D["kernel_shape"].Ints(8));
        Assert.Equal([1L, 2L], same1D["pads"].Ints(8));
        Dictionary<string, ProtoMessage> same2D = Attributes(nameof(ImageNet), "/conv/Conv");
        Assert.Equal([0L, 0L, 1L, 1L], same2D["pads"].Ints(8));

        Dictionary<string, ProtoMessage> average = Attributes(nameof(CnnNet), "/avg2/AveragePool");
        Assert.Equal(0, average["count_include_pad"].Int(3));
        Assert.Equal(1, Attributes(nameof(CnnNet), "/avg1/AveragePool")["count_include_pad"].Int(3));
    }

    [Fact]
    public void ReshapeKeepsTheBatchDimensionAndNormalizationsHaveTheirEpsilon()
    {
        ProtoMessage graph = ProtoMessage.Parse(OnnxExporter.ToBytes(SampleNetworks.Create(nameof(ImageNet)))).Message(7);
        ProtoMessage shape = graph.Messages(5).Single(i => i.String(8) == "/image/shape");
        Assert.Equal(7, shape.Int(2));
        byte[] raw = shape.Bytes(9);
        Assert.Equal([0L, 3L, 4L, 4L], Enumerable.Range(0, raw.Length / 8).Select(k => BinaryPrimitives.ReadInt64LittleEndian(raw.AsSpan(8 * k))));

        Dictionary<string, ProtoMessage> layerNorm = Attributes(nameof(ResidualNet), "/ln2/LayerNormalization");
        Assert.Equal(1, layerNorm["axis"].Int(3));
        Assert.Equal(1e-4f, layerNorm["epsilon"].Float(2));
        Assert.Equal(1e-3f, Attributes(nameof(CnnNet), "/bn2/BatchNormalization")["epsilon"].Float(2));
    }

    [Fact]
    public void WhenTheLastLayerAddsNoNodeAnIdentityWritesTheOutput()
    {
        // A Residual marker adds no node: the output must still be produced by a node, not alias the input.
        var network = new FakeNetwork([], FakeNetwork.Shapeless("0", "Residual"));
        byte[] model = OnnxExporter.ToBytes(network);
        ProtoMessage node = Assert.Single(ProtoMessage.Parse(model).Message(7).Messages(1));
        Assert.Equal("Identity", node.String(4));
        Assert.Equal(["input"], node.Strings(1));
        Assert.Equal(["output"], node.Strings(2));

        using var runner = new OnnxRuntimeRunner(model, optimize: true);
        (float[] data, long[] shape) = runner.Run([1f, -2f, 3f, 4f], 2, [2]);
        Assert.Equal([1f, -2f, 3f, 4f], data);
        Assert.Equal([2L, 2L], shape);
    }

    [Fact]
    public void ExportsAreDeterministic()
    {
        INetwork network = DifferentialTests.PreparedNetwork(nameof(ResidualNet));
        Assert.Equal(OnnxExporter.ToBytes(network), OnnxExporter.ToBytes(network));
    }

    private static Dictionary<string, ProtoMessage> Attributes(string network, string node)
    {
        ProtoMessage graph = ProtoMessage.Parse(OnnxExporter.ToBytes(SampleNetworks.Create(network))).Message(7);
        return graph.Messages(1).Single(n => n.String(3) == node).Messages(5).ToDictionary(a => a.String(1), StringComparer.Ordinal);
    }

    private static IEnumerable<string> Dimensions(ProtoMessage valueInfo) =>
        valueInfo.Message(2).Message(1).Message(2).Messages(1)
            .Select(d => d.FieldNumbers.Single() == 2 ? d.String(2) : d.Int(1).ToString(System.Globalization.CultureInfo.InvariantCulture));
}
