using System;
using System.Collections.Generic;
using System.Linq;
using Xunit;
using static NetDsl.Tests.Reference.ReferenceLayers;

namespace NetDsl.Tests.Reference;

/// <summary>
/// The layer catalog of the oracle checked on its own: central finite differences in double on random small models of
/// every module kind, in training and in inference mode, and hand-worked values for the semantics that finite
/// differences cannot see (PyTorch's conventions: divisors, first maximum, running statistics, 'same' padding).
/// </summary>
public sealed class ReferenceModelTests
{
    public static TheoryData<int> RandomModelSeeds()
    {
        var data = new TheoryData<int>();
        for (int seed = 0; seed < SeedCount; seed++)
        {
            data.Add(seed);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(RandomModelSeeds))]
    public void BackwardMatchesCentralFiniteDifferences(int seed)
    {
        (ReferenceModel model, ReferenceMode mode, int batch, double[] parameters, double[] buffers, double[] inputs, bool[][]? keep, ReferenceTrace trace) = DrawCheckedPoint(seed);
        var random = new Random(seed + 1000);
        double[] targets = Uniform(random, trace.Outputs.Length, -1, 1);
        double Loss(double[] p, double[] x) => ReferenceNetwork.MseLoss(model.Run(mode, p, buffers, x, batch, keep).Outputs, targets);
        ReferenceGradients analytic = trace.Backward(ReferenceNetwork.MseGradient(trace.Outputs, targets));

        // As ReferenceNetworkTests: truncation ~h^2 |f'''|, rounding ~1e-16 |f| / h, both far below 1e-7.
        const double h = 1e-6;
        const double tolerance = 1e-7;
        string what = $"model {seed} ({mode}, batch {batch}, {string.Join(" ", model.ModuleKinds)})";
        for (int j = 0; j < parameters.Length; j++)
        {
            double numeric = CentralDifferences.At(parameters, j, h, p => Loss(p, inputs));
            Assert.True(Math.Abs(numeric - analytic.Parameters[j]) <= tolerance * Math.Max(1, Math.Abs(numeric)), $"{what}, parameter {j}: finite difference {numeric:R}, backward {analytic.Parameters[j]:R}.");
        }

        for (int j = 0; j < inputs.Length; j++)
        {
            double numeric = CentralDifferences.At(inputs, j, h, x => Loss(parameters, x));
            Assert.True(Math.Abs(numeric - analytic.Inputs[j]) <= tolerance * Math.Max(1, Math.Abs(numeric)), $"{what}, input {j}: finite difference {numeric:R}, backward {analytic.Inputs[j]:R}.");
        }
    }

    [Fact]
    public void TheFiniteDifferenceSeedsCoverTheCatalogInBothModes()
    {
        var kinds = new HashSet<string>();
        var modes = new HashSet<string>();
        foreach (int seed in Enumerable.Range(0, SeedCount))
        {
            CheckedPoint point = DrawCheckedPoint(seed);
            kinds.UnionWith(point.Model.ModuleKinds);
            modes.UnionWith(point.Model.ModuleKinds.Where(k => k is "BatchNorm1D" or "BatchNorm2D" or "Dropout").Select(k => k + " " + point.Mode));
        }

        Assert.Empty(Catalog.Except(kinds));
        Assert.Empty(((string[])["BatchNorm1D Training", "BatchNorm1D Inference", "BatchNorm2D Training", "BatchNorm2D Inference", "Dropout Training", "Dropout Inference"]).Except(modes));
    }

    private const int SeedCount = 40;

    private static readonly string[] Catalog =
    [
        "Linear", "Conv1D", "Conv2D", "MaxPool1D", "MaxPool2D", "AvgPool1D", "AvgPool2D", "GlobalAvgPool", "Flatten", "Reshape",
        "Dropout", "BatchNorm1D", "BatchNorm2D", "LayerNorm", "Residual", "Softmax", "LogSoftmax",
        .. Enum.GetNames<ReferenceActivation>(),
    ];

    private sealed record CheckedPoint(ReferenceModel Model, ReferenceMode Mode, int Batch, double[] Parameters, double[] Buffers, double[] Inputs, bool[][]? Keep, ReferenceTrace Trace);

