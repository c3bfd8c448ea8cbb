using NetDsl.Generator.Diagnostics;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Parsing;

/// <summary>
/// What the parser made of a [Network] class: the spec, or null when the class cannot be generated
/// (a diagnostic says why, or the compiler already reports malformed attributes), and the diagnostics found.
/// </summary>
/// <param name="Spec">The spec to infer shapes from, or null.</param>
/// <param name="Diagnostics">The diagnostics the parser found.</param>
/// <param name="Shell">
/// When <paramref name="Spec"/> is null but the class can still take generated members (it is a partial class in partial
/// types): the class as far as it could be read — its name, nesting and the layers that could be read —, from which the
/// generator emits its fallback. Null otherwise, and always null when <paramref name="Spec"/> is set.
/// </param>
internal sealed record ParseResult(NetworkSpec? Spec, EquatableArray<DiagnosticInfo> Diagnostics, NetworkSpec? Shell = null);
