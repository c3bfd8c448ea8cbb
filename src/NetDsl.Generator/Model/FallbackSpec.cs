using System.Collections.Generic;
using NetDsl.Generator.Diagnostics;

namespace NetDsl.Generator.Model;

/// <summary>
/// A [Network] class that cannot be generated — it has NDSL errors, its attributes do not compile, or NetDsl failed on
/// it (NDSL0032) — as the generator's fallback emits it: the public surface of a generated network with members that
/// throw, so that the build reports the cause alone rather than also every use of the class.
/// </summary>
/// <param name="Spec">The class: its name and nesting, the layers that could be read (for the typed views) and the weights file.</param>
/// <param name="InputShape">The input shape when [Input] is valid, else null: the fallback's <c>Input</c> is then a placeholder of any size.</param>
/// <param name="OutputShape">The output shape when every layer's shape was inferred, else null (a placeholder <c>Output</c>).</param>
/// <param name="Causes">The IDs of the errors that stop generation, without repeats; empty when only the compiler reports the cause.</param>
internal sealed record FallbackSpec(NetworkSpec Spec, Shape? InputShape, Shape? OutputShape, EquatableArray<string> Causes)
{
    /// <summary>The fallback of <paramref name="spec"/>, caused by the errors among <paramref name="diagnostics"/>.</summary>
    public static FallbackSpec Create(NetworkSpec spec, Shape? inputShape, Shape? outputShape, IEnumerable<DiagnosticInfo> diagnostics)
    {
        var causes = new List<string>();
        foreach (DiagnosticInfo diagnostic in diagnostics)
        {
            if (diagnostic.IsError && !causes.Contains(diagnostic.Descriptor.Id))
            {
                causes.Add(diagnostic.Descriptor.Id);
            }
        }

        return new FallbackSpec(spec, inputShape, outputShape, causes.ToEquatableArray());
    }

    /// <summary>The fallback of a network NetDsl failed on (NDSL0032).</summary>
    public static FallbackSpec InternalError(NetworkSpec spec, Shape? inputShape = null, Shape? outputShape = null) =>
        new(spec, inputShape, outputShape, new[] { DiagnosticIds.InternalError }.ToEquatableArray());
}
