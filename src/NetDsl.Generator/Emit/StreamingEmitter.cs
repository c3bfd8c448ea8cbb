using System.Linq;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Emit;

/// <summary>
/// The streaming API of a sequence network that starts with one unidirectional recurrent layer returning its final state
/// (<c>[Input(T, F)] [LSTM(h, ReturnSequences = false)] ...head</c>), possibly behind an embedding
/// (<c>[Input(T)] [Embedding(V, D)] [GRU(h, ReturnSequences = false)] ...</c>): a <c>StreamState</c> value the caller
/// owns, and <c>Step</c>, which advances it by one step (F features, or one token) and returns the network's output as
/// if the sequence ended there. The head's stages run for one sample on a per-thread workspace, so one model serves many streams on any
/// threads. Streaming T steps from a default state gives the bits of <c>Forward</c> on the whole sequence.
/// </summary>
internal static class StreamingEmitter
{
    public static bool Applies(NetworkPlan plan) =>
        RecurrentStageIndex(plan) is int r
        && plan.Layers[plan.Stages[r].LayerIndex].HyperParameters is RecurrentParameters { Bidirectional: false, ReturnSequences: false };

    /// <summary>The position in the stages of the recurrent layer: 0, or 1 behind an embedding; null when neither.</summary>
    private static int? RecurrentStageIndex(NetworkPlan plan)
    {
        int r = plan.Stages.Count > 0 && plan.Stages[0].Kind == StageKind.Embedding ? 1 : 0;
        return plan.Stages.Count > r && plan.Stages[r].Kind == StageKind.Recurrent ? r : null;
    }

    /// <summary>Floats of state per stream: the recurrent layer's hidden states, and an LSTM's cell states.</summary>
    private static int StateSize(PlannedLayer recurrent)
    {
        RecurrentParameters p = recurrent.HyperParametersAs<RecurrentParameters>();
        return p.Layers * p.Hidden * (recurrent.Kind == LayerKind.LSTM ? 2 : 1);
    }

