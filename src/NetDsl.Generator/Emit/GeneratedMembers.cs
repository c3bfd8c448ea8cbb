using System.Collections.Generic;

namespace NetDsl.Generator.Emit;

/// <summary>
/// Every member name the emitters declare in a network class besides the layers' view properties: the public API, the
/// private workspace and helpers, the members every object has, and the fallback's helper. A layer whose view property
/// would take one of these names is refused (NDSL0010) rather than breaking the build inside the generated file; a test
/// parses the generated code of networks of every stage kind and fails on a member missing here.
/// </summary>
internal static class GeneratedMembers
{
    /// <summary>The generated public API of every network (some members only for some networks: buffers, fused steps, pretrained weights).</summary>
    public static readonly string[] Public =
    {
        "InputSize", "OutputSize", "ParameterCount", "BufferCount", "InputShape", "OutputShape", "Summary", "Architecture",
        "Input", "Output", "Parameters", "Gradients", "Buffers", "ParameterTensors", "BufferTensors", "Layers",
        "Forward", "ForwardBatch", "ForwardTraining", "Backward", "ZeroGradients", "ResetParameters", "TrainStep",
        "Create", "CreatePretrained", "PretrainedParameters", "PretrainedBuffers",
        "ForwardTrainingSegment", "BackwardSegment", "LastTrainingSegment",
        "StepSize", "StepOutputSize", "StepOutput", "StreamState", "Step", "Quantized", "Quantize",
    };

    /// <summary>The members every class inherits from object.</summary>
    public static readonly string[] Inherited =
    {
        "Equals", "GetHashCode", "ToString", "GetType", "MemberwiseClone", "ReferenceEquals", "Finalize",
    };

    /// <summary>The generated private members: sizes, workspace, helpers, static tables, and the fallback's exception factory.</summary>
    public static readonly string[] Private =
    {
        "ActivationWidth", "MaxWidth", "AuxiliaryWidth", "ForwardSample", "FusedTrainStep", "FusedMeanSquaredErrorTrainStep", "CheckedTrainStep", "RunStages", "BackwardCore", "EnsureTrainingCapacity",
        "_parameters", "_gradients", "_buffers", "_activations", "_gradientScratch", "_auxiliary", "_trainingCapacity",
        "_recordedBatch", "_inferenceActivations", "_inferenceCapacity", "_dropoutRandom",
        "_batchStatistics", "_segmentBatch", "_nextForwardSegment", "_nextBackwardSegment",
        "s_layers", "s_parameterTensors", "s_bufferTensors", "NotGenerated", "t_streamWorkspace",
    };

    /// <summary>The prefix of the per-stage window geometry fields, <c>s_window3</c>.</summary>
    public const string WindowFieldPrefix = "s_window";

    private static readonly HashSet<string> All = new(Concat(Public, Inherited, Private));

    /// <summary>Every fixed name above, for callers that build sets of taken names.</summary>
    public static IEnumerable<string> Names => All;

    /// <summary>
    /// Whether the emitters declare a member named <paramref name="name"/> in some network class (the members every object
    /// inherits not counted: a class may override them).
    /// </summary>
    public static bool IsDeclaredInNetwork(string name) =>
        (System.Array.IndexOf(Public, name) >= 0 && name != ExplicitOnly) || System.Array.IndexOf(Private, name) >= 0 || IsWindowField(name);

    /// <summary><c>Create</c> is implemented explicitly (<c>INetwork&lt;TSelf&gt;.Create</c>): reserved for views, free for the class's own members.</summary>
    private const string ExplicitOnly = "Create";

    /// <summary>Whether the emitters may declare a member named <paramref name="name"/> in a network class.</summary>
    public static bool IsReserved(string name) => All.Contains(name) || IsWindowField(name);

    private static bool IsWindowField(string name) =>
        name.StartsWith(WindowFieldPrefix, System.StringComparison.Ordinal) && IsDigits(name.Substring(WindowFieldPrefix.Length));

    private static bool IsDigits(string text)
    {
        if (text.Length == 0)
        {
            return false;
        }

        foreach (char c in text)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }

        return true;
    }

    private static IEnumerable<string> Concat(params string[][] lists)
    {
        foreach (string[] list in lists)
        {
            foreach (string name in list)
            {
                yield return name;
            }
        }
    }
}
