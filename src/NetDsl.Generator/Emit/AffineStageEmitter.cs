using System;
using System.Collections.Generic;
using System.Text;
using NetDsl.Generator.Catalog;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Emit;

/// <summary>
/// The code of a Linear or convolution layer with its fused activation, <c>y = act(W x + b)</c>. Unrolled, both are
/// sums of weight x input products over their connectivity (<see cref="AffineTaps"/>); otherwise they call
/// <c>LinearKernels</c> or <c>ConvolutionKernels</c>.
/// </summary>
internal sealed class AffineStageEmitter : IStageEmitter
{
    public static readonly AffineStageEmitter Instance = new();

    public string[] EmitSampleForward(SourceWriter writer, NetworkPlan plan, Stage stage, Func<int, string> input, Func<int, Func<int, string>> outputsOfStage)
    {
        PlannedLayer layer = plan.Layers[stage.LayerIndex];
        AffineTaps taps = AffineTaps.For(layer);
        string k = Literals.Int(stage.Index);
        writer.WriteLine(StageDescription.Of(plan, stage));
        writer.WriteLine($"{TypeNames.ReadOnlySpan} w{k} = {Slice("p", layer.Tensor("weight")!)};");
        if (layer.BiasOffset >= 0)
        {
            writer.WriteLine($"{TypeNames.ReadOnlySpan} b{k} = {Slice("p", layer.Tensor("bias")!)};");
        }

        var outputs = new string[layer.OutFeatures];
        for (int o = 0; o < outputs.Length; o++)
        {
            outputs[o] = "h" + k + "_" + Literals.Int(o);
            string sum = WeightedSum(taps, o, "w" + k, layer.BiasOffset >= 0 ? "b" + k : null, input);
            writer.WriteLine($"float {outputs[o]} = {ActivationCode.Apply(stage.Activation, sum)};");
        }

        writer.WriteLine();
        return outputs;
    }

    public void EmitForward(SourceWriter writer, NetworkPlan plan, Stage stage, StageContext context)
    {
        PlannedLayer layer = plan.Layers[stage.LayerIndex];
        string weight = Slice("p", layer.Tensor("weight")!);
        string bias = layer.Tensor("bias") is { } b ? Slice("p", b) : "default";
        writer.WriteLine(StageDescription.Of(plan, stage) + context.LayoutNote);
        if (!stage.IsUnrolled)
        {
            string call = stage.Kind == StageKind.Linear
                ? TypeNames.LinearKernels + ".Forward(" + context.Input + ", " + weight + ", " + bias + ", " + context.Output + LinearRows(layer) + ");"
                : TypeNames.ConvolutionKernels + ".Forward(" + context.Input + ", " + weight + ", " + bias + ", " + context.Output + ", batch, in " + GeometryField.Name(stage) + (context.AnyChannelsLast ? context.LayoutArguments : string.Empty) + ");";
            if (context.FusedPool is { } pool)
            {
                writer.WriteLine("// The max pool of stage " + Literals.Int(pool.Index) + (context.ActivationDeferred ? " and the ReLU run" : " runs") + " inside this convolution, on each group of samples as its outputs are computed;");
                writer.WriteLine("// with numeric checks on, they run one after the other so that the convolution's outputs are checked.");
                writer.WriteLine("if (" + TypeNames.NumericChecks + ".Enabled) " + call);
                writer.WriteLine("else " + TypeNames.ConvolutionKernels + ".ForwardPooled(" + context.Input + ", " + weight + ", " + bias + ", " + context.FusedPoolOutput.Span + ", batch, in " + GeometryField.Name(stage) + ", in " + GeometryField.Name(pool)
                    + ", " + StageContext.Layout(context.InputChannelsLast) + ", " + StageContext.Layout(context.FusedPoolOutput.ChannelsLast) + ", relu: " + (context.ActivationDeferred ? "true" : "false") + ");");
                writer.WriteLine();
                return;
            }

            writer.WriteLine(call);
            if (ActivationCode.Applies(stage.Activation))
            {
                writer.WriteLine(context.ActivationDeferred
                    ? "// The " + stage.Activation!.Name + " runs after the max pool that follows, on its fewer outputs (the same values)."
                    : ActivationCode.KernelForward(stage.Activation!, context.Output, context.Output));
            }

            writer.WriteLine();
            return;
        }

        AffineTaps taps = AffineTaps.For(layer);
        writer.OpenBlock();
        writer.WriteLine($"{TypeNames.ReadOnlySpan} w = {weight};");
        if (layer.BiasOffset >= 0)
        {
            writer.WriteLine($"{TypeNames.ReadOnlySpan} b = {bias};");
        }

        writer.OpenBlock("for (int n = 0; n < batch; n++)");
        writer.WriteLine($"{TypeNames.ReadOnlySpan} x = {SampleSlice(context.Input, layer.InFeatures)};");
        writer.WriteLine($"{TypeNames.Span} y = {SampleSlice(context.Output, layer.OutFeatures)};");
        for (int o = 0; o < layer.OutFeatures; o++)
        {
            string sum = WeightedSum(taps, o, "w", layer.BiasOffset >= 0 ? "b" : null, j => "x[" + Literals.Int(j) + "]");
            writer.WriteLine($"y[{o}] = {ActivationCode.Apply(stage.Activation, sum)};");
        }

        writer.CloseBlock();
        writer.CloseBlock();
        writer.WriteLine();
    }

