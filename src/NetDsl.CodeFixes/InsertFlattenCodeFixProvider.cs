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
/// NDSL0013: a layer that needs one-dimensional samples receives a multi-dimensional shape; inserts <c>[Flatten]</c>
/// right before it, as the diagnostic suggests (PyTorch's <c>nn.Flatten()</c>). A layer that opens its attribute list
/// gets a list of its own (<c>[Flatten]</c> on the line before); one inside a list gets <c>Flatten, </c> before it.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(InsertFlattenCodeFixProvider)), Shared]
public sealed class InsertFlattenCodeFixProvider : NetDslCodeFixProvider
{
    /// <summary>The Fix All key of this fix.</summary>
    public const string EquivalenceKey = "NetDsl.InsertFlatten";

    private const string FlattenMetadataName = "NetDsl.FlattenAttribute";

    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.NeedsOneDimensionalInput);

    /// <inheritdoc/>
    protected override ImmutableArray<Fix> Plans(AttributeSyntax attribute, Diagnostic diagnostic, SemanticModel model, CancellationToken cancellationToken)
    {
        if (attribute.Parent is not AttributeListSyntax list || !IsLayer(model.GetSymbolInfo(attribute, cancellationToken).Symbol?.ContainingType))
        {
            return ImmutableArray<Fix>.Empty;
        }

        AttributeSyntax flatten = SyntaxFactory.Attribute(FlattenName(attribute, model, cancellationToken));
        int index = list.Attributes.IndexOf(attribute);
        if (index == 0)
        {
            AttributeListSyntax own = SyntaxFactory.AttributeList(SyntaxFactory.SingletonSeparatedList(flatten))
                .WithLeadingTrivia(list.GetLeadingTrivia())
                .WithTrailingTrivia(Separator(list));
            return ImmutableArray.Create(new Fix("Insert [Flatten] before this layer", EquivalenceKey, editor => editor.InsertBefore(list, own)));
        }

        return ImmutableArray.Create(new Fix(
            "Insert [Flatten] before this layer",
            EquivalenceKey,
            editor => editor.ReplaceNode(list, (current, _) =>
            {
                var currentList = (AttributeListSyntax)current;
                return index <= currentList.Attributes.Count
                    ? currentList.WithAttributes(currentList.Attributes.Insert(index, flatten.WithLeadingTrivia(currentList.Attributes[index].GetLeadingTrivia())))
                    : currentList;
            })));
    }

    /// <summary>
    /// <c>Flatten</c> written the way the user wrote the failing layer (<c>Linear</c>, <c>NetDsl.Linear</c>,
    /// <c>global::NetDsl.LinearAttribute</c>), if that binds to NetDsl's FlattenAttribute here; otherwise fully qualified.
    /// </summary>
    private static NameSyntax FlattenName(AttributeSyntax attribute, SemanticModel model, CancellationToken cancellationToken)
    {
        SimpleNameSyntax rightmost = attribute.Name switch
        {
            QualifiedNameSyntax qualified => qualified.Right,
            AliasQualifiedNameSyntax alias => alias.Name,
            SimpleNameSyntax simple => simple,
            _ => SyntaxFactory.IdentifierName("Flatten"),
        };
        string text = rightmost.Identifier.ValueText.EndsWith("Attribute", System.StringComparison.Ordinal) ? "FlattenAttribute" : "Flatten";
        NameSyntax mimic = attribute.Name.ReplaceNode(rightmost, SyntaxFactory.IdentifierName(text).WithTriviaFrom(rightmost)).WithoutTrivia();

        INamedTypeSymbol? flatten = model.Compilation.GetTypeByMetadataName(FlattenMetadataName);
        SymbolInfo speculative = model.GetSpeculativeSymbolInfo(attribute.SpanStart, SyntaxFactory.Attribute(mimic));
        if (flatten is not null && SymbolEqualityComparer.Default.Equals(speculative.Symbol?.ContainingType, flatten))
        {
            return mimic;
        }

        return SyntaxFactory.ParseName("global::NetDsl.Flatten");
    }

    /// <summary>Whether <paramref name="type"/> is a NetDsl layer attribute (derived from NetDsl.LayerAttribute).</summary>
    private static bool IsLayer(INamedTypeSymbol? type)
    {
        for (INamedTypeSymbol? current = type?.BaseType; current is not null; current = current.BaseType)
        {
            if (current.Name == "LayerAttribute" && current.ContainingNamespace is { Name: "NetDsl", ContainingNamespace.IsGlobalNamespace: true })
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>What follows the new list: the line break and indentation before <paramref name="list"/>, or a space when it shares a line.</summary>
    private static SyntaxTriviaList Separator(AttributeListSyntax list)
    {
        SyntaxToken previous = list.GetFirstToken().GetPreviousToken();
        foreach (SyntaxTrivia trivia in previous.TrailingTrivia)
        {
            if (trivia.IsKind(SyntaxKind.EndOfLineTrivia))
            {
                return SyntaxFactory.TriviaList(trivia);
            }
        }

        return SyntaxFactory.TriviaList(SyntaxFactory.Space);
    }
}