    // A random model, mode, batch and point at least 1e-4 from every kink (h = 1e-6 must not cross a kink or change a
    // max-pooling winner); the same for a seed every time.
    private static CheckedPoint DrawCheckedPoint(int seed)
    {
        var random = new Random(seed);
        for (int attempt = 0; attempt < 200; attempt++)
        {
            ReferenceModel? model = RandomModel(random);
            if (model is null)
            {
                continue;
            }

            ReferenceMode mode = random.Next(3) == 0 ? ReferenceMode.Inference : ReferenceMode.Training;
            int batch = 2 + random.Next(3);
            double[] parameters = Uniform(random, model.ParameterCount, -1, 1);
            double[] buffers = RandomBuffers(random, model);
            double[] inputs = Uniform(random, batch * model.InputSize, -1, 1);
            bool[][]? keep = mode == ReferenceMode.Training ? model.Dropouts.Select(d => RandomMask(random, batch * d.Width, d.P)).ToArray() : null;
            ReferenceTrace trace = model.Run(mode, parameters, buffers, inputs, batch, keep);
            if (trace.Margin() >= 1e-4)
            {
                return new CheckedPoint(model, mode, batch, parameters, buffers, inputs, keep, trace);
            }
        }

        throw new InvalidOperationException($"Seed {seed}: no random model with inputs away from its kinks was found.");
    }

    [Fact]
    public void ErfAndTheGeluFormsMatchKnownValues()
    {
        // Tabulated values (Abramowitz & Stegun 7.1; Phi(1) of the normal table).
        Assert.Equal(0.5204998778130465, ReferenceMath.Erf(0.5), 15);
        Assert.Equal(0.8427007929497149, ReferenceMath.Erf(1), 15);
        Assert.Equal(0.9953222650189527, ReferenceMath.Erf(2), 15);
        Assert.Equal(-0.9999779095030014, ReferenceMath.Erf(-3), 15);
        Assert.Equal(2.209049699858544e-05, ReferenceMath.Erfc(3), 1e-18);
        Assert.Equal(1.5374597944280349e-12, ReferenceMath.Erfc(5), 1e-25);
        Assert.Equal(0.8413447460685429, ReferenceMath.NormalCdf(1), 15);
        Assert.Equal(0.8413447460685429, ReferenceMath.Activate(ReferenceActivation.GELU, 0, 1), 15);
        Assert.Equal(-0.15865525393145707, ReferenceMath.Activate(ReferenceActivation.GELU, 0, -1), 15);
        double u = Math.Sqrt(2 / Math.PI) * (1 + 0.044715);
        Assert.Equal(0.5 * (1 + Math.Tanh(u)), ReferenceMath.Activate(ReferenceActivation.GELUTanh, 0, 1), 15);
        Assert.Equal(0.7310585786300049, ReferenceMath.Activate(ReferenceActivation.SiLU, 0, 1), 15);
        Assert.Equal(0.5 * (Math.Exp(-2) - 1), ReferenceMath.Activate(ReferenceActivation.ELU, 0.5, -2), 15);
        Assert.Equal(-0.02, ReferenceMath.Activate(ReferenceActivation.LeakyReLU, 0.01, -2), 15);
        Assert.Equal(Math.Log(2) / 0.5, ReferenceMath.Activate(ReferenceActivation.Softplus, 0.5, 0), 15);
        Assert.Equal(50, ReferenceMath.Activate(ReferenceActivation.Softplus, 0.5, 50), 15); // beta x = 25 > 20: linear
        Assert.Equal(Math.Exp(-40), ReferenceMath.Activate(ReferenceActivation.Softplus, 1, -40), 1e-30);
        Assert.Equal(2.0 / 3, ReferenceMath.Activate(ReferenceActivation.Hardswish, 0, 1), 15);
        Assert.Equal(0.8650983882673103, ReferenceMath.Activate(ReferenceActivation.Mish, 0, 1), 15); // 1 * tanh(log(1 + e))

        // Each derivative against a central difference (the activations without kinks, at points away from 0).
        foreach (ReferenceActivation kind in Enum.GetValues<ReferenceActivation>())
        {
            foreach (double x in (double[])[-2.7, -0.3, 0.4, 1.9])
            {
                double numeric = (ReferenceMath.Activate(kind, 0.3, x + 1e-6) - ReferenceMath.Activate(kind, 0.3, x - 1e-6)) / 2e-6;
                Assert.Equal(numeric, ReferenceMath.Derivative(kind, 0.3, x), 8);
            }
        }
    }

