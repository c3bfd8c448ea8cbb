using System.Linq;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Emit;

/// <summary>
/// Plans the layout of each activation span of the inference pass (<c>RunStages</c>): planar (<c>[C, H, W]</c> per
/// sample, PyTorch's) or channels-last (<c>[H, W, C]</c>). The channels-last convolution computes with the channels in
/// the vector lanes; between two such stages a planar activation costs a transposition on each side (about a fifth of
/// a 14x14x64 layer's time at batch 64). So the activations between consecutive convolution and max-pool stages, with
/// only element-wise activations, inference dropout and batch normalization in between, stay channels-last.
/// </summary>
/// <remarks>
/// A run of spans is channels-last when the stage that writes its first span and the stage that reads its last can
/// convert (a convolution that takes the channels-last kernel, or a max pool), at least one of them is such a
/// convolution, every span in it has the same shape, and none is the input of a residual block. A convolution that
/// would take the row kernel on planar activations also writes a run when it has 32 output channels or more: there the
/// channels-last kernel is as fast (a first layer of 1 -> 32 channels on 28x28 at batch 64: 290 against 348 us) and the
/// max pool after it runs on channel vectors (153 against 324 us with the planar pool and its conversion); with 8 or 16
/// outputs the row kernel stays faster on wide maps (1 -> 16 on 28x28: 318 against 361 us for both), but not on maps
/// narrower than 12 with 16 outputs or more, where the planar pool's conversion weighs more than the row kernel's lead
/// (the digits CNN's 1 -> 16 on 8x8 at batch 64: 2.0 against 1.7 us per image for the whole network). The network's input and output, and
/// everything the training, streaming and unrolled code see, stay planar.
/// </remarks>
internal static class InferenceLayouts
{
    /// <summary>For each span <c>s0</c>..<c>sN</c> of the inference pass, whether it holds channels-last activations.</summary>
    public static bool[] Plan(NetworkPlan plan)
    {
        int count = plan.Stages.Count;
        var channelsLast = new bool[count + 1];
        var residualInputs = plan.Stages.Where(s => s.ResidualSource >= 0).Select(s => s.ResidualSource).ToArray();
        int first = 1;
        while (first < count)
        {
            // The run of spans s[first..last]: stage `first` writes s[first], stages first+1..last are layout-agnostic and
            // stage last+1 reads s[last]. (Stage k is plan.Stages[k - 1]; s[count] is the output, always planar.)
            int last = first;
            while (last + 1 < count && IsLayoutAgnostic(plan.Stages[last]))
            {
                last++;
            }

            Stage writer = plan.Stages[first - 1];
            Stage reader = plan.Stages[last];
            bool keep = Writes(plan, writer) && Converts(plan, reader)
                && (writer.Kind == StageKind.Convolution || ChannelsLastConvolution(plan, reader))
                && Enumerable.Range(first, last - first + 1).All(k => !residualInputs.Contains(k))
                && SameShape(plan, first, last);
            for (int k = first; k <= last; k++)
            {
                channelsLast[k] = keep;
            }

            first = last + 1;
        }

        return channelsLast;
    }

    /// <summary>
    /// Whether the ReLU of stage <paramref name="stage"/> — fused into a convolution, or a lone ReLU stage (after a batch
    /// normalization, typically) — can run after the max pool that follows it, on a quarter of the values (for a 2x2
    /// pool): <c>relu(max(window)) = max(relu(window))</c> exactly, ReLU being monotonic and exact (NaN stays NaN, -0
    /// becomes +0 either way). A lone ReLU stage then emits nothing, and the pool reads the stage's input.
    /// </summary>
    public static bool ReLUAfterPool(NetworkPlan plan, Stage stage) =>
        stage.Kind is StageKind.Convolution or StageKind.Activation && !stage.IsUnrolled && stage.Activation is { Name: "ReLU" }
        && stage.Index < plan.Stages.Count && plan.Stages[stage.Index] is { Kind: StageKind.Pool, IsUnrolled: false } pool
        && plan.Layers[pool.LayerIndex].Kind is LayerKind.MaxPool1D or LayerKind.MaxPool2D
        && !plan.Stages.Any(s => s.ResidualSource == stage.Index);

