using System.Collections.Immutable;
using System.Composition;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NetDsl.Generator.Diagnostics;

namespace NetDsl.CodeFixes;

/// <summary>
/// NDSL0023 on a layer that needs a sequence of steps, where the analyzer found the one attribute that broke the sequence
/// (its additional location, what to do in <see cref="DiagnosticPropertyNames.SequenceFix"/>):
/// a <c>[Flatten]</c> right before a recurrent layer is removed; a recurrent layer with <c>ReturnSequences = false</c>
/// whose final state reaches a per-step layer (<c>[MeanOverTime]</c>, <c>[LastStep]</c>, attention...) gets
/// <c>ReturnSequences = true</c>.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(SequenceLayoutCodeFixProvider)), Shared]
public sealed class SequenceLayoutCodeFixProvider : NetDslCodeFixProvider
{
    /// <summary>The Fix All key of "remove the Flatten before this layer".</summary>
    public const string RemoveFlattenKey = "NetDsl.RemoveFlattenBeforeSequence";

    /// <summary>The Fix All key of "set ReturnSequences = true".</summary>
    public const string ReturnSequencesKey = "NetDsl.ReturnSequences";

    private const string ReturnSequences = "ReturnSequences";

    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.WrongInputRank);

    /// <inheritdoc/>
    protected override ImmutableArray<Fix> Plans(AttributeSyntax attribute, Diagnostic diagnostic, SemanticModel model, CancellationToken cancellationToken)
    {
        if (!diagnostic.Properties.TryGetValue(DiagnosticPropertyNames.SequenceFix, out string? fix)
            || RelatedAttribute(attribute, diagnostic) is not { } related)
        {
            return ImmutableArray<Fix>.Empty;
        }

        return fix switch
        {
            SequenceFixes.RemoveFlatten when related.Parent is AttributeListSyntax =>
                ImmutableArray.Create(new Fix("Remove the [Flatten] before this layer", RemoveFlattenKey, editor => Remove(editor, related))),
            SequenceFixes.ReturnSequences when ReturnSequencesArgument(related) is { } argument =>
                ImmutableArray.Create(new Fix(
                    "Set ReturnSequences = true on the " + related.Name.ToString(),
                    ReturnSequencesKey,
                    editor => editor.ReplaceNode(
                        argument.Expression,
                        SyntaxFactory.LiteralExpression(SyntaxKind.TrueLiteralExpression).WithTriviaFrom(argument.Expression)))),
            _ => ImmutableArray<Fix>.Empty,
        };
    }

    /// <summary>Removes <paramref name="attribute"/>: its whole list (and line) when it is alone in it, otherwise only it and its comma.</summary>
    private static void Remove(Microsoft.CodeAnalysis.Editing.DocumentEditor editor, AttributeSyntax attribute)
    {
        var list = (AttributeListSyntax)attribute.Parent!;
        if (list.Attributes.Count == 1)
        {
            editor.RemoveNode(list, SyntaxRemoveOptions.KeepUnbalancedDirectives);
            return;
        }

        editor.RemoveNode(attribute);
    }

    /// <summary>The <c>ReturnSequences = ...</c> argument of a recurrent layer's attribute.</summary>
    private static AttributeArgumentSyntax? ReturnSequencesArgument(AttributeSyntax attribute)
    {
        if (attribute.ArgumentList is null)
        {
            return null;
        }

        foreach (AttributeArgumentSyntax argument in attribute.ArgumentList.Arguments)
        {
            if (argument.NameEquals?.Name.Identifier.ValueText == ReturnSequences)
            {
                return argument;
            }
        }

        return null;
    }
}
