using NetDsl.Generator.Diagnostics;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Parsing;

/// <summary>
/// What the parser made of a [Network] class: the spec, or null when the class cannot be generated
/// (a diagnostic says why, or the compiler already reports malformed attributes), and the diagnostics found.
/// </summary>
internal sealed record ParseResult(NetworkSpec? Spec, EquatableArray<DiagnosticInfo> Diagnostics);
