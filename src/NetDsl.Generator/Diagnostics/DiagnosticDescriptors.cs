using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace NetDsl.Generator.Diagnostics;

/// <summary>
/// Every diagnostic NetDsl reports. IDs are stable: never reuse or renumber one; record new ones in
/// AnalyzerReleases.Unshipped.md and document each in docs/diagnostics.md.
/// </summary>
internal static class DiagnosticDescriptors
{
    private const string ShapeCategory = "NetDsl.Shapes";
    private const string DeclarationCategory = "NetDsl.Declaration";
    private const string WeightsCategory = "NetDsl.Weights";
    private const string PerformanceCategory = "NetDsl.Performance";
    private const string InternalCategory = "NetDsl.Internal";
    private const string HelpLinkBase = "https://github.com/netdsl/netdsl/blob/main/docs/diagnostics.md#";

    public static readonly DiagnosticDescriptor MissingInput = Error(
        DiagnosticIds.MissingInput, DeclarationCategory, "Network has no [Input]",
        "Network '{0}' has no [Input]; declare the shape of one sample before the layers, for example [Input(3)]");

    public static readonly DiagnosticDescriptor DuplicateInput = Error(
        DiagnosticIds.DuplicateInput, DeclarationCategory, "Network has more than one [Input]",
        "Network '{0}' declares [Input] more than once; keep exactly one, before every layer");

    public static readonly DiagnosticDescriptor InputNotFirst = Error(
        DiagnosticIds.InputNotFirst, DeclarationCategory, "[Input] is not the first entry of the stack",
        "[Input] of network '{0}' must come before every layer, but it follows layer {1} ({2})");

    public static readonly DiagnosticDescriptor LinearInputMismatch = Error(
        DiagnosticIds.LinearInputMismatch, ShapeCategory, "Linear layer's declared input size does not match",
        "Layer {0} (Linear) receives shape [{1}] but needs [{2}], its declared input size; write [Linear({1}, {3})], or [Linear({3})] to infer the input size");

    public static readonly DiagnosticDescriptor NonPositiveSize = Error(
        DiagnosticIds.NonPositiveSize, ShapeCategory, "Size is zero or negative",
        "{0} has {1} = {2}, but sizes must be positive");

    public static readonly DiagnosticDescriptor NotPartial = Error(
        DiagnosticIds.NotPartial, DeclarationCategory, "Network class is not partial",
        "Network class '{0}' must be declared 'partial' so that the generator can add its members");

    public static readonly DiagnosticDescriptor ContainingTypeNotPartial = Error(
        DiagnosticIds.ContainingTypeNotPartial, DeclarationCategory, "Type containing a network is not partial",
        "Network class '{0}' is nested in '{1}', which must be declared 'partial' too");

    public static readonly DiagnosticDescriptor UnsupportedClass = Error(
        DiagnosticIds.UnsupportedClass, DeclarationCategory, "Network class form is not supported",
        "Network class '{0}' cannot be {1}; declare a plain partial class: not generic, static, abstract or file-local, and without a primary constructor");

    public static readonly DiagnosticDescriptor DuplicateLayerName = Error(
        DiagnosticIds.DuplicateLayerName, DeclarationCategory, "Duplicate layer name",
        "Layer {0} is named '{1}', but layer {2} already {3}; each layer needs a unique name, the key of its tensors in weight files");

    public static readonly DiagnosticDescriptor InvalidLayerName = Error(
        DiagnosticIds.InvalidLayerName, DeclarationCategory, "Invalid layer name",
        "Layer {0} has the name '{1}', which {2}");

    public static readonly DiagnosticDescriptor LayerWithoutNetwork = Error(
        DiagnosticIds.LayerWithoutNetwork, DeclarationCategory, "Layer attribute on a class without [Network]",
        "Class '{0}' has the layer attribute [{1}] but no [Network], so no network is generated for it; add [Network] to the class");

    public static readonly DiagnosticDescriptor LayersInSeveralDeclarations = Error(
        DiagnosticIds.LayersInSeveralDeclarations, DeclarationCategory, "Layers declared on more than one partial declaration",
        "Network '{0}' declares its stack on more than one partial declaration, so the order of its layers is undefined; declare [Input] and every layer on one declaration");

