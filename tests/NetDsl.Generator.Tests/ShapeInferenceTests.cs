using System.Collections.Generic;
using System.Linq;
using NetDsl.Generator.Diagnostics;
using NetDsl.Generator.Model;
using NetDsl.Generator.Shapes;
using Xunit;

namespace NetDsl.Generator.Tests;

/// <summary>Shape inference as a pure function of hand-built specs: no compilation involved.</summary>
public sealed class ShapeInferenceTests
{
    [Fact]
    public void SeedNetwork_ShapesOffsetsAndParameterCounts()
    {
        // [Network][Input(3)][Linear(3, 2, Name = "fc1"), ReLU][Linear(2, 1, Name = "fc2")]
        NetworkPlan plan = InferValid(Spec(
            Input(3),
            Linear("fc1", 3, 2),
            Layer(LayerKind.ReLU),
            Linear("fc2", 2, 1)));

        Assert.Equal(new[] { 3 }, plan.InputShape.Dimensions);
        Assert.Equal(new[] { 1 }, plan.OutputShape.Dimensions);
        Assert.Equal(11, plan.ParameterCount);
        Assert.Equal(3, plan.Layers.Count);

        PlannedLayer fc1 = plan.Layers[0];
        Assert.Equal(("fc1", "Fc1", LayerKind.Linear), (fc1.Name, fc1.PropertyName, fc1.Kind));
        Assert.Equal(("[3]", "[2]"), (fc1.InputShape.ToString(), fc1.OutputShape.ToString()));
        Assert.Equal((0, 6, 8), (fc1.WeightOffset, fc1.BiasOffset, fc1.ParameterCount));

        PlannedLayer relu = plan.Layers[1];
        Assert.Equal(("1", LayerKind.ReLU), (relu.Name, relu.Kind));
        Assert.Equal(("[2]", "[2]"), (relu.InputShape.ToString(), relu.OutputShape.ToString()));
        Assert.Equal((-1, -1, 0), (relu.WeightOffset, relu.BiasOffset, relu.ParameterCount));

        PlannedLayer fc2 = plan.Layers[2];
        Assert.Equal(("fc2", "Fc2"), (fc2.Name, fc2.PropertyName));
        Assert.Equal(("[2]", "[1]"), (fc2.InputShape.ToString(), fc2.OutputShape.ToString()));
        Assert.Equal((8, 10, 3), (fc2.WeightOffset, fc2.BiasOffset, fc2.ParameterCount));
    }

    [Fact]
    public void UnnamedLayers_AreNamedByTheirPositionAsInNnSequential()
    {
        NetworkPlan plan = InferValid(Spec(
            Input(4),
            Linear(null, 3),
            Layer(LayerKind.ReLU),
            Linear(null, 2)));

        Assert.Equal(new[] { "0", "1", "2" }, plan.Layers.Select(l => l.Name));
        Assert.Equal("Layer0", plan.Layers[0].PropertyName);
        Assert.Equal("Layer2", plan.Layers[2].PropertyName);
        Assert.Equal(4 * 3 + 3 + (3 * 2) + 2, plan.ParameterCount);
    }

    [Fact]
    public void LinearWithoutBias_HasNoBiasOffset_AndTheNextLayerFollowsItsWeight()
    {
        NetworkPlan plan = InferValid(Spec(
            Input(3),
            Linear("a", 2) with { Options = new[] { new LayerOption("Bias", 0) }.ToEquatableArray() },
            Linear("b", 1)));

        Assert.Equal((0, -1, 6), (plan.Layers[0].WeightOffset, plan.Layers[0].BiasOffset, plan.Layers[0].ParameterCount));
        Assert.Equal((6, 8, 3), (plan.Layers[1].WeightOffset, plan.Layers[1].BiasOffset, plan.Layers[1].ParameterCount));
        Assert.Equal(9, plan.ParameterCount);
    }

    [Fact]
    public void Flatten_OfTwoByThreeByFour_GivesTwentyFour()
    {
        NetworkPlan plan = InferValid(Spec(
            Input(2, 3, 4),
            Layer(LayerKind.Flatten),
            Linear(null, 5)));

        Assert.Equal(new[] { 2, 3, 4 }, plan.InputShape.Dimensions);
        Assert.Equal(new[] { 24 }, plan.Layers[0].OutputShape.Dimensions);
        Assert.Equal(24, plan.Layers[1].InFeatures);
        Assert.Equal(24 * 5 + 5, plan.ParameterCount);
        Assert.Equal(24 * 5, plan.Layers[1].BiasOffset);

        // Flatten emits no code: the only stage is the Linear layer.
        Stage stage = Assert.Single(plan.Stages);
        Assert.Equal((1, 24, 5), (stage.LayerIndex, stage.InputWidth, stage.OutputWidth));
    }

