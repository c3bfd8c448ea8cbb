using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using NetDsl.Generator.Diagnostics;
using NetDsl.Generator.Embedding;
using NetDsl.Generator.Parsing;
using NetDsl.Generator.Shapes;

namespace NetDsl.Generator;

/// <summary>
/// Reports every NetDsl diagnostic, on the attribute that causes it, by running the generator's own parser
/// and shape inference. Diagnostics come from here rather than from the generator because editors (for
/// example csharp-ls) show a referenced analyzer's diagnostics as the user types but not a generator's.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class NetworkAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => DiagnosticDescriptors.All;

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            // The .safetensors additional files, read once per compilation and only if a network names one.
            ImmutableArray<AdditionalText> additionalFiles = start.Options.AdditionalFiles;
            var weightFiles = new Lazy<IReadOnlyList<WeightFileContent>>(
                () => additionalFiles
                    .Where(file => file.Path.EndsWith(WeightFileContent.Extension, StringComparison.OrdinalIgnoreCase))
                    .Select(file => WeightFileContent.Read(file, start.CancellationToken))
                    .ToList(),
                System.Threading.LazyThreadSafetyMode.ExecutionAndPublication);
            start.RegisterSymbolAction(symbolContext => AnalyzeType(symbolContext, weightFiles), SymbolKind.NamedType);
        });
    }

    private static void AnalyzeType(SymbolAnalysisContext context, Lazy<IReadOnlyList<WeightFileContent>> weightFiles)
    {
        if (context.Symbol is not INamedTypeSymbol type)
        {
            return;
        }

        try
        {
            foreach (Diagnostic diagnostic in Analyze(type, context.CancellationToken, weightFiles))
            {
                context.ReportDiagnostic(diagnostic);
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // The stages' own failures are already NDSL0032 (Analyze); what is left is Roslyn's lookups around them. An
            // analyzer exception becomes AD0001 and fails the user's build; a missed diagnostic is the lesser harm.
        }
    }

    /// <summary>
    /// The diagnostics of one type, located on the attributes that cause them. A failure of NetDsl itself in a stage
    /// becomes NDSL0032 on [Network] (the generator reports failures of emission, the one stage run only there).
    /// </summary>
    internal static IEnumerable<Diagnostic> Analyze(INamedTypeSymbol type, System.Threading.CancellationToken cancellationToken, Lazy<IReadOnlyList<WeightFileContent>>? weightFiles = null)
    {
        ImmutableArray<AttributeData> attributes = type.GetAttributes();
        int orphan = NetworkParser.IndexOfOrphanStackAttribute(type);
        if (orphan >= 0)
        {
            string attributeName = attributes[orphan].AttributeClass is { } attributeClass ? KnownAttributes.ShortName(attributeClass) : "?";
            return new[] { Diagnostic.Create(DiagnosticDescriptors.LayerWithoutNetwork, LocationOf(type, attributes, orphan, cancellationToken), type.Name, attributeName) };
        }

        var diagnostics = new List<DiagnosticInfo>();
        string stage = PipelineStage.Parse;
        try
        {
            FaultInjection.ThrowIfInjected(PipelineStage.Parse, type.Name);
            ParseResult parsed = NetworkParser.Parse(type, cancellationToken);
            diagnostics.AddRange(parsed.Diagnostics);
            if (parsed.Spec is { } spec)
            {
                stage = PipelineStage.ShapeInference;
                FaultInjection.ThrowIfInjected(PipelineStage.ShapeInference, type.Name);
                if (ShapeInference.Infer(spec, diagnostics) is { } plan && (plan.Spec.WeightsFile ?? plan.Spec.Int8WeightsFile) is not null)
                {
                    stage = PipelineStage.WeightsFile;
                    FaultInjection.ThrowIfInjected(PipelineStage.WeightsFile, type.Name);
                    IReadOnlyList<WeightFileContent> files = weightFiles?.Value ?? Array.Empty<WeightFileContent>();
                    EmbeddedWeights.Read(plan, files, diagnostics);
                    EmbeddedInt8Weights.Read(plan, files, diagnostics);
                }
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            int networkIndex = NetworkParser.IndexOfNetworkAttribute(type);
            if (networkIndex < 0)
            {
                return Array.Empty<Diagnostic>();
            }

            diagnostics.Add(InternalError.Create(type.Name, stage, exception, networkIndex));
        }

        var result = new List<Diagnostic>();
        foreach (DiagnosticInfo info in diagnostics)
        {
            object[] arguments = new object[info.MessageArguments.Count];
            for (int i = 0; i < arguments.Length; i++)
            {
                arguments[i] = info.MessageArguments[i];
            }

            Location[] related = info.RelatedAttributeIndex >= 0 && info.RelatedAttributeIndex < attributes.Length
                ? new[] { LocationOf(type, attributes, info.RelatedAttributeIndex, cancellationToken) }
                : Array.Empty<Location>();
            result.Add(Diagnostic.Create(info.Descriptor, LocationOf(type, attributes, info.AttributeIndex, cancellationToken), related, info.PropertiesDictionary(), arguments));
        }

        return result;
    }

    private static Location LocationOf(INamedTypeSymbol type, ImmutableArray<AttributeData> attributes, int index, System.Threading.CancellationToken cancellationToken)
    {
        if (index >= 0 && index < attributes.Length && attributes[index].ApplicationSyntaxReference is { } reference)
        {
            return reference.GetSyntax(cancellationToken).GetLocation();
        }

        return type.Locations.Length > 0 ? type.Locations[0] : Location.None;
    }
}
