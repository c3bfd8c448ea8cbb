using System.Collections.Generic;
using System.Linq;
using System.Text;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Emit;

/// <summary>
/// <c>TrainStep(in Input, target, loss, learningRate)</c> for small fully unrolled networks of Linear/convolution layers
/// and activations: forward, the loss gradient, backward and the plain SGD update in one method, every activation and
/// gradient in a local. Each stage's input gradient is computed from its weights before they are updated, and each
/// weight's gradient is summed in the order <c>Backward</c> accumulates it, so the result equals ZeroGradients,
/// ForwardTraining, the loss, Backward and <c>new Sgd(learningRate).Step</c> bit for bit — without the gradient buffer.
/// </summary>
internal static class FusedTrainStepEmitter
{
    /// <summary>Whether the network gets the method: every stage unrolled, and only stages without train/eval differences or state.</summary>
    public static bool Applies(NetworkPlan plan) =>
        plan.IsFullyUnrolled && plan.Stages.All(s => s.Kind is StageKind.Linear or StageKind.Convolution or StageKind.Activation);

    public static void Emit(SourceWriter writer, NetworkPlan plan)
    {
        writer.WriteLine("/// <summary>");
        writer.WriteLine("/// One training step on one sample with plain SGD, fused: forward (training mode), the loss and its gradient, backward");
        writer.WriteLine("/// and <c>parameter -= learningRate * gradient</c>, with every intermediate value in a local. Equal, bit for bit, to");
        writer.WriteLine("/// <see cref=\"ZeroGradients\"/>, <see cref=\"ForwardTraining\"/>, <paramref name=\"loss\"/>, <see cref=\"Backward(global::System.ReadOnlySpan{float})\"/>");
        writer.WriteLine("/// and <c>new Sgd(learningRate).Step(this)</c>, except that <see cref=\"Gradients\"/> is left as it was and nothing is");
        writer.WriteLine("/// recorded for a later <c>Backward</c>. Returns the loss.");
        writer.WriteLine("/// </summary>");
        writer.WriteLine("/// <exception cref=\"global::System.ArgumentException\">The target does not fit the loss and the output.</exception>");
        writer.OpenBlock("public float TrainStep(in Input input, global::System.ReadOnlySpan<float> target, global::NetDsl.ILoss loss, float learningRate)");
        writer.WriteLine("global::System.ArgumentNullException.ThrowIfNull(loss);");
        writer.WriteLine($"if ({TypeNames.NumericChecks}.Enabled) return CheckedTrainStep(input, target, loss, learningRate);");
        writer.WriteLine("return FusedTrainStep(input, target, loss, learningRate);");
        writer.CloseBlock();
        writer.WriteLine();

        writer.WriteLine("/// <summary>");
        writer.WriteLine("/// <see cref=\"TrainStep(in Input, global::System.ReadOnlySpan{float}, global::NetDsl.ILoss, float)\"/> with the mean squared error");
        writer.WriteLine("/// written into the step (the same bits as the loss's own method, without the call and the output buffers).");
        writer.WriteLine("/// </summary>");
        writer.WriteLine("/// <exception cref=\"global::System.ArgumentException\">The target does not have one value per output.</exception>");
        writer.OpenBlock("public float TrainStep(in Input input, global::System.ReadOnlySpan<float> target, global::NetDsl.MeanSquaredErrorLoss loss, float learningRate)");
        writer.WriteLine("global::System.ArgumentNullException.ThrowIfNull(loss);");
        writer.WriteLine($"if ({TypeNames.NumericChecks}.Enabled) return CheckedTrainStep(input, target, loss, learningRate);");
        writer.WriteLine("return FusedMeanSquaredErrorTrainStep(input, target, loss.Reduction, learningRate);");
        writer.CloseBlock();
        writer.WriteLine();

        EmitCheckedStep(writer);

        EmitBody(writer, plan, LossForm.Any);
        EmitBody(writer, plan, LossForm.MeanSquaredError);
    }

    /// <summary>How a fused step computes its loss: through <see cref="ILoss"/>, or the mean squared error written out.</summary>
    private enum LossForm
    {
        Any,
        MeanSquaredError,
    }