    [Fact]
    public void LinearFollowedByAnActivation_IsOneStage()
    {
        NetworkPlan plan = InferValid(Spec(
            Input(3),
            Linear("fc1", 2),
            Layer(LayerKind.Sigmoid),
            Linear("fc2", 1)));

        Assert.Equal(2, plan.Stages.Count);
        Assert.Equal(new Stage(1, StageKind.Linear, 0, 1, new NetDsl.Generator.Catalog.ActivationFunction("Sigmoid", true, EquatableArray<double>.Empty, KernelMatchesScalar: false), 3, 2, IsUnrolled: true, ResidualSource: -1, AuxOffset: 0, AuxWidth: 0), plan.Stages[0]);
        Assert.Equal(new Stage(2, StageKind.Linear, 2, -1, null, 2, 1, IsUnrolled: true, ResidualSource: -1, AuxOffset: 0, AuxWidth: 0), plan.Stages[1]);
    }

    [Theory]
    [InlineData("Softplus")]
    [InlineData("Hardswish")]
    [InlineData("Mish")]
    [InlineData("SiLU")]
    public void ActivationWhoseBackwardNeedsItsInput_IsNotFused(string name)
    {
        LayerKind kind = System.Enum.Parse<LayerKind>(name);
        NetworkPlan plan = InferValid(Spec(
            Input(3),
            Linear("fc1", 2),
            Layer(kind),
            Linear("fc2", 1)));

        Assert.Equal(3, plan.Stages.Count);
        Assert.Null(plan.Stages[0].Activation);
        Assert.Equal(StageKind.Activation, plan.Stages[1].Kind);
        Assert.Equal(kind.ToString(), plan.Stages[1].Activation!.Name);
        Assert.False(plan.Stages[1].Activation!.BackwardFromOutput);
    }

    [Fact]
    public void ActivationNotAfterALinear_IsAStageOfItsOwn()
    {
        NetworkPlan plan = InferValid(Spec(
            Input(2, 2),
            Layer(LayerKind.Flatten),
            Layer(LayerKind.Tanh),
            Linear(null, 1)));

        Assert.Equal(2, plan.Stages.Count);
        Assert.Equal(new Stage(1, StageKind.Activation, 1, -1, new NetDsl.Generator.Catalog.ActivationFunction("Tanh", true, EquatableArray<double>.Empty, KernelMatchesScalar: false), 4, 4, IsUnrolled: true, ResidualSource: -1, AuxOffset: 0, AuxWidth: 0), plan.Stages[0]);
        Assert.Equal(new Stage(2, StageKind.Linear, 2, -1, null, 4, 1, IsUnrolled: true, ResidualSource: -1, AuxOffset: 0, AuxWidth: 0), plan.Stages[1]);
    }

    [Theory]
    [InlineData(32, true)]
    [InlineData(31, false)]
    [InlineData(0, false)]
    [InlineData(int.MaxValue, true)]
    public void LinearIsUnrolled_WhenInTimesOutIsAtMostTheUnrollLimit(int unrollLimit, bool unrolled)
    {
        NetworkPlan plan = InferValid(Spec(Input(4), Linear(null, 8)) with { UnrollLimit = unrollLimit });

        Assert.Equal(unrolled, Assert.Single(plan.Stages).IsUnrolled);
        Assert.Equal(unrolled, plan.IsFullyUnrolled);
    }

    [Theory]
    [InlineData(8, true)]
    [InlineData(7, false)]
    public void LoneActivationIsUnrolled_WhenItsWidthIsAtMostTheUnrollLimit(int unrollLimit, bool unrolled)
    {
        NetworkPlan plan = InferValid(Spec(Input(8), Layer(LayerKind.ReLU)) with { UnrollLimit = unrollLimit });

        Assert.Equal(unrolled, Assert.Single(plan.Stages).IsUnrolled);
    }

    [Fact]
    public void MixedUnrollDecisions_FollowEachStagesWork()
    {
        // Work: 4x8 = 32, 8x8 = 64, lone ReLU on 8 = 8, 8x16 = 128; limit 40.
        NetworkPlan plan = InferValid(Spec(
            Input(4),
            Linear(null, 8), Layer(LayerKind.Tanh),
            Linear(null, 8) with { Options = new[] { new LayerOption("Bias", 0) }.ToEquatableArray() }, Layer(LayerKind.Sigmoid),
            Layer(LayerKind.Flatten),
            Layer(LayerKind.ReLU),
            Linear(null, 16), Layer(LayerKind.ReLU)) with { UnrollLimit = 40 });

        Assert.Equal(new[] { true, false, true, false }, plan.Stages.Select(s => s.IsUnrolled));
        Assert.False(plan.IsFullyUnrolled);
        Assert.Equal(4 * 8 + 8 + (8 * 8) + (8 * 16) + 16, plan.ParameterCount);
    }

