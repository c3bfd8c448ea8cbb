using System.Linq;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Emit;

/// <summary>
/// The training passes of a network with batch normalization: split at each batch normalization layer into segments,
/// the <c>ISegmentedTraining</c> contract, so that a batch trained in chunks is normalized with the whole batch's
/// statistics. <c>ForwardTraining</c> and <c>Backward</c> run every segment back to back.
/// </summary>
internal static class SegmentedTrainingEmitter
{
    public const string Interface = "global::NetDsl.Generated.ISegmentedTraining";

    private const string Statistics = "global::NetDsl.Generated.BatchNormStatistics";

    public static bool Applies(NetworkPlan plan) => plan.BatchNormStages.Length > 0;

    public static void EmitStorage(SourceWriter writer, NetworkPlan plan)
    {
        Stage[] batchNorms = plan.BatchNormStages;
        writer.WriteLine($"// Training passes are split at the batch normalization layers into segments 0..{batchNorms.Length}; each layer's statistics of the batch ({LayerList(plan, batchNorms)}) are where the segments meet.");
        writer.WriteLine($"private const int LastTrainingSegment = {batchNorms.Length};");
        writer.WriteLine($"private readonly {Statistics}[] _batchStatistics = [{string.Join(", ", batchNorms.Select(s => "new(" + Literals.Int(plan.Layers[s.LayerIndex].InputShape.Dimensions[0]) + ")"))}];");
        writer.WriteLine("private int _segmentBatch;");
        writer.WriteLine("private int _nextForwardSegment;");
        writer.WriteLine("private int _nextBackwardSegment;");
    }

    public static void EmitPasses(SourceWriter writer, NetworkPlan plan)
    {
        EmitForward(writer, plan);
        EmitBackward(writer, plan);
    }

    public static void EmitInterfaceImplementation(SourceWriter writer)
    {
        writer.WriteLine($"global::System.ReadOnlySpan<{Statistics}> {Interface}.BatchStatistics => _batchStatistics;");
        writer.WriteLine($"void {Interface}.ForwardTrainingSegment(int segment, global::System.ReadOnlySpan<float> inputs, global::System.Span<float> outputs) => ForwardTrainingSegment(segment, inputs, outputs);");
        writer.WriteLine($"void {Interface}.BackwardSegment(int segment, global::System.ReadOnlySpan<float> outputGradients, global::System.Span<float> inputGradients, bool computeInputGradients) => BackwardSegment(segment, outputGradients, inputGradients, computeInputGradients);");
    }

    private static void EmitForward(SourceWriter writer, NetworkPlan plan)
    {
        string name = plan.Spec.ClassName;
        int count = plan.Stages.Count;

        writer.WriteLine("/// <inheritdoc/>");
        writer.OpenBlock("public void ForwardTraining(global::System.ReadOnlySpan<float> inputs, global::System.Span<float> outputs)");
        writer.WriteLine("// This network holds the whole batch: each batch normalization's statistics are the batch's as soon as they are");
        writer.WriteLine("// measured, so the segments run back to back (data-parallel training combines its chunks' statistics in between).");
        writer.OpenBlock("for (int segment = 0; segment <= LastTrainingSegment; segment++)");
        writer.WriteLine("ForwardTrainingSegment(segment, inputs, outputs);");
        writer.CloseBlock();
        writer.CloseBlock();
        writer.WriteLine();

        writer.WriteLine("// The training forward pass, segment by segment (ISegmentedTraining): segment l ends with the moments of batch normalization l's");
        writer.WriteLine("// input over these samples, and segment l + 1 starts by normalizing with the whole batch's.");
        writer.OpenBlock("private void ForwardTrainingSegment(int segment, global::System.ReadOnlySpan<float> inputs, global::System.Span<float> outputs)");
        writer.WriteLine($"int batch = {TypeNames.Guard}.BatchSize(inputs.Length, InputSize, outputs.Length, OutputSize, nameof(inputs), nameof(outputs));");
        writer.OpenBlock("if (segment == 0)");
        writer.WriteLine("EnsureTrainingCapacity(batch);");
        writer.WriteLine("_segmentBatch = batch;");
        writer.CloseBlock();
        writer.OpenBlock("else");
        writer.WriteLine($"{TypeNames.Guard}.Segment(segment, _nextForwardSegment, LastTrainingSegment, {Literals.String(name + ".ForwardTrainingSegment")});");
        writer.WriteLine($"{TypeNames.Guard}.Length(inputs.Length, _segmentBatch * InputSize, nameof(inputs));");
        writer.CloseBlock();
        writer.WriteLine();
        writer.WriteLine("_nextForwardSegment = -1; // a segment that throws ends the pass");
        writer.WriteLine("global::System.ReadOnlySpan<float> p = _parameters.ReadOnlySpan;");
        writer.WriteLine("global::System.Span<float> r = _buffers;");
        NetworkEmitter.DeclareWorkspace(writer, plan, "global::System.Span<float>");
        writer.WriteLine();
        writer.OpenBlock("switch (segment)");
        int segment = 0;
        OpenCase(writer, segment);
        writer.WriteLine("inputs.CopyTo(a0);");
        NumericCheckCode.Inputs(writer, plan, "a0");
        writer.WriteLine();
        foreach (Stage stage in plan.Stages)
        {
            StageContext context = NetworkEmitter.TrainingForwardContext(stage);
            if (stage.Kind != StageKind.BatchNorm)
            {
                NetworkEmitter.EmitterFor(stage).EmitForward(writer, plan, stage, context);
                NumericCheckCode.StageOutputs(writer, plan, stage, context.Output);
                continue;
            }

            string statistics = StatisticsOf(segment);
            BatchNormStageEmitter.EmitMoments(writer, plan, stage, context, statistics, segment + 1);
            CloseCase(writer);
            segment++;
            OpenCase(writer, segment);
            BatchNormStageEmitter.EmitNormalization(writer, plan, stage, context, statistics);
            NumericCheckCode.StageOutputs(writer, plan, stage, context.Output);
        }

        writer.WriteLine($"a{count}.CopyTo(outputs);");
        writer.WriteLine("_recordedBatch = batch;");
        writer.WriteLine("_nextBackwardSegment = 0;");
        CloseCase(writer);
        writer.CloseBlock();
        writer.WriteLine();
        writer.WriteLine("_nextForwardSegment = segment + 1;");
        writer.CloseBlock();
        writer.WriteLine();
    }

