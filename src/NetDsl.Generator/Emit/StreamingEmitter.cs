using System.Linq;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Emit;

/// <summary>
/// The streaming API of a network that has a <see cref="StreamingForm"/>: a <c>StreamState</c> value the caller owns,
/// holding every recurrent layer's states, and <c>Step</c>, which advances it by one step (F features, or one token) through
/// each layer in order and returns that step's output: the network's output as if the sequence ended there, or, when the
/// network returns every step, that step's row (<c>StepOutput</c>). The stages run for one step on a per-thread workspace,
/// so one model serves many streams on any threads. Streaming T steps from a default state gives the bits of
/// <c>Forward</c> on the whole sequence: each stage's step is its whole-sequence code on one step (the same kernels, the
/// recurrent layers' <c>RecurrentKernels.Step</c> sharing the cell arithmetic of their whole-sequence pass).
/// </summary>
internal static class StreamingEmitter
{
    public static bool Applies(NetworkPlan plan) => StreamingForm.Of(plan) is not null;

    public static void Emit(SourceWriter writer, NetworkPlan plan)
    {
        StreamingForm form = StreamingForm.Of(plan)!;
        bool tokens = form.StepPlan.Stages[0].Kind == StageKind.Embedding;
        int features = tokens ? 1 : plan.InputShape.Dimensions[1];
        writer.WriteLine(tokens
            ? "/// <summary>One step of a stream is one token index.</summary>"
            : $"/// <summary>The features of one step of a stream, {Literals.Int(features)}.</summary>");
        writer.WriteLine($"public const int StepSize = {features};");
        writer.WriteLine();
        if (form.ReturnsEveryStep)
        {
            writer.WriteLine($"/// <summary>The number of floats one step returns, of shape {form.StepOutputShape}: one row of an output of shape {plan.OutputShape}.</summary>");
            writer.WriteLine($"public const int StepOutputSize = {form.StepOutputSize};");
            writer.WriteLine();
            NetworkEmitter.EmitSampleStruct(writer, "StepOutput", "step's output", form.StepOutputShape, form.StepOutputSize);
        }

        EmitStreamState(writer, plan, form);
        int[] widths = form.StepPlan.Stages.Select(s => s.OutputWidth).ToArray();
        int workspace = widths.Take(widths.Length - 1).Sum();
        if (workspace > 0)
        {
            writer.WriteLine("// The stages' activations for one step, per thread: Step may run on many threads at once.");
            writer.WriteLine("[global::System.ThreadStatic]");
            writer.WriteLine("private static float[]? t_streamWorkspace;");
            writer.WriteLine();
        }

        EmitReturningOverloads(writer, form, tokens, features);
        writer.WriteLine($"/// <summary>Advances <paramref name=\"state\"/> by one step of <paramref name=\"features\"/> and writes {Returned(form)}.</summary>");
        writer.WriteLine("/// <exception cref=\"global::System.ArgumentException\">A span has the wrong length.</exception>");
        writer.OpenBlock("public void Step(ref StreamState state, global::System.ReadOnlySpan<float> features, global::System.Span<float> output)");
        writer.WriteLine($"{TypeNames.Guard}.Length(features.Length, StepSize, nameof(features));");
        writer.WriteLine($"{TypeNames.Guard}.Length(output.Length, {(form.ReturnsEveryStep ? "StepOutputSize" : "OutputSize")}, nameof(output));");
        EmitStepBody(writer, plan, form, widths, workspace);
        writer.CloseBlock();
        writer.WriteLine();
    }

    private static string Returned(StreamingForm form) =>
        form.ReturnsEveryStep ? "this step's output" : "the output the network gives a sequence that ends with this step";

    /// <summary>The <c>Step</c> overloads that return the step's output as a value: for features, and for a token.</summary>
    private static void EmitReturningOverloads(SourceWriter writer, StreamingForm form, bool tokens, int features)
    {
        string outputType = form.ReturnsEveryStep ? "StepOutput" : "Output";
        writer.WriteLine($"/// <summary>Advances <paramref name=\"state\"/> by one step of <paramref name=\"features\"/> and returns {Returned(form)}.</summary>");
        writer.WriteLine($"/// <exception cref=\"global::System.ArgumentException\"><paramref name=\"features\"/> does not hold {Literals.Int(features)} floats.</exception>");
        writer.OpenBlock($"public {outputType} Step(ref StreamState state, global::System.ReadOnlySpan<float> features)");
        writer.WriteLine($"{outputType} output = default;");
        writer.WriteLine("Step(ref state, features, output);");
        writer.WriteLine("return output;");
        writer.CloseBlock();
        writer.WriteLine();
        if (!tokens)
        {
            return;
        }

        NetworkPlan step = form.StepPlan;
        int vocabulary = step.Layers[step.Stages[0].LayerIndex].HyperParametersAs<EmbeddingParameters>().Vocabulary;
        writer.WriteLine($"/// <summary>Advances <paramref name=\"state\"/> by the token <paramref name=\"token\"/> and returns {Returned(form).Replace("this step", "this token")}.</summary>");
        writer.WriteLine($"/// <exception cref=\"global::System.ArgumentOutOfRangeException\"><paramref name=\"token\"/> is not in [0, {Literals.Int(vocabulary)}).</exception>");
        writer.OpenBlock($"public {outputType} Step(ref StreamState state, int token)");
        writer.WriteLine("float index = token;");
        writer.WriteLine("return Step(ref state, new global::System.ReadOnlySpan<float>(in index));");
        writer.CloseBlock();
        writer.WriteLine();
    }

