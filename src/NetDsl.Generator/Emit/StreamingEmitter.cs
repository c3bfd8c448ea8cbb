using System.Linq;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Emit;

/// <summary>
/// The streaming API of a sequence network that starts with one unidirectional recurrent layer returning its final state
/// (<c>[Input(T, F)] [LSTM(h, ReturnSequences = false)] ...head</c>): a <c>StreamState</c> value the caller owns, and
/// <c>Step</c>, which advances it by one step of F features and returns the network's output as if the sequence ended
/// there. The head's stages run for one sample on a per-thread workspace, so one model serves many streams on any
/// threads. Streaming T steps from a default state gives the bits of <c>Forward</c> on the whole sequence.
/// </summary>
internal static class StreamingEmitter
{
    public static bool Applies(NetworkPlan plan) =>
        plan.Stages.Count > 0
        && plan.Stages[0].Kind == StageKind.Recurrent
        && plan.Layers[plan.Stages[0].LayerIndex].HyperParameters is RecurrentParameters { Bidirectional: false, ReturnSequences: false };

    /// <summary>Floats of state per stream: the recurrent layer's hidden states, and an LSTM's cell states.</summary>
    private static int StateSize(PlannedLayer recurrent)
    {
        RecurrentParameters p = recurrent.HyperParametersAs<RecurrentParameters>();
        return p.Layers * p.Hidden * (recurrent.Kind == LayerKind.LSTM ? 2 : 1);
    }

    public static void Emit(SourceWriter writer, NetworkPlan plan)
    {
        Stage first = plan.Stages[0];
        PlannedLayer recurrent = plan.Layers[first.LayerIndex];
        int stateSize = StateSize(recurrent);
        int features = plan.InputShape.Dimensions[1];
        int hidden = recurrent.OutFeatures;
        int[] headWidths = plan.Stages.Skip(1).Select(s => s.OutputWidth).ToArray();
        int workspace = hidden + headWidths.Take(System.Math.Max(0, headWidths.Length - 1)).Sum();

        writer.WriteLine($"/// <summary>The features of one step of a stream, {Literals.Int(features)}.</summary>");
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

        if (plan.Stages.Count > 1)
        {
            writer.WriteLine("// The head's activations for one step, per thread: Step may run on many threads at once.");
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

        writer.WriteLine("/// <summary>Advances <paramref name=\"state\"/> by one step of <paramref name=\"features\"/> and writes the output the network gives a sequence that ends with this step.</summary>");
        writer.WriteLine("/// <exception cref=\"global::System.ArgumentException\">A span has the wrong length.</exception>");
        writer.OpenBlock("public void Step(ref StreamState state, global::System.ReadOnlySpan<float> features, global::System.Span<float> output)");
        writer.WriteLine($"{TypeNames.Guard}.Length(features.Length, StepSize, nameof(features));");
        writer.WriteLine($"{TypeNames.Guard}.Length(output.Length, OutputSize, nameof(output));");
        writer.WriteLine("global::System.ReadOnlySpan<float> p = _parameters.Span;");
        writer.WriteLine("global::System.Span<float> r = _buffers;");
        int count = plan.Stages.Count;
        if (count > 1)
        {
            writer.WriteLine("const int batch = 1;");
            writer.WriteLine($"float[] workspace = t_streamWorkspace ??= new float[{workspace}];");
        }

        writer.WriteLine($"global::System.Span<float> s1 = {(count == 1 ? "output" : $"global::System.MemoryExtensions.AsSpan(workspace, 0, {hidden})")};");
        int offset = hidden;
        for (int k = 2; k <= count; k++)
        {
            int width = plan.Stages[k - 1].OutputWidth;
            writer.WriteLine(k == count
                ? $"global::System.Span<float> s{k} = output;"
                : $"global::System.Span<float> s{k} = global::System.MemoryExtensions.AsSpan(workspace, {offset}, {width});");
            offset += k == count ? 0 : width;
        }

        writer.WriteLine();
        writer.WriteLine(StageDescription.Of(plan, first));
        writer.WriteLine($"{TypeNames.RecurrentKernels}.Step(in {GeometryField.Name(first)}, features, {RecurrentStageEmitter.Parameters(recurrent, "p")}, state, s1);");
        writer.WriteLine();
        foreach (Stage stage in plan.Stages.Skip(1))
        {
            string previous = "s" + Literals.Int(stage.Index - 1);
            string current = "s" + Literals.Int(stage.Index);
            NetworkEmitter.EmitterFor(stage).EmitForward(writer, plan, stage, new StageContext(previous, current, string.Empty, string.Empty, null, null, Training: false, ActivationPrefix: "s"));
        }

        writer.CloseBlock();
        writer.WriteLine();
    }
}