    public void EmitBackward(SourceWriter writer, NetworkPlan plan, Stage stage, StageContext context)
    {
        PlannedLayer layer = plan.Layers[stage.LayerIndex];
        PlannedTensor weightTensor = layer.Tensor("weight")!;
        PlannedTensor? biasTensor = layer.Tensor("bias");
        writer.WriteLine(StageDescription.Backward(plan, stage));
        if (!stage.IsUnrolled)
        {
            if (ActivationCode.Applies(stage.Activation))
            {
                writer.WriteLine(ActivationCode.KernelBackward(stage.Activation!, "default", context.Output, context.OutputGradient, context.OutputGradient));
            }

            string biasGradient = biasTensor is null ? "default" : Slice("g", biasTensor);
            if (stage.Kind == StageKind.Linear)
            {
                string sizes = LinearRows(layer) + ");";
                writer.WriteLine($"{TypeNames.LinearKernels}.AccumulateParameterGradients({context.Input}, {context.OutputGradient}, {Slice("g", weightTensor)}, {biasGradient}{sizes}");
                writer.WriteLine(context.Guarded(TypeNames.LinearKernels + ".BackwardInput(" + context.OutputGradient + ", " + Slice("p", weightTensor) + ", " + context.InputGradient + sizes));
            }
            else
            {
                writer.WriteLine($"{TypeNames.ConvolutionKernels}.Backward({context.Input}, {Slice("p", weightTensor)}, {context.OutputGradient}, {Slice("g", weightTensor)}, {biasGradient}, {context.InputGradientOrEmpty}, batch, in {GeometryField.Name(stage)});");
            }

            writer.WriteLine();
            return;
        }

        AffineTaps taps = AffineTaps.For(layer);
        writer.OpenBlock();
        writer.WriteLine($"{TypeNames.ReadOnlySpan} w = {Slice("p", weightTensor)};");
        writer.WriteLine($"{TypeNames.Span} gw = {Slice("g", weightTensor)};");
        if (biasTensor is not null)
        {
            writer.WriteLine($"{TypeNames.Span} gb = {Slice("g", biasTensor)};");
        }

        writer.OpenBlock("for (int n = 0; n < batch; n++)");
        writer.WriteLine($"{TypeNames.ReadOnlySpan} x = {SampleSlice(context.Input, layer.InFeatures)};");
        if (ActivationCode.Applies(stage.Activation))
        {
            writer.WriteLine($"{TypeNames.ReadOnlySpan} y = {SampleSlice(context.Output, layer.OutFeatures)};");
        }

        writer.WriteLine($"{TypeNames.ReadOnlySpan} dy = {SampleSlice(context.OutputGradient, layer.OutFeatures)};");
        for (int o = 0; o < layer.OutFeatures; o++)
        {
            string index = "[" + Literals.Int(o) + "]";
            writer.WriteLine($"float dz{o} = {ActivationCode.Backward(stage.Activation, "x" + index, "y" + index, "dy" + index)};");
        }

        for (int o = 0; o < layer.OutFeatures; o++)
        {
            foreach ((int weight, int input) in taps.Forward[o])
            {
                writer.WriteLine($"gw[{weight}] += dz{o} * x[{input}];");
            }
        }

        if (biasTensor is not null)
        {
            for (int o = 0; o < layer.OutFeatures; o++)
            {
                writer.WriteLine($"gb[{taps.BiasIndex[o]}] += dz{o};");
            }
        }

        if (context.InputGradientCondition is not null)
        {
            writer.OpenBlock($"if ({context.InputGradientCondition})");
        }

        writer.WriteLine($"{TypeNames.Span} dx = {SampleSlice(context.InputGradient, layer.InFeatures)};");
        for (int j = 0; j < layer.InFeatures; j++)
        {
            List<(int Weight, int Output)> readers = taps.Backward[j];
            var sum = new StringBuilder();
            foreach ((int weight, int output) in readers)
            {
                sum.Append(sum.Length == 0 ? string.Empty : " + ").Append("w[").Append(Literals.Int(weight)).Append("] * dz").Append(Literals.Int(output));
            }

            writer.WriteLine($"dx[{j}] = {(sum.Length == 0 ? "0f" : sum.ToString())};");
        }

        if (context.InputGradientCondition is not null)
        {
            writer.CloseBlock();
        }

        writer.CloseBlock();
        writer.CloseBlock();
        writer.WriteLine();
    }