    [Fact]
    public void ConvolutionComputesCrossCorrelationWithSamePadding()
    {
        // Conv1d(1, 1, kernel_size=2, padding='same'): total padding 1, none before and one after (PyTorch puts the
        // odd element at the end). x = [1, 2, 3], w = [10, 1], b = 0.5: y = [1*10 + 2*1, 2*10 + 3*1, 3*10 + 0] + 0.5.
        var model = new ReferenceModel([1, 3], Conv1D(1, 2, "c", padding: Same));
        Assert.Equal([1, 3], model.OutputShape);
        Assert.Equal(["c.weight", "c.bias"], model.ParameterTensors.Select(t => t.Name));
        Assert.Equal([1, 1, 2], model.ParameterTensors[0].Shape);
        Assert.Equal([12.5, 23.5, 30.5], model.Infer([10, 1, 0.5], [], [1, 2, 3], 1));

        // Dilation 2, kernel 3, 'same': 2 * (3 - 1) = 4, two on each side; stride 2 without padding floors.
        Assert.Equal([2, 7], new ReferenceModel([1, 7], Conv1D(2, 3, "c", padding: Same, dilation: 2)).OutputShape);
        Assert.Equal([1, 2], new ReferenceModel([1, 7], Conv1D(1, 2, "c", stride: 3)).OutputShape); // floor((7 - 2) / 3) + 1

        // The brief's CNN: (7 + 2 - 3) / 2 + 1 = 4 rows, floor((9 + 2 - 2) / 2) + 1 = 5 columns, and so on.
        var cnn = new ReferenceModel([2, 7, 9],
            Conv2D(3, 3, 2, "conv1", strideHeight: 2, strideWidth: 2, paddingHeight: 1, paddingWidth: 1), Tanh(),
            MaxPool2D(2, stride: 1),
            Conv2D(4, 2, 2, "conv2", dilationHeight: 2, dilationWidth: 2, bias: false), Sigmoid(),
            AvgPool2D(2, padding: 1, countIncludePad: false),
            Flatten(), Linear(5, "fc1"), GELU(), Linear(3, "fc2"));
        Assert.Equal([3], cnn.OutputShape);
        Assert.Equal((3 * 2 * 3 * 2) + 3 + (4 * 3 * 2 * 2) + (8 * 5) + 5 + (5 * 3) + 3, cnn.ParameterCount);

        // Conv2d with a 2x2 kernel of ones on the 3x3 ramp 1..9, padding 1 on the width only: sums of 2x2 windows, the
        // first and last columns of windows half in the padding.
        var ramp = new ReferenceModel([1, 3, 3], Conv2D(1, 2, 2, "c", paddingWidth: 1, bias: false));
        Assert.Equal([1, 2, 4], ramp.OutputShape);
        Assert.Equal([1 + 4, 1 + 2 + 4 + 5, 2 + 3 + 5 + 6, 3 + 6, 4 + 7, 4 + 5 + 7 + 8, 5 + 6 + 8 + 9, 6 + 9], ramp.Infer([1, 1, 1, 1], [], [1, 2, 3, 4, 5, 6, 7, 8, 9], 1));
    }