    public static void Emit(SourceWriter writer, NetworkPlan plan)
    {
        int r = RecurrentStageIndex(plan)!.Value;
        Stage recurrentStage = plan.Stages[r];
        PlannedLayer recurrent = plan.Layers[recurrentStage.LayerIndex];
        PlannedLayer? embedding = r == 1 ? plan.Layers[plan.Stages[0].LayerIndex] : null;
        int stateSize = StateSize(recurrent);
        int features = embedding is null ? plan.InputShape.Dimensions[1] : 1;
        int count = plan.Stages.Count;

        // One step's width of each stage's output: an embedding gives one row, the others their whole output.
        int[] widths = plan.Stages.Select(stage => stage.Kind == StageKind.Embedding ? embedding!.HyperParametersAs<EmbeddingParameters>().Dimension : stage.OutputWidth).ToArray();
        int workspace = widths.Take(count - 1).Sum();

        writer.WriteLine(embedding is null
            ? $"/// <summary>The features of one step of a stream, {Literals.Int(features)}.</summary>"
            : "/// <summary>One step of a stream is one token index.</summary>");
        writer.WriteLine($"public const int StepSize = {features};");
        writer.WriteLine();
        writer.WriteLine("/// <summary>");
        writer.WriteLine($"/// The state one stream carries between <see cref=\"Step(ref StreamState, global::System.ReadOnlySpan{{float}})\"/> calls: {Literals.Int(stateSize)} floats of");
        writer.WriteLine($"/// layer '{Literals.Xml(recurrent.Name)}''s hidden{(recurrent.Kind == LayerKind.LSTM ? " and cell" : string.Empty)} states. A value the caller owns: <c>default</c> starts a sequence");
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

        if (count > 1)
        {
            writer.WriteLine("// The other stages' activations for one step, per thread: Step may run on many threads at once.");
            writer.WriteLine("[global::System.ThreadStatic]");
            writer.WriteLine("private static float[]? t_streamWorkspace;");
            writer.WriteLine();
        }

        writer.WriteLine("/// <summary>Advances <paramref name=\"state\"/> by one step of <paramref name=\"features\"/> and returns the output the network gives a sequence that ends with this step.</summary>");
        writer.WriteLine($"/// <exception cref=\"global::System.ArgumentException\"><paramref name=\"features\"/> does not hold {Literals.Int(features)} floats.</exception>");
        writer.OpenBlock("public Output Step(ref StreamState state, global::System.ReadOnlySpan<float> features)");
        writer.WriteLine("Output output = default;");
        writer.WriteLine("Step(ref state, features, output);");
        writer.WriteLine("return output;");
        writer.CloseBlock();
        writer.WriteLine();

        if (embedding is not null)
        {
            writer.WriteLine("/// <summary>Advances <paramref name=\"state\"/> by the token <paramref name=\"token\"/> and returns the output the network gives a sequence that ends with it.</summary>");
            writer.WriteLine($"/// <exception cref=\"global::System.ArgumentOutOfRangeException\"><paramref name=\"token\"/> is not in [0, {Literals.Int(embedding.HyperParametersAs<EmbeddingParameters>().Vocabulary)}).</exception>");
            writer.OpenBlock("public Output Step(ref StreamState state, int token)");
            writer.WriteLine("float index = token;");
            writer.WriteLine("return Step(ref state, new global::System.ReadOnlySpan<float>(in index));");
            writer.CloseBlock();
            writer.WriteLine();
        }

        writer.WriteLine("/// <summary>Advances <paramref name=\"state\"/> by one step of <paramref name=\"features\"/> and writes the output the network gives a sequence that ends with this step.</summary>");
        writer.WriteLine("/// <exception cref=\"global::System.ArgumentException\">A span has the wrong length.</exception>");
        writer.OpenBlock("public void Step(ref StreamState state, global::System.ReadOnlySpan<float> features, global::System.Span<float> output)");
        writer.WriteLine($"{TypeNames.Guard}.Length(features.Length, StepSize, nameof(features));");
        writer.WriteLine($"{TypeNames.Guard}.Length(output.Length, OutputSize, nameof(output));");
        writer.WriteLine("global::System.ReadOnlySpan<float> p = _parameters.Span;");
        writer.WriteLine("global::System.Span<float> r = _buffers;");
        // The head's stage code is written first, so that 'batch' is declared only where a stage reads it (CS0219 otherwise).
        var head = new SourceWriter();
        foreach (Stage stage in plan.Stages.Skip(r + 1))
        {
            string previous = "s" + Literals.Int(stage.Index - 1);
            string current = "s" + Literals.Int(stage.Index);
            NetworkEmitter.EmitterFor(stage).EmitForward(head, plan, stage, new StageContext(previous, current, string.Empty, string.Empty, null, null, Training: false, ActivationPrefix: "s"));
        }

        string headCode = head.ToString();
        if (System.Text.RegularExpressions.Regex.IsMatch(headCode, @"\bbatch\b"))
        {
            writer.WriteLine("const int batch = 1;");
        }

        if (count > 1)
        {
            writer.WriteLine($"float[] workspace = t_streamWorkspace ??= new float[{workspace}];");
        }

        int offset = 0;
        for (int k = 1; k <= count; k++)
        {
            writer.WriteLine(k == count
                ? $"global::System.Span<float> s{k} = output;"
                : $"global::System.Span<float> s{k} = global::System.MemoryExtensions.AsSpan(workspace, {offset}, {widths[k - 1]});");
            offset += k == count ? 0 : widths[k - 1];
        }

        writer.WriteLine();
        if (embedding is not null)
        {
            EmbeddingParameters e = embedding.HyperParametersAs<EmbeddingParameters>();
            writer.WriteLine(StageDescription.Of(plan, plan.Stages[0]));
            writer.WriteLine($"{TypeNames.EmbeddingKernels}.Forward(features, {AffineStageEmitter.Slice("p", embedding.Tensor("weight")!)}, s1, 1, 1, {e.Vocabulary}, {e.Dimension});");
            writer.WriteLine();
        }

        string stepInput = embedding is null ? "features" : "s1";
        writer.WriteLine(StageDescription.Of(plan, recurrentStage));
        writer.WriteLine($"{TypeNames.RecurrentKernels}.Step(in {GeometryField.Name(recurrentStage)}, {stepInput}, {AffineStageEmitter.AllTensors(recurrent, "p")}, state, s{r + 1});");
        writer.WriteLine();
        foreach (string line in headCode.TrimEnd('\n').Split('\n'))
        {
            writer.WriteLine(line);
        }

        writer.CloseBlock();
        writer.WriteLine();
    }
}
