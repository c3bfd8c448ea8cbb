using System;
using NetDsl;
using Xunit;

namespace NetDsl.Tests;

[Network]
[Input(5)]
[ReLU, Linear(3)]
public partial class LoneReLUNet;

[Network]
[Input(5)]
[Sigmoid, Linear(3)]
public partial class LoneSigmoidNet;

[Network]
[Input(5)]
[Tanh, Linear(3)]
public partial class LoneTanhNet;

[Network]
[Input(5)]
[LeakyReLU(0.2), Linear(3)]
public partial class LoneLeakyReLUNet;

[Network]
[Input(5)]
[ELU(0.7), Linear(3)]
public partial class LoneEluNet;

[Network]
[Input(5)]
[GELU, Linear(3)]
public partial class LoneGeluNet;

[Network]
[Input(5)]
[GELU(TanhApproximation = true), Linear(3)]
public partial class LoneGeluTanhNet;

[Network]
[Input(5)]
[SiLU, Linear(3)]
public partial class LoneSiluNet;

[Network]
[Input(5)]
[Softplus(Beta = 2, Threshold = 3), Linear(3)]
public partial class LoneSoftplusNet;

[Network]
[Input(5)]
[Hardswish, Linear(3)]
public partial class LoneHardswishNet;

[Network]
[Input(5)]
[Mish, Linear(3)]
public partial class LoneMishNet;

/// <summary>
/// A lone activation within the unroll limit is scalar calls in single-sample code (<c>Forward</c> and, for a fully
/// unrolled network, <c>ForwardBatch</c>) and, where its span kernel gives the scalar function's bits, one kernel call in
/// batched stage code (<c>ForwardTraining</c>): all three must agree bit for bit, for every activation, at batch sizes
/// that leave vector remainders.
/// </summary>
public sealed class LoneActivationStageTests
{
    public static TheoryData<string> Networks() =>
        ["ReLU", "Sigmoid", "Tanh", "LeakyReLU", "ELU", "GELU", "GELUTanh", "SiLU", "Softplus", "Hardswish", "Mish"];

    [Theory]
    [MemberData(nameof(Networks))]
    public void ForwardForwardBatchAndForwardTrainingAgreeBitForBit(string activation)
    {
        INetwork model = activation switch
        {
            "ReLU" => new LoneReLUNet(1),
            "Sigmoid" => new LoneSigmoidNet(1),
            "Tanh" => new LoneTanhNet(1),
            "LeakyReLU" => new LoneLeakyReLUNet(1),
            "ELU" => new LoneEluNet(1),
            "GELU" => new LoneGeluNet(1),
            "GELUTanh" => new LoneGeluTanhNet(1),
            "SiLU" => new LoneSiluNet(1),
            "Softplus" => new LoneSoftplusNet(1),
            "Hardswish" => new LoneHardswishNet(1),
            "Mish" => new LoneMishNet(1),
            _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, "No network for this activation."),
        };

        var random = new Random(activation.Length);
        foreach (int batch in new[] { 1, 3, 7, 13 })
        {
            float[] inputs = TestData.Uniform(random, batch * 5, -6f, 6f);
            var batched = new float[batch * 3];
            model.ForwardBatch(inputs, batched);
            var training = new float[batch * 3];
            model.ForwardTraining(inputs, training);
            var single = new float[3];
            for (int n = 0; n < batch; n++)
            {
                model.Forward(inputs.AsSpan(n * 5, 5), single);
                for (int j = 0; j < 3; j++)
                {
                    Assert.True(
                        BitConverter.SingleToInt32Bits(single[j]) == BitConverter.SingleToInt32Bits(batched[n * 3 + j]),
                        $"{activation}, batch {batch}, sample {n}, output {j}: Forward gave {single[j]:R}, ForwardBatch {batched[n * 3 + j]:R}");
                    Assert.True(
                        BitConverter.SingleToInt32Bits(single[j]) == BitConverter.SingleToInt32Bits(training[n * 3 + j]),
                        $"{activation}, batch {batch}, sample {n}, output {j}: Forward gave {single[j]:R}, ForwardTraining {training[n * 3 + j]:R}");
                }
            }
        }
    }
}