    public static readonly DiagnosticDescriptor NeedsOneDimensionalInput = Error(
        DiagnosticIds.NeedsOneDimensionalInput, ShapeCategory, "Layer needs a one-dimensional input",
        "Layer {0} ({1}) receives shape {2} but needs a one-dimensional shape [features]; add [Flatten] before it to get [{3}]");

    public static readonly DiagnosticDescriptor NoLayers = Error(
        DiagnosticIds.NoLayers, DeclarationCategory, "Network has no layers",
        "Network '{0}' has no layers after [Input]; add at least one layer, for example [Linear(1)]");

    public static readonly DiagnosticDescriptor ConsecutiveActivations = Warning(
        DiagnosticIds.ConsecutiveActivations, DeclarationCategory, "Activation directly after another activation",
        "Layer {0} ({1}) directly follows the activation {2} ({3}); two activations in a row are rarely intended");

    public static readonly DiagnosticDescriptor UnknownLayer = Error(
        DiagnosticIds.UnknownLayer, DeclarationCategory, "Unknown layer attribute",
        "[{0}] derives from NetDsl.LayerAttribute but is not a layer kind NetDsl knows, so network '{1}' cannot be generated");

    public static readonly DiagnosticDescriptor NetworkTooLarge = Error(
        DiagnosticIds.NetworkTooLarge, ShapeCategory, "Network is too large",
        "Network '{0}' would have {1} {2}; at most 2147483647 fit in one array");

    public static readonly DiagnosticDescriptor InvalidUnrollLimit = Error(
        DiagnosticIds.InvalidUnrollLimit, DeclarationCategory, "Invalid unroll limit",
        "Network '{0}' has UnrollLimit = {1}, but it must be zero or positive");

    public static readonly DiagnosticDescriptor EmptyInputShape = Error(
        DiagnosticIds.EmptyInputShape, ShapeCategory, "[Input] declares no dimensions",
        "[Input] of network '{0}' declares no dimensions; give the shape of one sample, for example [Input(3)] or [Input(1, 28, 28)]");

    public static readonly DiagnosticDescriptor WindowLargerThanInput = Error(
        DiagnosticIds.WindowLargerThanInput, ShapeCategory, "Window larger than its input",
        "Layer {0} ({1}) receives shape {2}, but its {3} window {4} is larger than the {5}");

    public static readonly DiagnosticDescriptor OutputSizeNotWhole = Warning(
        DiagnosticIds.OutputSizeNotWhole, ShapeCategory, "Window does not tile the input evenly",
        "Layer {0} ({1}) {2}: {3} is not whole; the output has {4} and the last {5} input {2} element(s) are never read, as in PyTorch");

    public static readonly DiagnosticDescriptor InvalidLayerArgument = Error(
        DiagnosticIds.InvalidLayerArgument, ShapeCategory, "Invalid layer argument",
        "Layer {0} ({1}) has {2} = {3}, but {4}");

    public static readonly DiagnosticDescriptor WrongInputRank = Error(
        DiagnosticIds.WrongInputRank, ShapeCategory, "Layer receives the wrong number of dimensions",
        "Layer {0} ({1}) receives shape {2} but needs {3}");

    public static readonly DiagnosticDescriptor ReshapeElementCount = Error(
        DiagnosticIds.ReshapeElementCount, ShapeCategory, "Reshape changes the number of elements",
        "Layer {0} (Reshape) receives shape {1} of {2} elements, but {3}");

    public static readonly DiagnosticDescriptor ResidualShapeChanged = Error(
        DiagnosticIds.ResidualShapeChanged, ShapeCategory, "Residual block changes the shape",
        "The residual block opened at layer {0} receives shape {1} but its last layer produces {2}; a residual block must keep the shape so that its input can be added to its output");

    public static readonly DiagnosticDescriptor UnbalancedResidual = Error(
        DiagnosticIds.UnbalancedResidual, DeclarationCategory, "Unbalanced or empty residual block",
        "{0}");

    public static readonly DiagnosticDescriptor ChannelMismatch = Error(
        DiagnosticIds.ChannelMismatch, ShapeCategory, "Convolution's declared input channels do not match",
        "Layer {0} ({1}) receives shape {2} with {3} channels but needs {4}, its declared input channels; write [{1}({3}, {5}, ...)], or [{1}({5}, ...)] to infer them");

