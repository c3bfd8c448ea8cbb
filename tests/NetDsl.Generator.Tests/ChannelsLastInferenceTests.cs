using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using Xunit;

namespace NetDsl.Generator.Tests;

/// <summary>
/// Random image stacks (convolutions of 1 to 64 channels, kernels 1 and 3, padding, stride 2, max pools, fused and lone
/// activations) compiled and run: the inference pass, whose activations the generator lays out channels-last
/// between convolutions and pools (<c>InferenceLayouts</c>), must compute what the training pass computes on planar
/// activations, to float rounding (the two take different convolution kernels). A layout mistake gives garbage, not
/// rounding; the numerics of each kernel against the double-precision reference are tested in NetDsl.Tests.
/// </summary>
public sealed class ChannelsLastInferenceTests
{
    [Fact]
    public void TheInferencePassComputesWhatTheTrainingPassComputes()
    {
        var random = new Random(2026);
        int withRuns = 0;
        const int Stacks = 24;
        var sources = new List<string>();
        for (int i = 0; i < Stacks; i++)
        {
            sources.Add("[Network]" + RandomStack(random) + " public partial class Net" + i + ";");
        }

        TestRun run = TestCompilation.Run("using NetDsl;\n" + string.Join("\n", sources));
        Assert.Empty(run.Exceptions);
        Assert.Empty(run.OutputDiagnostics.Where(d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error));
        withRuns = run.GeneratedSources.Count(s => s.SourceText.ToString().Contains(": channels-last activations ([H, W, C] per sample)", StringComparison.Ordinal));
        Assert.True(withRuns >= Stacks / 2, $"only {withRuns} of {Stacks} random stacks kept channels-last activations");

        TestCompilation.Load(run.Output, assembly =>
        {
            for (int i = 0; i < Stacks; i++)
            {
                var model = (INetwork)Activator.CreateInstance(assembly.GetType("Net" + i)!, 1 + i)!;
                int inputSize = model.Layers[0].InputShape.ToArray().Aggregate(1, (a, b) => a * b);
                int outputSize = model.Layers[^1].OutputShape.ToArray().Aggregate(1, (a, b) => a * b);
                const int Batch = 3;
                float[] x = Enumerable.Range(0, Batch * inputSize).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
                var inference = new float[Batch * outputSize];
                var training = new float[Batch * outputSize];
                model.ForwardBatch(x, inference);
                model.ForwardTraining(x, training);
                float scale = training.Max(MathF.Abs) + 1e-3f;
                for (int j = 0; j < training.Length; j++)
                {
                    Assert.True(MathF.Abs(inference[j] - training[j]) <= 1e-4f * scale, $"{sources[i]}: output {j} is {inference[j]} in inference and {training[j]} in training");
                }
            }

            return 0;
        });
    }

    private static string RandomStack(Random random)
    {
        int channels = new[] { 1, 3, 8, 16 }[random.Next(4)];
        int height = 6 + random.Next(9), width = 6 + random.Next(9);
        var stack = new StringBuilder($"[Input({channels}, {height}, {width})]");
        int blocks = 2 + random.Next(3);
        for (int b = 0; b < blocks; b++)
        {
            int outChannels = new[] { 8, 16, 32, 37, 64 }[random.Next(5)];
            int kernel = random.Next(3) == 0 ? 1 : 3;
            int padding = kernel == 3 && random.Next(2) == 0 ? 1 : 0;
            int stride = random.Next(4) == 0 ? 2 : 1;
            int nextHeight = ((height + (2 * padding) - kernel) / stride) + 1, nextWidth = ((width + (2 * padding) - kernel) / stride) + 1;
            if (height + (2 * padding) < kernel || width + (2 * padding) < kernel)
            {
                break;
            }

            (height, width) = (nextHeight, nextWidth);
            string activation = new[] { ", ReLU", ", LeakyReLU", "][ReLU", "][Tanh", string.Empty }[random.Next(5)];
            stack.Append($"[Conv2D({outChannels}, Kernel = {kernel}, Padding = {padding}, Stride = {stride}){activation}]");
            if (height >= 2 && width >= 2 && random.Next(2) == 0)
            {
                stack.Append("[MaxPool2D(2)]");
                (height, width) = (height / 2, width / 2);
            }
        }

        return stack.Append("[Flatten][Linear(3)]").ToString();
    }
}