    /// <summary><c>b[c] + w[..] * x0 + w[..] * x1 + ...</c>, summed left to right.</summary>
    private static string WeightedSum(AffineTaps taps, int o, string weight, string? bias, Func<int, string> input)
    {
        var sum = new StringBuilder();
        if (bias is not null)
        {
            sum.Append(bias).Append('[').Append(Literals.Int(taps.BiasIndex[o])).Append(']');
        }

        foreach ((int w, int x) in taps.Forward[o])
        {
            if (sum.Length > 0)
            {
                sum.Append(" + ");
            }

            sum.Append(weight).Append('[').Append(Literals.Int(w)).Append("] * ").Append(input(x));
        }

        return sum.Length == 0 ? "0f" : sum.ToString();
    }


    internal static string Slice(string span, PlannedTensor tensor) =>
        span + ".Slice(" + Literals.Int(tensor.Offset) + ", " + Literals.Int(tensor.Length) + ")";

    internal static string SampleSlice(string span, int width) =>
        span + ".Slice(n * " + Literals.Int(width) + ", " + Literals.Int(width) + ")";

    /// <summary>
    /// The rows and sizes of a Linear stage's kernel call: <c>, batch, in, out</c>, or for a per-step layer on <c>[T, F]</c>
    /// every step of every sample as a row, <c>, batch * T, F, out</c>.
    /// </summary>
    private static string LinearRows(PlannedLayer layer)
    {
        int steps = LinearDescriptor.Steps(layer);
        string rows = steps == 1 ? "batch" : "batch * " + Literals.Int(steps);
        return ", " + rows + ", " + Literals.Int(LinearDescriptor.StepInFeatures(layer)) + ", " + Literals.Int(LinearDescriptor.StepOutFeatures(layer));
    }

    /// <summary>All of a layer's parameter tensors as one span: they lie one after another (a recurrent or attention layer's blocks).</summary>
    internal static string AllTensors(PlannedLayer layer, string span) =>
        span + ".Slice(" + Literals.Int(layer.Parameters[0].Offset) + ", " + Literals.Int(layer.ParameterCount) + ")";
}