    [Fact]
    public void LinearInputMismatch_ReturnsNoPlan_AndOneDiagnosticOnTheLayersAttribute()
    {
        var diagnostics = new List<DiagnosticInfo>();

        NetworkPlan? plan = ShapeInference.Infer(Spec(Input(3), Linear("fc1", 3, 2), Layer(LayerKind.ReLU), Linear("fc2", 3, 1)), diagnostics);

        Assert.Null(plan);
        DiagnosticInfo diagnostic = Assert.Single(diagnostics);
        Assert.Same(DiagnosticDescriptors.LinearInputMismatch, diagnostic.Descriptor);
        Assert.Equal(4, diagnostic.AttributeIndex);
        Assert.Equal(new[] { "'fc2'", "2", "3", "1" }, diagnostic.MessageArguments);
    }

    [Fact]
    public void AWarningOnly_StillReturnsAPlan()
    {
        var diagnostics = new List<DiagnosticInfo>();

        NetworkPlan? plan = ShapeInference.Infer(Spec(Input(3), Linear(null, 2), Layer(LayerKind.ReLU), Layer(LayerKind.Tanh)), diagnostics);

        Assert.NotNull(plan);
        Assert.Same(DiagnosticDescriptors.ConsecutiveActivations, Assert.Single(diagnostics).Descriptor);
    }

    [Fact]
    public void TooManyParameters_ReportsTheTrueCount()
    {
        var diagnostics = new List<DiagnosticInfo>();

        NetworkPlan? plan = ShapeInference.Infer(Spec(Input(50000), Linear(null, 50000)), diagnostics);

        Assert.Null(plan);
        DiagnosticInfo diagnostic = Assert.Single(diagnostics);
        Assert.Same(DiagnosticDescriptors.NetworkTooLarge, diagnostic.Descriptor);
        Assert.Equal("2500050000", diagnostic.MessageArguments[1]);
    }

    [Fact]
    public void LinearSpecWithoutSizes_IsReportedNotThrown()
    {
        // The runtime's LinearAttribute always has one or two sizes; a spec without any must not crash inference.
        var diagnostics = new List<DiagnosticInfo>();

        NetworkPlan? plan = ShapeInference.Infer(Spec(Input(3), Layer(LayerKind.Linear)), diagnostics);

        Assert.Null(plan);
        Assert.Contains(diagnostics, d => d.IsError);
    }

    [Fact]
    public void Plans_CompareByValue()
    {
        // The incremental pipeline relies on it: two inferences of equal specs give equal plans.
        NetworkSpec spec = Spec(Input(3), Linear("fc1", 2), Layer(LayerKind.ReLU), Linear("fc2", 1));
        NetworkSpec copy = Spec(Input(3), Linear("fc1", 2), Layer(LayerKind.ReLU), Linear("fc2", 1));

        Assert.Equal(spec, copy);
        Assert.Equal(InferValid(spec), InferValid(copy));
        Assert.NotEqual(InferValid(spec), InferValid(spec with { UnrollLimit = 0 }));
    }

    private static NetworkPlan InferValid(NetworkSpec spec)
    {
        var diagnostics = new List<DiagnosticInfo>();
        NetworkPlan? plan = ShapeInference.Infer(spec, diagnostics);
        Assert.Empty(diagnostics);
        Assert.NotNull(plan);
        Assert.Same(spec, plan.Spec);
        return plan;
    }

    /// <summary>A spec as the parser builds it: [Network] is attribute 0 and the entries follow it in order.</summary>
    private static NetworkSpec Spec(params LayerSpec[] entries) => new(
        Namespace: "App",
        ClassName: "Net",
        IsRecord: false,
        ContainingTypes: EquatableArray<ContainingTypeSpec>.Empty,
        NetworkAttributeIndex: 0,
        UnrollLimit: 256,
        Layers: entries.Select((entry, i) => entry with { AttributeIndex = i + 1 }).ToEquatableArray());

    private static LayerSpec Input(params int[] shape) => new(LayerKind.Input, 0, "Input", null, shape.Select(d => (double)d).ToEquatableArray(), EquatableArray<LayerOption>.Empty);

    private static LayerSpec Linear(string? name, params int[] sizes) => new(LayerKind.Linear, 0, "Linear", name, sizes.Select(d => (double)d).ToEquatableArray(), EquatableArray<LayerOption>.Empty);

    private static LayerSpec Layer(LayerKind kind) => new(kind, 0, kind.ToString(), null, EquatableArray<double>.Empty, EquatableArray<LayerOption>.Empty);
}