    private static void EmitBackward(SourceWriter writer, NetworkPlan plan)
    {
        string name = plan.Spec.ClassName;
        Stage[] batchNorms = plan.BatchNormStages;
        int count = plan.Stages.Count;

        NetworkEmitter.EmitBackwardOverloads(writer);

        writer.OpenBlock("private void BackwardCore(global::System.ReadOnlySpan<float> outputGradients, global::System.Span<float> inputGradients, bool computeInputGradients)");
        writer.WriteLine("// As in ForwardTraining, the sums each batch normalization needs are the whole batch's as soon as they are measured.");
        writer.OpenBlock("for (int segment = 0; segment <= LastTrainingSegment; segment++)");
        writer.WriteLine("BackwardSegment(segment, outputGradients, inputGradients, computeInputGradients);");
        writer.CloseBlock();
        writer.CloseBlock();
        writer.WriteLine();

        writer.WriteLine("// The backward pass, segment by segment (ISegmentedTraining): segment s ends with the gradient sums of the batch normalization");
        writer.WriteLine("// s from the end over these samples, and segment s + 1 starts with its input gradient from the whole batch's sums.");
        writer.OpenBlock("private void BackwardSegment(int segment, global::System.ReadOnlySpan<float> outputGradients, global::System.Span<float> inputGradients, bool computeInputGradients)");
        writer.WriteLine("int batch = _recordedBatch;");
        writer.OpenBlock("if (batch == 0)");
        writer.WriteLine($"{TypeNames.Guard}.ThrowNoRecordedForward({Literals.String(name)});");
        writer.CloseBlock();
        writer.WriteLine();
        writer.OpenBlock("if (segment != 0)");
        writer.WriteLine($"{TypeNames.Guard}.Segment(segment, _nextBackwardSegment, LastTrainingSegment, {Literals.String(name + ".BackwardSegment")});");
        writer.CloseBlock();
        writer.WriteLine();
        writer.WriteLine($"{TypeNames.Guard}.Length(outputGradients.Length, batch * OutputSize, nameof(outputGradients));");
        writer.OpenBlock("if (computeInputGradients)");
        writer.WriteLine($"{TypeNames.Guard}.Length(inputGradients.Length, batch * InputSize, nameof(inputGradients));");
        writer.CloseBlock();
        writer.WriteLine();
        writer.WriteLine("_nextBackwardSegment = -1; // a segment that throws ends the pass");
        NetworkEmitter.DeclareBackwardWorkspace(writer, plan);
        writer.WriteLine();
        writer.OpenBlock("switch (segment)");
        int segment = 0;
        OpenCase(writer, segment);
        NumericCheckCode.ArrivingGradients(writer, plan, "outputGradients");
        writer.WriteLine($"outputGradients.CopyTo(d{count});");
        writer.WriteLine();
        for (int k = count; k >= 1; k--)
        {
            Stage stage = plan.Stages[k - 1];
            StageContext context = NetworkEmitter.BackwardContext(stage);
            if (stage.Kind == StageKind.BatchNorm)
            {
                string statistics = StatisticsOf(batchNorms.Length - 1 - segment);
                BatchNormStageEmitter.EmitGradientSums(writer, plan, stage, context, statistics, segment + 1);
                CloseCase(writer);
                segment++;
                OpenCase(writer, segment);
                BatchNormStageEmitter.EmitInputGradient(writer, plan, stage, context, statistics);
            }
            else
            {
                NetworkEmitter.EmitterFor(stage).EmitBackward(writer, plan, stage, context);
            }

            NetworkEmitter.EmitSkippedGradients(writer, plan, stage);
            NumericCheckCode.StageGradients(writer, plan, stage, context);
            if (k > 1)
            {
                writer.WriteLine();
            }
        }

        CloseCase(writer);
        writer.CloseBlock();
        writer.WriteLine();
        writer.WriteLine("_nextBackwardSegment = segment + 1;");
        writer.CloseBlock();
        writer.WriteLine();
    }

    private static string StatisticsOf(int layer) => "_batchStatistics[" + Literals.Int(layer) + "]";

    private static void OpenCase(SourceWriter writer, int segment)
    {
        if (segment > 0)
        {
            writer.WriteLine();
        }

        writer.WriteLine($"case {segment}:");
        writer.OpenBlock();
    }

    private static void CloseCase(SourceWriter writer)
    {
        writer.WriteLine("break;");
        writer.CloseBlock();
    }

    private static string LayerList(NetworkPlan plan, Stage[] batchNorms) => string.Join(", ", batchNorms.Select(s => "'" + plan.Layers[s.LayerIndex].Name + "'"));
}