    private static void EmitBody(SourceWriter writer, NetworkPlan plan, LossForm form)
    {
        if (form == LossForm.Any)
        {
            writer.WriteLine("// The body of TrainStep for any loss, called through ILoss.");
            writer.OpenBlock("private float FusedTrainStep(in Input input, global::System.ReadOnlySpan<float> target, global::NetDsl.ILoss loss, float learningRate)");
        }
        else
        {
            writer.WriteLine("// The body of TrainStep for the mean squared error, the loss written out in the arithmetic and order of");
            writer.WriteLine("// MeanSquaredErrorLoss.ComputeWithGradient (in double, each output's term added in turn), so that both overloads give the same bits.");
            writer.OpenBlock("private float FusedMeanSquaredErrorTrainStep(in Input input, global::System.ReadOnlySpan<float> target, global::NetDsl.LossReduction reduction, float learningRate)");
        }

        writer.WriteLine("_recordedBatch = 0;");
        writer.WriteLine("// A constant length lets the JIT drop the bounds checks of constant indices.");
        writer.WriteLine("global::System.Span<float> p = _parameters.Span.Slice(0, ParameterCount);");
        writer.WriteLine("global::System.ReadOnlySpan<float> x = input;");
        writer.WriteLine("x = x.Slice(0, InputSize);");
        writer.WriteLine("float step = -learningRate;");
        writer.WriteLine();

        // Forward: stage k's outputs are h<k>_<i>, an affine stage's pre-activations z<k>_<i>.
        var outputs = new List<string[]> { Enumerable.Range(0, plan.InputSize).Select(j => "x[" + Literals.Int(j) + "]").ToArray() };
        var preActivations = new Dictionary<int, string[]>();
        foreach (Stage stage in plan.Stages)
        {
            writer.WriteLine(StageDescription.Of(plan, stage));
            string[] input = outputs[outputs.Count - 1];
            string k = Literals.Int(stage.Index);
            var stageOutputs = new string[stage.OutputWidth];
            if (stage.Kind == StageKind.Activation)
            {
                for (int i = 0; i < stageOutputs.Length; i++)
                {
                    stageOutputs[i] = "h" + k + "_" + Literals.Int(i);
                    writer.WriteLine($"float {stageOutputs[i]} = {ActivationCode.Apply(stage.Activation, input[i])};");
                }
            }
            else
            {
                PlannedLayer layer = plan.Layers[stage.LayerIndex];
                AffineTaps taps = AffineTaps.For(layer);
                int weightOffset = layer.Tensor("weight")!.Offset;
                int biasOffset = layer.Tensor("bias")?.Offset ?? -1;
                var z = new string[stage.OutputWidth];
                for (int o = 0; o < stageOutputs.Length; o++)
                {
                    z[o] = "z" + k + "_" + Literals.Int(o);
                    stageOutputs[o] = "h" + k + "_" + Literals.Int(o);
                    writer.WriteLine($"float {z[o]} = {WeightedSum(taps, o, weightOffset, biasOffset, input)};");
                    writer.WriteLine($"float {stageOutputs[o]} = {ActivationCode.Apply(stage.Activation, z[o])};");
                }

                preActivations[stage.Index] = z;
            }

            outputs.Add(stageOutputs);
            writer.WriteLine();
        }

        string[] last = outputs[outputs.Count - 1];
        string[] gradients = form == LossForm.Any ? EmitLossThroughInterface(writer, plan, last) : EmitMeanSquaredError(writer, plan, last);
        writer.WriteLine();

        // Backward: d<k>_<i> is the gradient with respect to h<k>_<i>.
        for (int s = plan.Stages.Count - 1; s >= 0; s--)
        {
            Stage stage = plan.Stages[s];
            writer.WriteLine(StageDescription.Backward(plan, stage));
            string[] input = outputs[s];
            string[] output = outputs[s + 1];
            string previous = Literals.Int(stage.Index - 1);
            bool needsInputGradient = s > 0;
            var inputGradients = new string[stage.InputWidth];
            if (stage.Kind == StageKind.Activation)
            {
                for (int i = 0; i < stage.InputWidth && needsInputGradient; i++)
                {
                    inputGradients[i] = "d" + previous + "_" + Literals.Int(i);
                    writer.WriteLine($"float {inputGradients[i]} = {ActivationCode.Backward(stage.Activation, input[i], output[i], gradients[i])};");
                }
            }
            else
            {
                EmitAffineBackward(writer, plan, stage, input, output, preActivations[stage.Index], gradients, needsInputGradient, inputGradients);
            }

            gradients = inputGradients;
            writer.WriteLine();
        }

        writer.WriteLine("return lossValue;");
        writer.CloseBlock();
        writer.WriteLine();
    }

