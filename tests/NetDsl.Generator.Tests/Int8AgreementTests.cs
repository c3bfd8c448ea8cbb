using System;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using NetDsl.Quantization;
using Xunit;

namespace NetDsl.Generator.Tests;

/// <summary>
/// The generator's list of int8 forms (<c>LayerDescriptor.HasInt8Form</c>, NDSL0034) and the runtime's
/// (<c>QuantizationPlan</c>) agree: a stack the analyzer accepts with <c>[Network(Int8 = true)]</c> quantizes, and one it
/// refuses makes <see cref="QuantizedNetwork.Create"/> throw <see cref="NotSupportedException"/> for the same network.
/// </summary>
public sealed class Int8AgreementTests
{
    public static TheoryData<string> Stacks() => new()
    {
        "[Input(6)][Linear(5), ReLU][Dropout(0.5)][Identity][Linear(3)][Softmax]",
        "[Input(6)][Linear(5)][ReLU][Linear(3)][LogSoftmax]",
        "[Input(6)][Linear(5), Sigmoid][Linear(3)]",
        "[Input(6)][Linear(5), GELU][Linear(3)]",
        "[Input(6)][Linear(5), LeakyReLU][Linear(3)]",
        "[Input(6)][LayerNorm][Linear(3)]",
        "[Input(6)][BatchNorm1D][Linear(3)]",
        "[Input(6)][LayerNorm(ElementwiseAffine = false)][Linear(5)][PReLU][Linear(3)]",
        "[Input(6)][Linear(5)][PReLU(5)][BatchNorm1D(Affine = false)][Linear(3)]",
        "[Input(4, 5, Sequence = true)][LayerNorm][Flatten][Linear(2)]",
        "[Input(2, 9)][BatchNorm1D][Conv1D(3, Kernel = 3)][PReLU(3)][Flatten][Linear(2)]",
        "[Input(2, 6, 6)][Conv2D(3, Kernel = 3), ReLU][MaxPool2D(2)][BatchNorm2D][PReLU(3)][Flatten][Linear(2)]",
        "[Input(6)][Embedding(10, 4)][Flatten][Linear(2)]",
        "[Input(6)][Residual][Linear(6), ReLU][EndResidual][Linear(2)]",
        "[Input(6)][Residual][Linear(6), ReLU][Residual][Linear(6)][EndResidual, ReLU][EndResidual][Linear(2)]",
        "[Input(6)][Linear(6)][Residual][Linear(6)][EndResidual]",
        "[Input(2, 6, 6)][Residual][Conv2D(2, Kernel = 3, Padding = 1), ReLU][MaxPool2D(3, Stride = 1, Padding = 1)][EndResidual, ReLU][Flatten][Linear(2)]",
        "[Input(6)][Residual][LayerNorm][EndResidual][Linear(2)]",
        "[Input(6)][Linear(4), Softmax][Linear(2)]",
        "[Input(2, 3)][Reshape(6)][Linear(2)]",
        "[Input(1, 6, 6)][Conv2D(3, Kernel = 3, Padding = 1), ReLU][MaxPool2D(2)][Flatten][Linear(2)]",
        "[Input(1, 7, 7)][Conv2D(3, Kernel = 3, Dilation = 2, Stride = 2, Padding = 2)][BatchNorm2D, ReLU][Flatten][Linear(2)]",
        "[Input(1, 6, 6)][Conv2D(3, Kernel = 3)][Flatten][Linear(2)]",
        "[Input(2, 6, 6)][BatchNorm2D][Conv2D(3, Kernel = 3)][Flatten][Linear(2)]",
        "[Input(1, 6, 6)][Conv2D(3, Kernel = 3)]",
        "[Input(1, 6, 6)][AvgPool2D(2)][Flatten][Linear(2)]",
        "[Input(2, 6, 6)][GlobalAvgPool][Linear(2)]",
        "[Input(2, 8)][Conv1D(3, Kernel = 3)][Flatten][Linear(2)]",
        "[Input(2, 8)][MaxPool1D(2)][Flatten][Linear(2)]",
        "[Input(5, 3)][LSTM(4, ReturnSequences = false)][Linear(2)]",
    };

    [Theory]
    [MemberData(nameof(Stacks))]
    public void TheAnalyzerAndTheRuntime_AgreeOnWhatQuantizes(string stack)
    {
        TestRun int8 = TestCompilation.Run("using NetDsl;\n[Network(Int8 = true)]" + stack + " public partial class Net;");
        Assert.Empty(int8.Exceptions);
        bool refused = int8.AnalyzerDiagnostics.Any(d => d.Id == "NDSL0034");
        Assert.All(int8.AnalyzerDiagnostics, d => Assert.Equal("NDSL0034", d.Id));

        TestRun plain = TestCompilation.Run("using NetDsl;\n[Network]" + stack + " public partial class Net;");
        Assert.Empty(plain.AnalyzerDiagnostics);
        Load(refused ? plain.Output : int8.Output, assembly =>
        {
            var model = (INetwork)Activator.CreateInstance(assembly.GetType("Net")!, 1)!;
            int size = model.Layers[0].InputShape.ToArray().Aggregate(1, (a, b) => a * b);
            float[] calibration = Enumerable.Range(0, 8 * size).Select(i => MathF.Sin(i * 0.37f)).ToArray();
            if (refused)
            {
                Assert.Throws<NotSupportedException>(() => QuantizedNetwork.Create(model, calibration));
                return;
            }

            QuantizedNetwork quantized = QuantizedNetwork.Create(model, calibration);
            var outputs = new float[8 * quantized.OutputSize];
            quantized.ForwardBatch(calibration, outputs);
            Assert.All(outputs, value => Assert.True(float.IsFinite(value)));
        });
    }

    private static void Load(Compilation compilation, Action<Assembly> use) => TestCompilation.Load(compilation, assembly =>
    {
        use(assembly);
        return 0;
    });
}