    [Fact]
    public void PoolingFollowsPyTorchsDivisorsAndFirstMaximum()
    {
        // AvgPool1d(3, stride=2, padding=1) on [1, 2, 3, 4]: windows [pad, 1, 2] and [2, 3, 4].
        Assert.Equal([1, 3], new ReferenceModel([1, 4], AvgPool1D(3, 2, 1, countIncludePad: true)).Infer([], [], [1, 2, 3, 4], 1));
        Assert.Equal([1.5, 3], new ReferenceModel([1, 4], AvgPool1D(3, 2, 1, countIncludePad: false)).Infer([], [], [1, 2, 3, 4], 1));

        // AvgPool2d(2, padding=1) on a 2x2 plane of ones: every window holds one input and three pads.
        Assert.Equal([0.25, 0.25, 0.25, 0.25], new ReferenceModel([1, 2, 2], AvgPool2D(2, padding: 1)).Infer([], [], [1, 1, 1, 1], 1));
        Assert.Equal([1, 1, 1, 1], new ReferenceModel([1, 2, 2], AvgPool2D(2, padding: 1, countIncludePad: false)).Infer([], [], [1, 1, 1, 1], 1));

        // MaxPool1d(2, stride=1) on [1, 3, 3, 2]: the tie [3, 3] sends its gradient to the first 3.
        var max = new ReferenceModel([1, 4], MaxPool1D(2, stride: 1));
        ReferenceTrace trace = max.Train([], [], [1, 3, 3, 2], 1);
        Assert.Equal([3, 3, 3], trace.Outputs);
        Assert.Equal([0, 2, 1, 0], trace.Backward([1, 1, 1]).Inputs);
        Assert.Equal(0, trace.Margin());

        // Padding is -infinity for max pooling: MaxPool1d(3, stride=2, padding=1) on [-5, -4, -3] gives [-4, -3].
        Assert.Equal([-4, -3], new ReferenceModel([1, 3], MaxPool1D(3, 2, 1)).Infer([], [], [-5, -4, -3], 1));

        // Global average pooling of [2, 3] per channel.
        Assert.Equal([2.5, 11], new ReferenceModel([2, 1, 2], GlobalAvgPool()).Infer([], [], [2, 3, 10, 12], 1));
    }

    [Fact]
    public void BatchNormUsesBatchStatisticsAndUpdatesRunningStatisticsWithTheUnbiasedVariance()
    {
        // One feature, batch [1, 3, 8]: mean 4, biased variance 26/3, unbiased 13.
        var model = new ReferenceModel([1], BatchNorm1D("bn"));
        Assert.Equal(["bn.weight", "bn.bias"], model.ParameterTensors.Select(t => t.Name));
        Assert.Equal(["bn.running_mean", "bn.running_var"], model.BufferTensors.Select(t => t.Name));
        Assert.Equal([0.0, 1.0], model.InitialBuffers());

        double[] parameters = [2, 0.5];
        ReferenceTrace trace = model.Train(parameters, model.InitialBuffers(), [1, 3, 8], 3);
        double std = Math.Sqrt((26.0 / 3) + 1e-5);
        Assert.Equal([(2 * -3 / std) + 0.5, (2 * -1 / std) + 0.5, (2 * 4 / std) + 0.5], trace.Outputs);
        Assert.Equal(0.1 * 4, trace.Buffers[0], 15);
        Assert.Equal((0.9 * 1) + (0.1 * 13), trace.Buffers[1], 15);

        // Inference uses the running statistics.
        Assert.Equal([(2 * (5 - 0.4) / Math.Sqrt(2.2 + 1e-5)) + 0.5], model.Infer(parameters, trace.Buffers, [5], 1));

        // A single value per channel has no variance: PyTorch refuses it.
        Assert.Throws<InvalidOperationException>(() => model.Train(parameters, model.InitialBuffers(), [1], 1));

        // BatchNorm2d normalizes each channel over the batch and the positions.
        var two = new ReferenceModel([2, 1, 2], BatchNorm2D("bn", affine: false, momentum: 0.5));
        Assert.Empty(two.ParameterTensors);
        ReferenceTrace t2 = two.Train([], two.InitialBuffers(), [1, 3, 0, 0, 5, 7, 0, 4], 2);

        // Channel 0 holds 1, 3, 5, 7 (mean 4, unbiased variance 20/3); channel 1 holds 0, 0, 0, 4 (mean 1, unbiased variance 4).
        Assert.Equal([0.5 * 4, 0.5 * 1, 0.5 + (0.5 * 20 / 3), 0.5 + (0.5 * 4)], t2.Buffers);
        Assert.Equal([-3 / Math.Sqrt(5 + 1e-5), -1 / Math.Sqrt(5 + 1e-5)], t2.Outputs.Take(2));
    }