    // The prediction goes to the loss in an Output buffer, its gradient comes back in another: dy[i].
    private static string[] EmitLossThroughInterface(SourceWriter writer, NetworkPlan plan, string[] prediction)
    {
        writer.WriteLine("Output prediction = default;");
        writer.WriteLine("global::System.Span<float> y = prediction;");
        for (int i = 0; i < plan.OutputSize; i++)
        {
            writer.WriteLine($"y[{i}] = {prediction[i]};");
        }

        writer.WriteLine("Output outputGradient = default;");
        writer.WriteLine("float lossValue = loss.ComputeWithGradient(prediction, target, outputGradient);");
        writer.WriteLine("global::System.ReadOnlySpan<float> dy = outputGradient;");
        return Enumerable.Range(0, plan.OutputSize).Select(i => "dy[" + Literals.Int(i) + "]").ToArray();
    }

    // (prediction - target)² summed in double and scaled by 1/n under the mean; the gradient 2 (prediction - target) scale,
    // rounded to float. A scale of 1 (one output, or the sum) is left out: multiplying by 1.0 changes no bits.
    private static string[] EmitMeanSquaredError(SourceWriter writer, NetworkPlan plan, string[] prediction)
    {
        int n = plan.OutputSize;
        writer.WriteLine($"// The mean squared error over the {Literals.Int(n)} output{(n == 1 ? string.Empty : "s")}.");
        writer.WriteLine("global::NetDsl.Generated.Guard.Length(target.Length, OutputSize, nameof(target));");
        writer.WriteLine("target = target.Slice(0, OutputSize);");
        string scaled = string.Empty;
        if (n > 1)
        {
            writer.WriteLine($"double scale = reduction == global::NetDsl.LossReduction.Mean ? 1.0 / {Literals.Int(n)} : 1.0;");
            scaled = " * scale";
        }

        var gradients = new string[n];
        var squares = new StringBuilder();
        for (int i = 0; i < n; i++)
        {
            string index = Literals.Int(i);
            writer.WriteLine($"double e{index} = (double){prediction[i]} - target[{index}];");
            gradients[i] = "dy" + index;
            writer.WriteLine($"float {gradients[i]} = (float)(2.0 * e{index}{scaled});");
            squares.Append(i == 0 ? string.Empty : " + ").Append('e').Append(index).Append(" * e").Append(index);
        }

        writer.WriteLine(n > 1 ? $"float lossValue = (float)(({squares}){scaled});" : $"float lossValue = (float)({squares});");
        return gradients;
    }

