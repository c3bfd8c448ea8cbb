using System;
using System.Collections.Generic;
using System.Linq;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Emit;

/// <summary>Max, average and global average pooling: unrolled over their windows, or <c>PoolingKernels</c> calls.</summary>
internal sealed class PoolStageEmitter : IStageEmitter
{
    public static readonly PoolStageEmitter Instance = new();

    public string[] EmitSampleForward(SourceWriter writer, NetworkPlan plan, Stage stage, Func<int, string> input, Func<int, Func<int, string>> outputsOfStage)
    {
        writer.WriteLine(StageDescription.Of(plan, stage));
        string[] expressions = OutputExpressions(plan, stage, input);
        var outputs = new string[expressions.Length];
        for (int o = 0; o < outputs.Length; o++)
        {
            outputs[o] = "h" + Literals.Int(stage.Index) + "_" + Literals.Int(o);
            writer.WriteLine($"float {outputs[o]} = {expressions[o]};");
        }

        writer.WriteLine();
        return outputs;
    }

    public void EmitForward(SourceWriter writer, NetworkPlan plan, Stage stage, StageContext context)
    {
        PlannedLayer layer = plan.Layers[stage.LayerIndex];
        writer.WriteLine(StageDescription.Of(plan, stage) + context.LayoutNote);
        if (!stage.IsUnrolled)
        {
            if (context.PooledInConvolution)
            {
                writer.WriteLine("// Unless numeric checks are on, the convolution of stage " + Literals.Int(stage.Index - 1) + " ran this pool" + (context.DeferredActivation is null ? "." : " and the ReLU."));
                writer.OpenBlock("if (" + TypeNames.NumericChecks + ".Enabled)");
            }

            writer.WriteLine(layer.Kind switch
            {
                LayerKind.GlobalAvgPool => TypeNames.PoolingKernels + ".GlobalAverageForward(" + context.Input + ", " + context.Output + ", batch, " + Channels(layer) + ", " + Positions(layer) + ");",
                LayerKind.MaxPool1D or LayerKind.MaxPool2D => TypeNames.PoolingKernels + ".MaxForward(" + context.Input + ", " + context.Output + ", batch, in " + GeometryField.Name(stage) + (context.AnyChannelsLast ? context.LayoutArguments : string.Empty) + ");",
                _ => TypeNames.PoolingKernels + ".AverageForward(" + context.Input + ", " + context.Output + ", batch, in " + GeometryField.Name(stage) + ", countIncludePad: " + (CountIncludePad(layer) ? "true" : "false") + ");",
            });
            if (context.DeferredActivation is { } deferred)
            {
                writer.WriteLine(ActivationCode.KernelForward(deferred, context.Output, context.Output) + " // the ReLU before this pool");
            }

            if (context.PooledInConvolution)
            {
                writer.CloseBlock();
            }

            writer.WriteLine();
            return;
        }

        writer.OpenBlock("for (int n = 0; n < batch; n++)");
        writer.WriteLine($"{TypeNames.ReadOnlySpan} x = {AffineStageEmitter.SampleSlice(context.Input, layer.InFeatures)};");
        writer.WriteLine($"{TypeNames.Span} y = {AffineStageEmitter.SampleSlice(context.Output, layer.OutFeatures)};");
        string[] expressions = OutputExpressions(plan, stage, j => "x[" + Literals.Int(j) + "]");
        for (int o = 0; o < expressions.Length; o++)
        {
            writer.WriteLine($"y[{o}] = {expressions[o]};");
        }

        writer.CloseBlock();
        writer.WriteLine();
    }

