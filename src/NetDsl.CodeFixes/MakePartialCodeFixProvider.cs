using System.Collections.Immutable;
using System.Composition;
using System.Globalization;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NetDsl.Generator.Diagnostics;

namespace NetDsl.CodeFixes;

/// <summary>
/// NDSL0006 and NDSL0007: adds <c>partial</c> to the network class, or to the type that contains it (the declaration
/// that encloses the [Network] attribute; the diagnostic says how many levels out).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MakePartialCodeFixProvider)), Shared]
public sealed class MakePartialCodeFixProvider : NetDslCodeFixProvider
{
    /// <summary>The Fix All key of this fix.</summary>
    public const string EquivalenceKey = "NetDsl.MakePartial";

    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } =
        ImmutableArray.Create(DiagnosticIds.NotPartial, DiagnosticIds.ContainingTypeNotPartial);

    /// <inheritdoc/>
    protected override ImmutableArray<Fix> Plans(AttributeSyntax attribute, Diagnostic diagnostic, SemanticModel model, CancellationToken cancellationToken)
    {
        if (attribute.Parent?.Parent is not TypeDeclarationSyntax network)
        {
            return ImmutableArray<Fix>.Empty;
        }

        TypeDeclarationSyntax? target = network;
        if (diagnostic.Id == DiagnosticIds.ContainingTypeNotPartial)
        {
            if (!diagnostic.Properties.TryGetValue(DiagnosticPropertyNames.ContainingTypeDepth, out string? text)
                || !int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int depth)
                || depth < 1)
            {
                return ImmutableArray<Fix>.Empty;
            }

            for (int level = 0; level < depth && target is not null; level++)
            {
                target = target.Parent as TypeDeclarationSyntax;
            }
        }

        if (target is null || target.Modifiers.Any(SyntaxKind.PartialKeyword))
        {
            return ImmutableArray<Fix>.Empty;
        }

        TypeDeclarationSyntax declaration = target;
        return ImmutableArray.Create(new Fix(
            "Make '" + declaration.Identifier.ValueText + "' partial",
            EquivalenceKey,
            editor => editor.ReplaceNode(declaration, (current, _) => AddPartial((TypeDeclarationSyntax)current))));
    }

    /// <summary>
    /// <paramref name="declaration"/> with <c>partial</c> as its last modifier (C# wants it directly before the keyword),
    /// keeping the declaration's leading trivia in front.
    /// </summary>
    internal static TypeDeclarationSyntax AddPartial(TypeDeclarationSyntax declaration)
    {
        if (declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
        {
            return declaration;
        }

        SyntaxToken partial = SyntaxFactory.Token(SyntaxKind.PartialKeyword).WithTrailingTrivia(SyntaxFactory.Space);
        if (declaration.Modifiers.Count > 0)
        {
            return declaration.WithModifiers(declaration.Modifiers.Add(partial));
        }

        // No modifiers: the keyword carries the trivia that separates the declaration from its attributes.
        SyntaxToken keyword = declaration.Keyword;
        return declaration
            .WithKeyword(keyword.WithLeadingTrivia())
            .WithModifiers(SyntaxFactory.TokenList(partial.WithLeadingTrivia(keyword.LeadingTrivia)));
    }
}