    /// <summary>Floats of state per stream of a recurrent layer: its hidden states, and an LSTM's cell states.</summary>
    private static int StateSize(PlannedLayer recurrent)
    {
        RecurrentParameters p = recurrent.HyperParametersAs<RecurrentParameters>();
        return p.Layers * p.Hidden * (recurrent.Kind == LayerKind.LSTM ? 2 : 1);
    }

    private static void EmitStreamState(SourceWriter writer, NetworkPlan plan, StreamingForm form)
    {
        PlannedLayer[] recurrent = form.RecurrentStages.Select(s => plan.Layers[s.LayerIndex]).ToArray();
        int stateSize = recurrent.Sum(StateSize);
        var parts = new string[recurrent.Length];
        int offset = 0;
        for (int i = 0; i < recurrent.Length; i++)
        {
            string cell = recurrent[i].Kind == LayerKind.LSTM ? " and cell" : string.Empty;
            string range = i == 0 ? "floats " : string.Empty;
            parts[i] = $"the hidden{cell} states of layer '{Literals.Xml(recurrent[i].Name)}' ({range}{Literals.Int(offset)} to {Literals.Int(offset + StateSize(recurrent[i]) - 1)})";
            offset += StateSize(recurrent[i]);
        }

        writer.WriteLine("/// <summary>");
        writer.WriteLine($"/// The state one stream carries between <see cref=\"Step(ref StreamState, global::System.ReadOnlySpan{{float}})\"/> calls, {Literals.Int(stateSize)} floats:");
        writer.WriteLine($"/// {string.Join("; ", parts)}. A value the caller owns: <c>default</c> starts a sequence");
        writer.WriteLine("/// (zero states, as PyTorch's), and each stream keeps its own.");
        writer.WriteLine("/// </summary>");
        writer.WriteLine($"[global::System.Runtime.CompilerServices.InlineArray({stateSize})]");
        writer.OpenBlock("public struct StreamState");
        writer.WriteLine("private float _element0;");
        writer.WriteLine();
        writer.WriteLine("/// <summary>Starts a new sequence: every state back to zero.</summary>");
        writer.WriteLine("public void Reset() => this = default;");
        writer.CloseBlock();
        writer.WriteLine();
    }

    /// <param name="widths">The floats of each stage's output in one step.</param>
    /// <param name="workspace">The floats of every stage's output but the last, which is the caller's span.</param>
    private static void EmitStepBody(SourceWriter writer, NetworkPlan plan, StreamingForm form, int[] widths, int workspace)
    {
        NetworkPlan step = form.StepPlan;
        int count = plan.Stages.Count;

        // The stages' code is written first, so that 'batch' is declared only where a stage reads it (CS0219 otherwise).
        var stages = new SourceWriter();
        string oneStep = $"on this step alone (a shape [1, F] is one of the sequence's {Literals.Int(form.Steps)} steps [{Literals.Int(form.Steps)}, F])";
        stages.WriteLine(form.ReturnsEveryStep
            ? $"// Every stage runs {oneStep}."
            : $"// The stages up to the final state run {oneStep}, the head on that state.");
        stages.WriteLine();

        int stateOffset = 0;
        foreach (Stage stage in form.StepStages)
        {
            Stage stepStage = step.Stages[stage.Index - 1];
            StageContext context = Context(stage);
            if (stage.Kind != StageKind.Recurrent)
            {
                NetworkEmitter.EmitterFor(stepStage).EmitForward(stages, step, stepStage, context);
                continue;
            }

            PlannedLayer layer = plan.Layers[stage.LayerIndex];
            string states = $"states.Slice({Literals.Int(stateOffset)}, {Literals.Int(StateSize(layer))})";
            stateOffset += StateSize(layer);
            stages.WriteLine(StageDescription.Of(step, stepStage));
            stages.WriteLine($"{TypeNames.RecurrentKernels}.Step(in {GeometryField.Name(stage)}, {context.Input}, {AffineStageEmitter.AllTensors(layer, "p")}, {states}, {context.Output});");
            stages.WriteLine();
        }

        foreach (Stage stage in form.HeadStages)
        {
            NetworkEmitter.EmitterFor(stage).EmitForward(stages, plan, stage, Context(stage));
        }

        string code = stages.ToString();
        writer.WriteLine("global::System.ReadOnlySpan<float> p = _parameters.ReadOnlySpan;");
        if (System.Text.RegularExpressions.Regex.IsMatch(code, @"\br\b"))
        {
            writer.WriteLine("global::System.Span<float> r = _buffers;"); // only where a stage reads buffers (running statistics)
        }

        writer.WriteLine("global::System.Span<float> states = state;");
        if (System.Text.RegularExpressions.Regex.IsMatch(code, @"\bbatch\b"))
        {
            writer.WriteLine("const int batch = 1;");
        }

        if (workspace > 0)
        {
            writer.WriteLine($"float[] workspace = t_streamWorkspace ??= new float[{workspace}];");
        }

        writer.WriteLine("global::System.ReadOnlySpan<float> s0 = features;");
        int offset = 0;
        for (int k = 1; k <= count; k++)
        {
            writer.WriteLine(k == count
                ? $"global::System.Span<float> s{k} = output;"
                : $"global::System.Span<float> s{k} = global::System.MemoryExtensions.AsSpan(workspace, {offset}, {widths[k - 1]});");
            offset += widths[k - 1];
        }

        writer.WriteLine();
        foreach (string line in code.TrimEnd('\n').Split('\n'))
        {
            writer.WriteLine(line);
        }
    }

    private static StageContext Context(Stage stage) =>
        new("s" + Literals.Int(stage.Index - 1), "s" + Literals.Int(stage.Index), string.Empty, string.Empty, null, null, Training: false, ActivationPrefix: "s");
}