    public void EmitBackward(SourceWriter writer, NetworkPlan plan, Stage stage, StageContext context)
    {
        PlannedLayer layer = plan.Layers[stage.LayerIndex];
        bool max = layer.Kind is LayerKind.MaxPool1D or LayerKind.MaxPool2D;
        writer.WriteLine(StageDescription.Backward(plan, stage));
        if (!stage.IsUnrolled)
        {
            writer.WriteLine(context.Guarded(layer.Kind switch
            {
                LayerKind.GlobalAvgPool => TypeNames.PoolingKernels + ".GlobalAverageBackward(" + context.OutputGradient + ", " + context.InputGradient + ", batch, " + Channels(layer) + ", " + Positions(layer) + ");",
                _ when max => TypeNames.PoolingKernels + ".MaxBackward(" + context.Input + ", " + context.OutputGradient + ", " + context.InputGradient + ", batch, in " + GeometryField.Name(stage) + ");",
                _ => TypeNames.PoolingKernels + ".AverageBackward(" + context.OutputGradient + ", " + context.InputGradient + ", batch, in " + GeometryField.Name(stage) + ", countIncludePad: " + (CountIncludePad(layer) ? "true" : "false") + ");",
            }));
            writer.WriteLine();
            return;
        }

        writer.OpenBlock(context.Guarded("for (int n = 0; n < batch; n++)"));
        writer.WriteLine($"{TypeNames.ReadOnlySpan} dy = {AffineStageEmitter.SampleSlice(context.OutputGradient, layer.OutFeatures)};");
        writer.WriteLine($"{TypeNames.Span} dx = {AffineStageEmitter.SampleSlice(context.InputGradient, layer.InFeatures)};");
        if (layer.Kind == LayerKind.GlobalAvgPool)
        {
            int positions = Positions(layer);
            for (int i = 0; i < layer.InFeatures; i++)
            {
                writer.WriteLine($"dx[{i}] = dy[{i / positions}] * (1f / {positions});");
            }
        }
        else if (max)
        {
            // The gradient goes to the first maximum of each window, as PyTorch routes it; a window holding a NaN has a NaN
            // maximum, equal to nothing, so it routes to its first NaN.
            writer.WriteLine($"{TypeNames.ReadOnlySpan} x = {AffineStageEmitter.SampleSlice(context.Input, layer.InFeatures)};");
            writer.WriteLine($"{TypeNames.ReadOnlySpan} y = {AffineStageEmitter.SampleSlice(context.Output, layer.OutFeatures)};");
            writer.WriteLine("dx.Clear();");
            PoolWindows windows = PoolWindows.For(layer, countIncludePad: false);
            for (int o = 0; o < layer.OutFeatures; o++)
            {
                string y = "y[" + Literals.Int(o) + "]";
                string route = string.Join(" else ", windows.Inputs[o].Select(i => "if (x[" + Literals.Int(i) + "] == " + y + " || float.IsNaN(x[" + Literals.Int(i) + "])) dx[" + Literals.Int(i) + "] += dy[" + Literals.Int(o) + "];"));
                writer.WriteLine(route);
            }
        }
        else
        {
            PoolWindows windows = PoolWindows.For(layer, CountIncludePad(layer));
            for (int i = 0; i < layer.InFeatures; i++)
            {
                List<int> readers = windows.Readers[i];
                string sum = readers.Count == 0 ? "0f" : string.Join(" + ", readers.Select(o => "dy[" + Literals.Int(o) + "] / " + Literals.Int(windows.Divisors[o]) + "f"));
                writer.WriteLine($"dx[{i}] = {sum};");
            }
        }

        writer.CloseBlock();
        writer.WriteLine();
    }

    private static string[] OutputExpressions(NetworkPlan plan, Stage stage, Func<int, string> input)
    {
        PlannedLayer layer = plan.Layers[stage.LayerIndex];
        if (layer.Kind == LayerKind.GlobalAvgPool)
        {
            int positions = Positions(layer);
            return Enumerable.Range(0, layer.OutFeatures)
                .Select(c => "(" + string.Join(" + ", Enumerable.Range(c * positions, positions).Select(input)) + ") * (1f / " + Literals.Int(positions) + ")")
                .ToArray();
        }

        bool max = layer.Kind is LayerKind.MaxPool1D or LayerKind.MaxPool2D;
        PoolWindows windows = PoolWindows.For(layer, !max && CountIncludePad(layer));
        var expressions = new string[layer.OutFeatures];
        for (int o = 0; o < expressions.Length; o++)
        {
            List<int> inputs = windows.Inputs[o];
            if (max)
            {
                string expression = input(inputs[0]);
                foreach (int i in inputs.Skip(1))
                {
                    expression = "global::System.MathF.Max(" + expression + ", " + input(i) + ")";
                }

                expressions[o] = expression;
            }
            else
            {
                expressions[o] = "(" + string.Join(" + ", inputs.Select(input)) + ") / " + Literals.Int(windows.Divisors[o]) + "f";
            }
        }

        return expressions;
    }

    private static bool CountIncludePad(PlannedLayer layer) => layer.HyperParametersAs<AveragePoolParameters>().CountIncludePad;

    private static int Channels(PlannedLayer layer) => layer.InputShape.Dimensions[0];

    private static int Positions(PlannedLayer layer) => layer.InFeatures / layer.InputShape.Dimensions[0];
}
