using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Diagnostics;

/// <summary>
/// The NDSL errors that a project configures so that they no longer fail the build in a given file: set below error by
/// <c>dotnet_diagnostic.ID.severity</c> in an .editorconfig or a global config, or by <c>NoWarn</c> (a warning still
/// fails the build under <c>TreatWarningsAsErrors</c>). A fallback caused only by such errors would build, and throw
/// when run, so the generator emits none for it: the class stays ungenerated, as the project asked.
/// </summary>
/// <remarks>
/// What the compiler settles per diagnostic ID is visible here; category-wide settings
/// (<c>dotnet_analyzer_diagnostic.category-NetDsl.Shapes.severity</c>), <c>#pragma warning disable</c> and diagnostic
/// suppressors are applied by the analyzer driver and are not: under those the fallback builds, and its members throw
/// an <see cref="System.InvalidOperationException"/> that names the diagnostic.
/// </remarks>
internal static class ConfiguredSeverity
{
    public static EquatableArray<string> ErrorsNotFailing(Compilation compilation, SyntaxTree tree, CancellationToken cancellationToken)
    {
        var ids = new List<string>();
        foreach (DiagnosticDescriptor descriptor in DiagnosticDescriptors.All)
        {
            if (descriptor.DefaultSeverity == DiagnosticSeverity.Error && !FailsBuild(compilation.Options, tree, descriptor.Id, cancellationToken))
            {
                ids.Add(descriptor.Id);
            }
        }

        return ids.ToEquatableArray();
    }

    /// <summary>Whether every setting of <paramref name="id"/> that applies to <paramref name="tree"/> leaves it an error (erring on "not").</summary>
    private static bool FailsBuild(CompilationOptions options, SyntaxTree tree, string id, CancellationToken cancellationToken)
    {
        var settings = new List<ReportDiagnostic>();
        if (options.SpecificDiagnosticOptions.TryGetValue(id, out ReportDiagnostic specific))
        {
            settings.Add(specific);
        }

        if (options.SyntaxTreeOptionsProvider is { } provider)
        {
            if (provider.TryGetDiagnosticValue(tree, id, cancellationToken, out ReportDiagnostic inTree))
            {
                settings.Add(inTree);
            }

            if (provider.TryGetGlobalDiagnosticValue(id, cancellationToken, out ReportDiagnostic global))
            {
                settings.Add(global);
            }
        }

        foreach (ReportDiagnostic setting in settings)
        {
            bool error = setting is ReportDiagnostic.Default or ReportDiagnostic.Error
                || (setting == ReportDiagnostic.Warn && options.GeneralDiagnosticOption == ReportDiagnostic.Error);
            if (!error)
            {
                return false;
            }
        }

        return true;
    }
}