    /// <summary>
    /// Whether the max pool after convolution stage <paramref name="stage"/> runs inside the convolution's kernel
    /// (<c>ConvolutionKernels.ForwardPooled</c>): each group of samples is pooled while its outputs are in cache, so the
    /// full-size output is never written and read back (N4's first layer: 6.4 MB at batch 64). The convolution writes
    /// channels-last (its kernel is the channels-last one), has no activation or a ReLU that runs after the pool, and
    /// nothing else reads its output.
    /// </summary>
    public static bool PoolFusedIntoConvolution(NetworkPlan plan, Stage stage, bool[] channelsLast) =>
        stage.Kind == StageKind.Convolution && !stage.IsUnrolled && channelsLast[stage.Index]
        && (stage.Activation is null || !ActivationCode.Applies(stage.Activation) || ReLUAfterPool(plan, stage))
        && stage.Index < plan.Stages.Count && plan.Stages[stage.Index] is { Kind: StageKind.Pool, IsUnrolled: false } pool
        && plan.Layers[pool.LayerIndex].Kind is LayerKind.MaxPool1D or LayerKind.MaxPool2D
        && !plan.Stages.Any(s => s.ResidualSource == stage.Index);

    /// <summary>The rule of the runtime's <c>ChannelsLastConvolution.Applies</c> on a machine with 256-bit vectors (kept equal by a test): which convolutions take the channels-last kernel.</summary>
    public static bool TakesChannelsLastKernel(int inChannels, int outChannels, int outWidth, int strideHeight, int strideWidth)
    {
        bool rowKernel = strideHeight == 1 && strideWidth == 1 && outWidth >= 8;
        return !rowKernel
            || (inChannels >= 16 && outChannels >= 16)
            || (inChannels >= 8 && outChannels >= 16 && outWidth < 12)
            || (inChannels >= 4 && outChannels >= 8 && outWidth < 10);
    }

    // Element-wise stages keep the layout they read: an activation, inference dropout (a copy), batch normalization.
    private static bool IsLayoutAgnostic(Stage stage) => stage.Kind is StageKind.Activation or StageKind.Dropout or StageKind.BatchNorm;

    // A stage that can write the first span of a run: one that converts, or a convolution with many outputs or a narrow map (see the remarks).
    private static bool Writes(NetworkPlan plan, Stage stage)
    {
        if (Converts(plan, stage))
        {
            return true;
        }

        if (stage.IsUnrolled || stage.Kind != StageKind.Convolution)
        {
            return false;
        }

        Shape output = plan.Layers[stage.LayerIndex].OutputShape;
        int channels = output.Dimensions[0];
        return channels >= 32 || (channels >= 16 && output.Dimensions[output.Rank - 1] < 12);
    }

    private static bool Converts(NetworkPlan plan, Stage stage) =>
        ChannelsLastConvolution(plan, stage)
        || (!stage.IsUnrolled && stage.Kind == StageKind.Pool && plan.Layers[stage.LayerIndex].Kind is LayerKind.MaxPool1D or LayerKind.MaxPool2D);

    private static bool ChannelsLastConvolution(NetworkPlan plan, Stage stage)
    {
        if (stage.IsUnrolled || stage.Kind != StageKind.Convolution)
        {
            return false;
        }

        PlannedLayer layer = plan.Layers[stage.LayerIndex];
        Window w = layer.Window!;
        int outWidth = layer.OutputShape.Dimensions[layer.OutputShape.Rank - 1];
        return TakesChannelsLastKernel(layer.InputShape.Dimensions[0], layer.OutputShape.Dimensions[0], outWidth, w.StrideHeight, w.StrideWidth);
    }

    // Spans s[first..last] all have the shape stage `first` writes, and stage last+1 reads it (no Reshape between).
    private static bool SameShape(NetworkPlan plan, int first, int last)
    {
        Shape shape = plan.Layers[plan.Stages[first - 1].LayerIndex].OutputShape;
        if (shape.Rank < 2)
        {
            return false;
        }

        for (int stage = first + 1; stage <= last + 1; stage++)
        {
            if (!plan.Layers[plan.Stages[stage - 1].LayerIndex].InputShape.Equals(shape))
            {
                return false;
            }
        }

        return true;
    }
}
