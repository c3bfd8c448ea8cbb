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
/// NDSL0004 (<c>Linear(in, out)</c>) and NDSL0027 (<c>Conv1D/Conv2D(in, out, ...)</c>): the declared input size does not
/// match what arrives. Offers to write the size that arrives (the analyzer passes it), or to drop the declared size so
/// that NetDsl infers it.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UseInferredSizeCodeFixProvider)), Shared]
public sealed class UseInferredSizeCodeFixProvider : NetDslCodeFixProvider
{
    /// <summary>The Fix All key of "write the inferred size".</summary>
    public const string WriteSizeKey = "NetDsl.WriteInferredSize";

    /// <summary>The Fix All key of "remove the declared size".</summary>
    public const string RemoveSizeKey = "NetDsl.RemoveDeclaredSize";

    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } =
        ImmutableArray.Create(DiagnosticIds.LinearInputMismatch, DiagnosticIds.ChannelMismatch);

    /// <inheritdoc/>
    protected override ImmutableArray<Fix> Plans(AttributeSyntax attribute, Diagnostic diagnostic, SemanticModel model, CancellationToken cancellationToken)
    {
        if (!diagnostic.Properties.TryGetValue(DiagnosticPropertyNames.InferredSize, out string? text)
            || !int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int size)
            || size <= 0
            || InputSizeArgument(attribute, model, cancellationToken) is not { } argument)
        {
            return ImmutableArray<Fix>.Empty;
        }

        int index = attribute.ArgumentList!.Arguments.IndexOf(argument);
        bool channels = diagnostic.Id == DiagnosticIds.ChannelMismatch;
        string what = channels ? "input channels" : "input size";
        string sizeText = size.ToString(CultureInfo.InvariantCulture);
        LiteralExpressionSyntax literal = SyntaxFactory.LiteralExpression(SyntaxKind.NumericLiteralExpression, SyntaxFactory.Literal(size))
            .WithTriviaFrom(argument.Expression);
        return ImmutableArray.Create(
            new Fix(
                "Use the " + what + (channels ? " that arrive: " : " that arrives: ") + sizeText,
                WriteSizeKey,
                editor => editor.ReplaceNode(argument.Expression, literal)),
            new Fix(
                "Remove the declared " + what + " (NetDsl infers it)",
                RemoveSizeKey,
                editor => editor.ReplaceNode(attribute, (current, _) => RemoveArgument((AttributeSyntax)current, index))));
    }

    /// <summary>
    /// The argument that declares the input size: the constructor's first parameter (<c>inFeatures</c>, <c>inChannels</c>)
    /// of the two-size constructor, positional or named (<c>inFeatures: 3</c>); null for any other constructor.
    /// </summary>
    private static AttributeArgumentSyntax? InputSizeArgument(AttributeSyntax attribute, SemanticModel model, CancellationToken cancellationToken)
    {
        if (attribute.ArgumentList is not { } arguments
            || model.GetSymbolInfo(attribute, cancellationToken).Symbol is not IMethodSymbol { Parameters.Length: 2 } constructor)
        {
            return null;
        }

        string parameter = constructor.Parameters[0].Name;
        int position = 0;
        foreach (AttributeArgumentSyntax argument in arguments.Arguments)
        {
            if (argument.NameEquals is not null)
            {
                continue;
            }

            if (argument.NameColon is { } nameColon ? nameColon.Name.Identifier.ValueText == parameter : position == 0)
            {
                return argument;
            }

            position++;
        }

        return null;
    }

    private static AttributeSyntax RemoveArgument(AttributeSyntax attribute, int index)
    {
        // One fix per attribute, so the editor has not changed this argument list: the original index still holds.
        if (attribute.ArgumentList is not { } list || index < 0 || index >= list.Arguments.Count)
        {
            return attribute;
        }

        AttributeArgumentSyntax removed = list.Arguments[index];
        SeparatedSyntaxList<AttributeArgumentSyntax> remaining = list.Arguments.RemoveAt(index);
        if (index == 0 && remaining.Count > 0)
        {
            // "(3, 1)" becomes "(1)", not "( 1)".
            remaining = remaining.Replace(remaining[0], remaining[0].WithLeadingTrivia(removed.GetLeadingTrivia()));
        }

        return attribute.WithArgumentList(list.WithArguments(remaining));
    }
}
