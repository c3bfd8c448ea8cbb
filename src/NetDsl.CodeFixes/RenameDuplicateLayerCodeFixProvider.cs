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
/// NDSL0009: renames the later of two layers with the same name (or the same view property) to the name the analyzer
/// suggests, one that no other layer of the network has and that clashes with no generated member. Several duplicates
/// in one network get different suggestions, so Fix All leaves every name unique.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(RenameDuplicateLayerCodeFixProvider)), Shared]
public sealed class RenameDuplicateLayerCodeFixProvider : NetDslCodeFixProvider
{
    /// <summary>The Fix All key of this fix.</summary>
    public const string EquivalenceKey = "NetDsl.RenameDuplicateLayer";

    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.DuplicateLayerName);

    /// <inheritdoc/>
    protected override ImmutableArray<Fix> Plans(AttributeSyntax attribute, Diagnostic diagnostic, SemanticModel model, CancellationToken cancellationToken)
    {
        if (!diagnostic.Properties.TryGetValue(DiagnosticPropertyNames.SuggestedName, out string? suggested) || string.IsNullOrEmpty(suggested))
        {
            return ImmutableArray<Fix>.Empty;
        }

        string title = "Rename the layer to '" + suggested + "'";
        LiteralExpressionSyntax literal = SyntaxFactory.LiteralExpression(SyntaxKind.StringLiteralExpression, SyntaxFactory.Literal(suggested!));
        AttributeArgumentSyntax? name = null;
        if (attribute.ArgumentList is { } arguments)
        {
            foreach (AttributeArgumentSyntax argument in arguments.Arguments)
            {
                if (argument.NameEquals?.Name.Identifier.ValueText == "Name")
                {
                    name = argument;
                }
            }
        }

        if (name is not null)
        {
            // Only a name written as a string literal is replaced; a constant may be used elsewhere.
            if (!name.Expression.IsKind(SyntaxKind.StringLiteralExpression))
            {
                return ImmutableArray<Fix>.Empty;
            }

            ExpressionSyntax expression = name.Expression;
            return ImmutableArray.Create(new Fix(title, EquivalenceKey, editor => editor.ReplaceNode(expression, literal.WithTriviaFrom(expression))));
        }

        // An unnamed layer whose default view name (Layer2) is taken: give it a name.
        AttributeArgumentSyntax added = SyntaxFactory.AttributeArgument(literal)
            .WithNameEquals(SyntaxFactory.NameEquals(SyntaxFactory.IdentifierName("Name"), SyntaxFactory.Token(SyntaxKind.EqualsToken).WithLeadingTrivia(SyntaxFactory.Space).WithTrailingTrivia(SyntaxFactory.Space)));
        return ImmutableArray.Create(new Fix(title, EquivalenceKey, editor => editor.ReplaceNode(attribute, (current, _) =>
        {
            var currentAttribute = (AttributeSyntax)current;
            AttributeArgumentListSyntax list = currentAttribute.ArgumentList ?? SyntaxFactory.AttributeArgumentList();
            SeparatedSyntaxList<AttributeArgumentSyntax> withName = list.Arguments.Count == 0
                ? list.Arguments.Add(added)
                : list.Arguments.Add(added.WithLeadingTrivia(SyntaxFactory.Space));
            return currentAttribute.WithArgumentList(list.WithArguments(withName));
        })));
    }
}