    [Fact]
    public void LayerNormSoftmaxDropoutAndResidualComputeTheirDefinitions()
    {
        double std = Math.Sqrt(1.25 + 1e-5);
        double[] expected = [-1.5 / std, -0.5 / std, 0.5 / std, 1.5 / std];
        Assert.Equal(expected, new ReferenceModel([2, 2], LayerNorm("ln", affine: false)).Infer([], [], [1, 2, 3, 4], 1));
        Assert.Equal(["ln.weight", "ln.bias"], new ReferenceModel([2, 2], LayerNorm("ln")).ParameterTensors.Select(t => t.Name));
        Assert.Equal([2, 2], new ReferenceModel([2, 2], LayerNorm("ln")).ParameterTensors[0].Shape);

        double[] softmax = new ReferenceModel([3], Softmax()).Infer([], [], [1000, 1001, 1000], 1);
        double e = Math.Exp(1);
        Assert.Equal([1 / (2 + e), e / (2 + e), 1 / (2 + e)], softmax.Select(v => Math.Round(v, 15)).ToArray(), new ToleranceComparer(1e-15));
        double[] log = new ReferenceModel([3], LogSoftmax()).Infer([], [], [1000, 1001, 1000], 1);
        Assert.Equal(softmax.Select(v => Math.Log(v)).ToArray(), log, new ToleranceComparer(1e-12));

        var dropout = new ReferenceModel([4], Dropout(0.25));
        Assert.Equal([1, -2, 3, 4], dropout.Infer([], [], [1, -2, 3, 4], 1));
        ReferenceTrace trace = dropout.Train([], [], [1, -2, 3, 4], 1, [[true, false, true, false]]);
        Assert.Equal([4 / 3.0, 0, 4, 0], trace.Outputs);
        Assert.Equal([4 / 3.0, 0, 4 / 3.0, 0], trace.Backward([1, 1, 1, 1]).Inputs);

        var residual = new ReferenceModel([2], Residual(Linear(2, "fc", bias: false), Residual(Tanh())));
        double[] y = residual.Infer([1, 2, 3, 4], [], [0.5, -1], 1);
        double[] inner = [(1 * 0.5) + (2 * -1), (3 * 0.5) + (4 * -1)];
        Assert.Equal([0.5 + inner[0] + Math.Tanh(inner[0]), -1 + inner[1] + Math.Tanh(inner[1])], y);
        Assert.Throws<ArgumentException>(() => new ReferenceModel([2], Residual(Linear(3, "fc"))));
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(double obj) => 0;
    }