    private static void EmitAffineBackward(SourceWriter writer, NetworkPlan plan, Stage stage, string[] input, string[] output, string[] z, string[] gradients, bool needsInputGradient, string[] inputGradients)
    {
        PlannedLayer layer = plan.Layers[stage.LayerIndex];
        AffineTaps taps = AffineTaps.For(layer);
        string k = Literals.Int(stage.Index);
        int weightOffset = layer.Tensor("weight")!.Offset;
        var dz = new string[layer.OutFeatures];
        for (int o = 0; o < dz.Length; o++)
        {
            dz[o] = "dz" + k + "_" + Literals.Int(o);
            writer.WriteLine($"float {dz[o]} = {ActivationCode.Backward(stage.Activation, z[o], output[o], gradients[o])};");
        }

        // The input gradient reads the weights before this stage's update.
        if (needsInputGradient)
        {
            string previous = Literals.Int(stage.Index - 1);
            for (int j = 0; j < layer.InFeatures; j++)
            {
                var sum = new StringBuilder();
                foreach ((int weight, int reader) in taps.Backward[j])
                {
                    sum.Append(sum.Length == 0 ? string.Empty : " + ").Append("p[").Append(Literals.Int(weightOffset + weight)).Append("] * ").Append(dz[reader]);
                }

                // An input no window reads (a stride that skips it) has a zero gradient: the constant itself, not a local
                // assigned a constant, which the compiler warns about (CS0219) when the stage before ignores it.
                if (sum.Length == 0)
                {
                    inputGradients[j] = "0f";
                    continue;
                }

                inputGradients[j] = "d" + previous + "_" + Literals.Int(j);
                writer.WriteLine($"float {inputGradients[j]} = {sum};");
            }
        }

        // Each weight's gradient, its terms in Backward's order (outputs ascending), then the SGD update.
        var terms = new SortedDictionary<int, List<string>>();
        for (int o = 0; o < layer.OutFeatures; o++)
        {
            foreach ((int weight, int inputIndex) in taps.Forward[o])
            {
                Terms(terms, weight).Add(dz[o] + " * " + input[inputIndex]);
            }
        }

        foreach (KeyValuePair<int, List<string>> weight in terms)
        {
            writer.WriteLine($"p[{weightOffset + weight.Key}] += {Sum(weight.Value)} * step;");
        }

        if (layer.Tensor("bias") is { } bias)
        {
            var biasTerms = new SortedDictionary<int, List<string>>();
            for (int o = 0; o < layer.OutFeatures; o++)
            {
                Terms(biasTerms, taps.BiasIndex[o]).Add(dz[o]);
            }

            foreach (KeyValuePair<int, List<string>> b in biasTerms)
            {
                writer.WriteLine($"p[{bias.Offset + b.Key}] += {Sum(b.Value)} * step;");
            }
        }
    }

    /// <summary>
    /// The step the fused one equals, run through the checked stage code while numeric checks are on, so that a NaN is
    /// named at its layer; the gradient buffer is restored afterwards, as the fused step never touches it.
    /// </summary>
    private static void EmitCheckedStep(SourceWriter writer)
    {
        writer.WriteLine("// TrainStep while NumericChecks are on: the separate calls it equals, each checked, leaving Gradients as it was.");
        writer.OpenBlock("private float CheckedTrainStep(in Input input, global::System.ReadOnlySpan<float> target, global::NetDsl.ILoss loss, float learningRate)");
        writer.WriteLine("float[] gradients = _gradients.Span.ToArray();");
        writer.OpenBlock("try");
        writer.WriteLine("ZeroGradients();");
        writer.WriteLine("Output prediction = default;");
        writer.WriteLine("ForwardTraining(input, prediction);");
        writer.WriteLine("Output outputGradient = default;");
        writer.WriteLine("float lossValue = loss.ComputeWithGradient(prediction, target, outputGradient);");
        writer.WriteLine("Backward(outputGradient);");
        writer.WriteLine("new global::NetDsl.Sgd(learningRate).Step(_parameters.Span, _gradients.Span);");
        writer.WriteLine("return lossValue;");
        writer.CloseBlock();
        writer.OpenBlock("finally");
        writer.WriteLine("global::System.MemoryExtensions.CopyTo(gradients, _gradients.Span);");
        writer.WriteLine("_recordedBatch = 0;");
        writer.CloseBlock();
        writer.CloseBlock();
        writer.WriteLine();
    }

    private static List<string> Terms(SortedDictionary<int, List<string>> terms, int index)
    {
        if (!terms.TryGetValue(index, out List<string>? list))
        {
            list = new List<string>();
            terms[index] = list;
        }

        return list;
    }

    // A single term stays bare; several are summed left to right, as Backward's += does starting from zero.
    private static string Sum(List<string> terms) => terms.Count == 1 ? "(" + terms[0] + ")" : "(" + string.Join(" + ", terms) + ")";

    private static string WeightedSum(AffineTaps taps, int o, int weightOffset, int biasOffset, string[] input)
    {
        var sum = new StringBuilder();
        if (biasOffset >= 0)
        {
            sum.Append("p[").Append(Literals.Int(biasOffset + taps.BiasIndex[o])).Append(']');
        }

        foreach ((int w, int j) in taps.Forward[o])
        {
            sum.Append(sum.Length > 0 ? " + " : string.Empty).Append("p[").Append(Literals.Int(weightOffset + w)).Append("] * ").Append(input[j]);
        }

        return sum.Length == 0 ? "0f" : sum.ToString();
    }
}
