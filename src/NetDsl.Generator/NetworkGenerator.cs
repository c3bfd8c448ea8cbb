using System;
using System.Collections.Generic;
using System.Collections.Immutable;
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
/// Generates the members of every [Network] class. Invalid declarations are skipped silently: their
/// diagnostics come from <see cref="NetworkAnalyzer"/>, which runs the same parser and shape inference,
/// because editors show an analyzer's diagnostics but not always a generator's.
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

    private static readonly string Version = typeof(NetworkGenerator).Assembly.GetName().Version?.ToString() ?? "0.0.0.0";

    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        IncrementalValuesProvider<NetworkPlan> plans = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                KnownAttributes.NetworkMetadataName,
                predicate: static (node, _) => node is ClassDeclarationSyntax or RecordDeclarationSyntax,
                transform: static (context, cancellationToken) => ParseOrNull(context.TargetSymbol, cancellationToken))
            .Where(static spec => spec is not null)
            .WithTrackingName(ParseStepName)
            .Select(static (spec, _) => InferOrNull(spec!))
            .Where(static plan => plan is not null)
            .Select(static (plan, _) => plan!)
            .WithTrackingName(PlanStepName);

        IncrementalValueProvider<ImmutableArray<WeightFileContent>> weightFiles = context.AdditionalTextsProvider
            .Where(static file => file.Path.EndsWith(WeightFileContent.Extension, StringComparison.OrdinalIgnoreCase))
            .Select(static (file, cancellationToken) => WeightFileContent.Read(file, cancellationToken))
            .WithTrackingName(WeightFilesStepName)
            .Collect();

        context.RegisterSourceOutput(plans.Combine(weightFiles), static (context, input) =>
        {
            (NetworkPlan plan, ImmutableArray<WeightFileContent> files) = input;
            string source;
            try
            {
                (float[] Parameters, float[] Buffers)? pretrained = EmbeddedWeights.Read(plan, files, new List<DiagnosticInfo>());
                source = NetworkEmitter.Emit(plan, Version, pretrained);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // Never break the user's build: the analyzer reports the problems we know of; this one is our bug.
                return;
            }

            context.AddSource(HintName(plan.Spec), SourceText.From(source, Encoding.UTF8));
        });
    }

    private static NetworkSpec? ParseOrNull(ISymbol symbol, CancellationToken cancellationToken)
    {
        if (symbol is not INamedTypeSymbol type)
        {
            return null;
        }

        try
        {
            return NetworkParser.Parse(type, cancellationToken).Spec;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return null;
        }
    }

    private static NetworkPlan? InferOrNull(NetworkSpec spec)
    {
        try
        {
            return ShapeInference.Infer(spec, new List<DiagnosticInfo>());
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return null;
        }
    }

    private static string HintName(NetworkSpec spec)
    {
        // Generic containing types keep their arity (Outer`1 becomes Outer_1), so that Outer<T>.Net and Outer<T, U>.Net,
        // both legal, do not get the same hint name: AddSource would throw and the build would lose every network.
        string name = spec.Namespace is null ? string.Empty : spec.Namespace + ".";
        foreach (ContainingTypeSpec type in spec.ContainingTypes)
        {
            int arity = type.TypeParameters.Length == 0 ? 0 : type.TypeParameters.Split(',').Length;
            name += type.Name + (arity == 0 ? string.Empty : "`" + arity.ToString(System.Globalization.CultureInfo.InvariantCulture)) + ".";
        }

        var builder = new StringBuilder();
        foreach (char c in name + spec.ClassName)
        {
            builder.Append(char.IsLetterOrDigit(c) || c == '.' || c == '_' ? c : '_');
        }

        return builder.Append(".g.cs").ToString();
    }
}
