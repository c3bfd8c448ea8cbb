using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Reflection;
using System.Text;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;
using NetDsl.Generator.Diagnostics;
using NetDsl.Generator.Embedding;
using NetDsl.Generator.Emit;
using NetDsl.Generator.Model;
using NetDsl.Generator.Parsing;
using NetDsl.Generator.Shapes;

namespace NetDsl.Generator;

/// <summary>
/// Generates the members of every [Network] class. Diagnostics about declarations come from <see cref="NetworkAnalyzer"/>,
/// which runs the same parser and shape inference, because editors show an analyzer's diagnostics but not always a
/// generator's. A class that cannot be generated (NDSL errors, attributes that do not compile, or a failure of NetDsl
/// itself) gets its fallback instead (<see cref="FallbackEmitter"/>): its public surface with members that throw, so that
/// the build shows the cause alone. The generator reports one diagnostic itself: NDSL0032 when emission fails, the one
/// stage the analyzer does not run.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class NetworkGenerator : IIncrementalGenerator
{
    /// <summary>The tracking name of the step that produces the parsed, equatable network models.</summary>
    public const string ParseStepName = "NetworkSpecs";

    /// <summary>The tracking name of the step that reads <c>.safetensors</c> additional files.</summary>
    public const string WeightFilesStepName = "WeightFiles";

    /// <summary>The tracking name of the step that produces the inferred plans.</summary>
    public const string PlanStepName = "NetworkPlans";

    /// <summary>The tracking name of the step that finds classes with [Input] but no [Network] (NDSL0011).</summary>
    public const string OrphanStepName = "OrphanSpecs";

    private static readonly string Version = typeof(NetworkGenerator).Assembly.GetName().Version?.ToString() ?? "0.0.0.0";

    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        IncrementalValuesProvider<PlannedNetwork> plans = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                KnownAttributes.NetworkMetadataName,
                predicate: static (node, _) => node is ClassDeclarationSyntax or RecordDeclarationSyntax,
                transform: static (context, cancellationToken) => Parse(context, cancellationToken))
            .Where(static parsed => parsed is not null)
            .Select(static (parsed, _) => parsed!)
            .WithTrackingName(ParseStepName)
            .Select(static (parsed, _) => Infer(parsed))
            .WithTrackingName(PlanStepName);

        IncrementalValueProvider<ImmutableArray<WeightFileContent>> weightFiles = context.AdditionalTextsProvider
            .Where(static file => file.Path.EndsWith(WeightFileContent.Extension, StringComparison.OrdinalIgnoreCase))
            .Select(static (file, cancellationToken) => WeightFileContent.Read(file, cancellationToken))
            .WithTrackingName(WeightFilesStepName)
            .Collect();


        // A class with a stack but no [Network] (NDSL0011), found by its [Input]: the fallback too, so that its uses add no
        // errors while the analyzer says what is missing.
        IncrementalValuesProvider<PlannedNetwork> orphans = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                KnownAttributes.InputMetadataName,
                predicate: static (node, _) => node is ClassDeclarationSyntax or RecordDeclarationSyntax,
                transform: static (context, cancellationToken) => OrphanOrNull(context, cancellationToken))
            .Where(static orphan => orphan is not null)
            .Select(static (orphan, _) => orphan!)
            .WithTrackingName(OrphanStepName);

        // File names that differ only in case (usually none): such networks get a hash in their names (HintNames).
        IncrementalValueProvider<EquatableArray<string>> caseCollisions = plans.Select(static (network, _) => HintNames.Of(SpecOf(network))).Collect()
            .Combine(orphans.Select(static (orphan, _) => HintNames.Of(SpecOf(orphan))).Collect())
            .Select(static (names, _) => HintNames.CaseCollisions(names.Left.Concat(names.Right)));

        context.RegisterSourceOutput(plans.Combine(weightFiles).Combine(caseCollisions), static (context, input) => Emit(context, input.Left.Left, input.Left.Right, input.Right));
        context.RegisterSourceOutput(orphans.Combine(caseCollisions), static (context, input) => Emit(context, input.Left, ImmutableArray<WeightFileContent>.Empty, input.Right));
    }

    private static NetworkSpec SpecOf(PlannedNetwork network) => network.Plan?.Spec ?? network.Fallback!.Spec;

    private static PlannedNetwork? OrphanOrNull(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        try
        {
            return context.TargetSymbol is INamedTypeSymbol type
                && IsDeclarationOf(context, IndexOfFirst(type.GetAttributes(), static a => KnownAttributes.IsInput(a.AttributeClass)), cancellationToken)
                && NetworkParser.ReadOrphanShell(type, cancellationToken) is { } shell
                ? new PlannedNetwork(null, new FallbackSpec(shell, null, null, new[] { DiagnosticIds.LayerWithoutNetwork }.ToEquatableArray()), null, ErrorsNotFailing(context, cancellationToken))
                : null;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>
    /// Whether the declaration <paramref name="context"/> was found on holds the class's attribute at
    /// <paramref name="attributeIndex"/>. A class whose attribute sits on several partial declarations is found once per
    /// declaration; only the one holding the first such attribute goes on, or two files with the same name would be added
    /// (AddSource throws, and the build would lose every network).
    /// </summary>
    private static bool IsDeclarationOf(GeneratorAttributeSyntaxContext context, int attributeIndex, CancellationToken cancellationToken)
    {
        try
        {
            ImmutableArray<AttributeData> attributes = context.TargetSymbol.GetAttributes();
            if (attributeIndex < 0 || attributeIndex >= attributes.Length || attributes[attributeIndex].ApplicationSyntaxReference is not { } reference)
            {
                return false;
            }

            SyntaxNode? declaration = reference.GetSyntax(cancellationToken).Parent?.Parent;
            return declaration is not null && declaration.SyntaxTree == context.TargetNode.SyntaxTree && declaration.Span == context.TargetNode.Span;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // Roslyn's own lookups only; the transform must not throw.
            return false;
        }
    }

    private static int IndexOfFirst(ImmutableArray<AttributeData> attributes, Func<AttributeData, bool> predicate)
    {
        for (int i = 0; i < attributes.Length; i++)
        {
            if (predicate(attributes[i]))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>The parsed class, or its fallback when it cannot be generated; null when it cannot even take a fallback.</summary>
    private static ParsedNetwork? Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        // [Network] applies to classes only: on a record struct the compiler reports CS0592, and a partial record class
        // of the same name would only add errors to it.
        if (context.TargetSymbol is not INamedTypeSymbol { TypeKind: TypeKind.Class } type
            || !IsDeclarationOf(context, NetworkParser.IndexOfNetworkAttribute(type), cancellationToken))
        {
            return null;
        }

        LocationInfo? location = context.Attributes.Length > 0 ? LocationInfo.Of(context.Attributes[0].ApplicationSyntaxReference, cancellationToken) : null;
        EquatableArray<string> notFailing = ErrorsNotFailing(context, cancellationToken);
        try
        {
            FaultInjection.ThrowIfInjected(PipelineStage.Parse, type.Name);
            ParseResult parsed = NetworkParser.Parse(type, cancellationToken);
            if (parsed.Spec is not null)
            {
                return new ParsedNetwork(parsed.Spec, null, location, notFailing);
            }

            return parsed.Shell is { } shell ? new ParsedNetwork(null, FallbackSpec.Create(shell, null, null, parsed.Diagnostics), location, notFailing) : null;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // Our bug: the analyzer reports it (NDSL0032); the fallback keeps the class's uses from adding errors of their own.
            return ReadShellOrNull(type, cancellationToken) is { } shell ? new ParsedNetwork(null, FallbackSpec.InternalError(shell), location, notFailing) : null;
        }
    }

    private static EquatableArray<string> ErrorsNotFailing(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        try
        {
            return ConfiguredSeverity.ErrorsNotFailing(context.SemanticModel.Compilation, context.TargetNode.SyntaxTree, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return EquatableArray<string>.Empty;
        }
    }

    private static NetworkSpec? ReadShellOrNull(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        try
        {
            return NetworkParser.ReadShell(type, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>The plan of a parsed class, or its fallback when shape inference finds errors or fails.</summary>
    private static PlannedNetwork Infer(ParsedNetwork parsed)
    {
        if (parsed.Spec is not { } spec)
        {
            return new PlannedNetwork(null, parsed.Fallback, parsed.NetworkLocation, parsed.ErrorsNotFailing);
        }

        try
        {
            FaultInjection.ThrowIfInjected(PipelineStage.ShapeInference, spec.ClassName);
            var diagnostics = new List<DiagnosticInfo>();
            NetworkPlan? plan = ShapeInference.Infer(spec, diagnostics, out Shape? inputShape, out Shape? outputShape);
            return plan is not null
                ? new PlannedNetwork(plan, null, parsed.NetworkLocation, parsed.ErrorsNotFailing)
                : new PlannedNetwork(null, FallbackSpec.Create(spec, inputShape, outputShape, diagnostics), parsed.NetworkLocation, parsed.ErrorsNotFailing);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // Reported by the analyzer, which runs the same inference.
            return new PlannedNetwork(null, FallbackSpec.InternalError(spec), parsed.NetworkLocation, parsed.ErrorsNotFailing);
        }
    }

    private static void Emit(SourceProductionContext context, PlannedNetwork network, ImmutableArray<WeightFileContent> files, EquatableArray<string> caseCollisions)
    {
        FallbackSpec? fallback = network.Fallback;
        string? source = null;
        if (network.Plan is { } plan)
        {
            (float[] Parameters, float[] Buffers)? pretrained = null;
            byte[]? int8Pretrained = null;
            var weightDiagnostics = new List<DiagnosticInfo>();
            try
            {
                FaultInjection.ThrowIfInjected(PipelineStage.WeightsFile, plan.Spec.ClassName);
                pretrained = EmbeddedWeights.Read(plan, files, weightDiagnostics);
                int8Pretrained = EmbeddedInt8Weights.Read(plan, files, weightDiagnostics);
                if (weightDiagnostics.Any(d => d.IsError))
                {
                    fallback = FallbackSpec.Create(plan.Spec, plan.InputShape, plan.OutputShape, weightDiagnostics);
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // Reported by the analyzer, which checks the same weights file.
                fallback = FallbackSpec.InternalError(plan.Spec, plan.InputShape, plan.OutputShape);
            }

            if (fallback is null)
            {
                try
                {
                    FaultInjection.ThrowIfInjected(PipelineStage.Emission, plan.Spec.ClassName);
                    source = NetworkEmitter.Emit(plan, Version, pretrained, int8Pretrained);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    // The one failure the analyzer cannot see: report it here, on [Network], and fall back.
                    ReportEmissionFailure(context, plan.Spec, network.NetworkLocation, exception);
                    fallback = FallbackSpec.InternalError(plan.Spec, plan.InputShape, plan.OutputShape);
                }
            }
        }

        // A fallback must never run: none where every cause is configured not to fail the build (ConfiguredSeverity).
        if (source is null && fallback is not null && (fallback.Causes.Count == 0 || !fallback.Causes.All(network.ErrorsNotFailing.Contains)))
        {
            try
            {
                source = FallbackEmitter.Emit(fallback, Version);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                if (!fallback.Causes.Contains(DiagnosticIds.InternalError))
                {
                    ReportEmissionFailure(context, fallback.Spec, network.NetworkLocation, exception);
                }

                return;
            }
        }

        if (source is not null)
        {
            context.AddSource(HintNames.Unique(SpecOf(network), caseCollisions), SourceText.From(source, Encoding.UTF8));
        }
    }

    private static void ReportEmissionFailure(SourceProductionContext context, NetworkSpec spec, LocationInfo? location, Exception exception)
    {
        DiagnosticInfo info = InternalError.Create(spec.ClassName, PipelineStage.Emission, exception, spec.NetworkAttributeIndex);
        context.ReportDiagnostic(Diagnostic.Create(info.Descriptor, location?.ToLocation() ?? Location.None, info.MessageArguments.ToArray<object>()));
    }
}
