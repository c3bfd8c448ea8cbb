namespace NetDsl.Generator.Model;

// The values that flow through NetworkGenerator's incremental pipeline, one per [Network] class. Like the specs they
// hold, they are plain equatable records, so that an edit elsewhere leaves them equal and every step cached.

/// <summary>The parse step's result: the spec to infer shapes from, or else the fallback when the class cannot be generated.</summary>
/// <param name="Spec">The parsed network, or null.</param>
/// <param name="Fallback">Set when <paramref name="Spec"/> is null.</param>
/// <param name="NetworkLocation">The [Network] attribute, where the generator reports NDSL0032 if emission fails.</param>
/// <param name="ErrorsNotFailing">The NDSL errors configured not to fail the build in the class's file (no fallback for those alone).</param>
internal sealed record ParsedNetwork(NetworkSpec? Spec, FallbackSpec? Fallback, LocationInfo? NetworkLocation, EquatableArray<string> ErrorsNotFailing);

/// <summary>The inference step's result: the plan to emit, or else the fallback.</summary>
/// <param name="Plan">The inferred network, or null.</param>
/// <param name="Fallback">Set when <paramref name="Plan"/> is null.</param>
/// <param name="NetworkLocation">The [Network] attribute, where the generator reports NDSL0032 if emission fails.</param>
/// <param name="ErrorsNotFailing">The NDSL errors configured not to fail the build in the class's file (no fallback for those alone).</param>
internal sealed record PlannedNetwork(NetworkPlan? Plan, FallbackSpec? Fallback, LocationInfo? NetworkLocation, EquatableArray<string> ErrorsNotFailing);
