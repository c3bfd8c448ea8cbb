namespace NetDsl.Generator.Diagnostics;

// This file is compiled into both NetDsl.Generator and NetDsl.CodeFixes (linked), so that the analyzer that reports a
// diagnostic and the code fix that repairs it agree on its ID and on the properties it carries, without one analyzer
// assembly depending on the other at run time.

/// <summary>The stable IDs of NetDsl's diagnostics. Never reuse or renumber one.</summary>
internal static class DiagnosticIds
{
    public const string MissingInput = "NDSL0001";
    public const string DuplicateInput = "NDSL0002";
    public const string InputNotFirst = "NDSL0003";
    public const string LinearInputMismatch = "NDSL0004";
    public const string NonPositiveSize = "NDSL0005";
    public const string NotPartial = "NDSL0006";
    public const string ContainingTypeNotPartial = "NDSL0007";
    public const string UnsupportedClass = "NDSL0008";
    public const string DuplicateLayerName = "NDSL0009";
    public const string InvalidLayerName = "NDSL0010";
    public const string LayerWithoutNetwork = "NDSL0011";
    public const string LayersInSeveralDeclarations = "NDSL0012";
    public const string NeedsOneDimensionalInput = "NDSL0013";
    public const string NoLayers = "NDSL0014";
    public const string ConsecutiveActivations = "NDSL0015";
    public const string UnknownLayer = "NDSL0016";
    public const string NetworkTooLarge = "NDSL0017";
    public const string InvalidUnrollLimit = "NDSL0018";
    public const string EmptyInputShape = "NDSL0019";
    public const string WindowLargerThanInput = "NDSL0020";
    public const string OutputSizeNotWhole = "NDSL0021";
    public const string InvalidLayerArgument = "NDSL0022";
    public const string WrongInputRank = "NDSL0023";
    public const string ReshapeElementCount = "NDSL0024";
    public const string ResidualShapeChanged = "NDSL0025";
    public const string UnbalancedResidual = "NDSL0026";
    public const string ChannelMismatch = "NDSL0027";
    public const string LargeUnrolledStage = "NDSL0031";
    public const string InternalError = "NDSL0032";
    public const string GeneratedNameClash = "NDSL0033";
    public const string NoInt8Form = "NDSL0034";
}

/// <summary>
/// Keys of <see cref="Microsoft.CodeAnalysis.Diagnostic.Properties"/>: what the analyzer knows and a code fix needs.
/// Values are invariant-culture strings.
/// </summary>
internal static class DiagnosticPropertyNames
{
    /// <summary>
    /// NDSL0004 and NDSL0027: the input size (features of a Linear, channels of a convolution) that actually arrives,
    /// to write in place of the declared one.
    /// </summary>
    public const string InferredSize = "InferredSize";

    /// <summary>NDSL0007: how many levels out the non-partial type is, 1 for the type that directly contains the network.</summary>
    public const string ContainingTypeDepth = "ContainingTypeDepth";

    /// <summary>NDSL0009: a name no other layer of the network has or would clash with (views, generated members).</summary>
    public const string SuggestedName = "SuggestedName";

    /// <summary>
    /// NDSL0023 on a sequence layer, when one edit repairs it: <see cref="SequenceFixes.RemoveFlatten"/> (the attribute
    /// at the diagnostic's additional location is a <c>[Flatten]</c> that turned a sequence into a vector) or
    /// <see cref="SequenceFixes.ReturnSequences"/> (the additional location is a recurrent layer with
    /// <c>ReturnSequences = false</c> whose final state reaches a layer that needs every step).
    /// </summary>
    public const string SequenceFix = "SequenceFix";
}

/// <summary>The values of <see cref="DiagnosticPropertyNames.SequenceFix"/>.</summary>
internal static class SequenceFixes
{
    public const string RemoveFlatten = "RemoveFlatten";
    public const string ReturnSequences = "ReturnSequences";
}