    public static readonly DiagnosticDescriptor WeightsFileMissing = Error(
        "NDSL0028", WeightsCategory, "Weights file not found",
        "The weights file '{0}' of network '{1}' was not given to the build; add <NetDslWeights Include=\"{0}\" /> to the project (with build/NetDsl.targets imported, as the NetDsl package does)");

    public static readonly DiagnosticDescriptor WeightsFileMismatch = Error(
        "NDSL0029", WeightsCategory, "Weights file does not fit the network",
        "The weights file '{0}' cannot be compiled into network '{1}': {2}");

    public static readonly DiagnosticDescriptor WeightsFileLarge = Warning(
        "NDSL0030", WeightsCategory, "Weights file is large for compiling in",
        "The weights file '{0}' of network '{1}' is {2} MiB; compiling more than 4 MiB of weights into the assembly slows builds and bloats it: load them at run time with LoadWeights instead");
    public static readonly DiagnosticDescriptor LargeUnrolledStage = Warning(
        DiagnosticIds.LargeUnrolledStage, PerformanceCategory, "Unrolled layer is very large",
        "Layer {0} ({1}) would be unrolled into {2} straight-line operations (more than {3}), because UnrollLimit = {4}; methods that large are slow to compile and to JIT and run no faster than the vectorized kernels, so lower UnrollLimit below {2} or remove it (stages of more than 16384 operations are never unrolled)");

    public static readonly DiagnosticDescriptor InternalError = Error(
        DiagnosticIds.InternalError, InternalCategory, "NetDsl failed on a network",
        "NetDsl failed in its {1} stage on network '{0}' ({2}), so the network was not generated; this is a bug in NetDsl: please report it at https://github.com/netdsl/netdsl/issues with the declaration of '{0}'");

    public static readonly DiagnosticDescriptor GeneratedNameClash = Error(
        DiagnosticIds.GeneratedNameClash, DeclarationCategory, "Name clashes with the generated code",
        "Network class '{0}' {1}; {2}");

    public static readonly DiagnosticDescriptor NoInt8Form = Error(
        DiagnosticIds.NoInt8Form, ShapeCategory, "Layer has no int8 form",
        "Layer {0} ({1}) has no int8 form{2}, but network '{3}' is declared with [Network(Int8 = true)]; the int8 forms are Linear on feature vectors, Conv1D and Conv2D (not last, with a BatchNorm1D/2D right after it folded in), max pools, the element-wise activations (ReLU in integers, the others in float), PReLU, LayerNorm, other BatchNorm1D/2D, average pools and GlobalAvgPool (in float), residual blocks, Flatten, Reshape, Dropout, Identity, and Softmax or LogSoftmax as the last layer (see docs/quantization.md)");

    public static readonly ImmutableArray<DiagnosticDescriptor> All = ImmutableArray.Create(
        MissingInput, DuplicateInput, InputNotFirst, LinearInputMismatch, NonPositiveSize, NotPartial,
        ContainingTypeNotPartial, UnsupportedClass, DuplicateLayerName, InvalidLayerName, LayerWithoutNetwork,
        LayersInSeveralDeclarations, NeedsOneDimensionalInput, NoLayers, ConsecutiveActivations, UnknownLayer,
        NetworkTooLarge, InvalidUnrollLimit, EmptyInputShape, WindowLargerThanInput, OutputSizeNotWhole,
        InvalidLayerArgument, WrongInputRank, ReshapeElementCount, ResidualShapeChanged, UnbalancedResidual, ChannelMismatch,
        WeightsFileMissing, WeightsFileMismatch, WeightsFileLarge, LargeUnrolledStage, InternalError, GeneratedNameClash, NoInt8Form);

    private static DiagnosticDescriptor Error(string id, string category, string title, string message) =>
        Create(id, category, title, message, DiagnosticSeverity.Error);

    private static DiagnosticDescriptor Warning(string id, string category, string title, string message) =>
        Create(id, category, title, message, DiagnosticSeverity.Warning);

    private static DiagnosticDescriptor Create(string id, string category, string title, string message, DiagnosticSeverity severity) =>
        new(id, title, message, category, severity, isEnabledByDefault: true, helpLinkUri: HelpLinkBase + id.ToLowerInvariant());
}