    /// <summary>A random small model drawn from the whole catalog, or null when the drawn sizes do not fit.</summary>
    internal static ReferenceModel? RandomModel(Random random)
    {
        var modules = new List<ReferenceModule>();
        int form = random.Next(3);
        int[] inputShape;
        try
        {
            if (form == 0)
            {
                inputShape = [2 + random.Next(5)];
                int width = inputShape[0];
                if (random.Next(2) == 0)
                {
                    modules.Add(RandomActivation(random));
                }

                int blocks = 1 + random.Next(3);
                for (int k = 0; k < blocks; k++)
                {
                    switch (random.Next(6))
                    {
                        case 0:
                            modules.Add(LayerNorm("ln" + k, eps: random.Next(2) == 0 ? 1e-5 : 0.1, affine: random.Next(3) != 0));
                            break;
                        case 1:
                            modules.Add(BatchNorm1D("bn" + k, momentum: random.NextDouble(), affine: random.Next(3) != 0));
                            break;
                        case 2:
                            modules.Add(Dropout(0.1 + (0.5 * random.NextDouble())));
                            break;
                        case 3:
                            modules.Add(Residual(Linear(width, "res" + k, bias: random.Next(2) == 0), RandomActivation(random)));
                            break;
                        case 4:
                            modules.Add(Residual(Residual(LayerNorm("rln" + k)), Linear(width, "res" + k)));
                            break;
                        default:
                            width = 1 + random.Next(6);
                            modules.Add(Linear(width, "fc" + k, bias: random.Next(3) != 0));
                            modules.Add(RandomActivation(random));
                            break;
                    }
                }
            }
            else if (form == 1)
            {
                inputShape = [1 + random.Next(3), 4 + random.Next(6)];
                int kernel = 1 + random.Next(3);
                bool same = random.Next(3) == 0;
                int stride = same ? 1 : 1 + random.Next(2);
                modules.Add(Conv1D(1 + random.Next(3), kernel, "conv", stride, same ? Same : random.Next(2), 1 + random.Next(2), random.Next(3) != 0));
                modules.Add(RandomActivation(random));
                AddRandomPool(random, modules, twoD: false);
                if (random.Next(2) == 0)
                {
                    modules.Add(BatchNorm1D("bn", eps: 1e-3, affine: random.Next(2) == 0));
                }

                modules.Add(random.Next(2) == 0 ? GlobalAvgPool() : Flatten());
            }
            else
            {
                inputShape = [1 + random.Next(2), 3 + random.Next(4), 3 + random.Next(4)];
                bool same = random.Next(3) == 0;
                modules.Add(Conv2D(1 + random.Next(3), 1 + random.Next(3), 1 + random.Next(3), "conv",
                    same ? 1 : 1 + random.Next(2), same ? 1 : 1 + random.Next(2), same ? Same : random.Next(2), same ? Same : random.Next(2),
                    1 + random.Next(2), 1 + random.Next(2), random.Next(3) != 0));
                modules.Add(RandomActivation(random));
                AddRandomPool(random, modules, twoD: true);
                if (random.Next(2) == 0)
                {
                    modules.Add(BatchNorm2D("bn", affine: random.Next(2) == 0));
                }

                modules.Add(random.Next(2) == 0 ? GlobalAvgPool() : Reshape(-1));
            }

            modules.Add(Linear(1 + random.Next(4), "out", bias: random.Next(3) != 0));
            switch (random.Next(4))
            {
                case 0:
                    modules.Add(Softmax());
                    break;
                case 1:
                    modules.Add(LogSoftmax());
                    break;
            }

            return new ReferenceModel(inputShape, modules.ToArray());
        }
        catch (ArgumentException)
        {
            return null; // a window that does not fit, a padding above half the pool's kernel...
        }
    }

    private static void AddRandomPool(Random random, List<ReferenceModule> modules, bool twoD)
    {
        int kernel = 1 + random.Next(3);
        int stride = random.Next(3);
        int padding = random.Next((kernel / 2) + 1);
        switch (random.Next(3))
        {
            case 0:
                modules.Add(twoD ? MaxPool2D(kernel, stride, padding) : MaxPool1D(kernel, stride, padding));
                break;
            case 1:
                bool include = random.Next(2) == 0;
                modules.Add(twoD ? AvgPool2D(kernel, stride, padding, include) : AvgPool1D(kernel, stride, padding, include));
                break;
        }
    }

    private static ReferenceModule RandomActivation(Random random) => random.Next(14) switch
    {
        0 => Identity(),
        1 => ReLU(),
        2 => Sigmoid(),
        3 => Tanh(),
        4 => LeakyReLU(0.01 + (0.3 * random.NextDouble())),
        5 => ELU(1.0),
        6 => ELU(0.5 + random.NextDouble()),
        7 => GELU(),
        8 => GELU(tanhApproximation: true),
        9 => SiLU(),
        10 => Softplus(0.5 + (2 * random.NextDouble())),
        11 => Hardswish(),
        12 => Mish(),
        _ => Tanh(),
    };

    internal static double[] RandomBuffers(Random random, ReferenceModel model)
    {
        double[] buffers = model.InitialBuffers();
        foreach (ReferenceTensor tensor in model.BufferTensors)
        {
            bool variance = tensor.Name.EndsWith(".running_var", StringComparison.Ordinal);
            for (int j = 0; j < tensor.Length; j++)
            {
                buffers[tensor.Offset + j] = variance ? 0.5 + random.NextDouble() : random.NextDouble() - 0.5;
            }
        }

        return buffers;
    }

    private static bool[] RandomMask(Random random, int count, double p) => Enumerable.Range(0, count).Select(_ => random.NextDouble() >= p).ToArray();

    private static double[] Uniform(Random random, int count, double low, double high) =>
        Enumerable.Range(0, count).Select(_ => low + ((high - low) * random.NextDouble())).ToArray();
}
