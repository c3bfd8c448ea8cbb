using System.Collections.Immutable;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;

namespace NetDsl.CodeFixes;

/// <summary>
/// The shape every NetDsl code fix shares: a diagnostic located on an attribute becomes one edit through a
/// <see cref="DocumentEditor"/>, so that one fix and Fix All (every diagnostic of a document, project or solution
/// applied to the same editor) run the same code. A fix that cannot tell what to do for a diagnostic offers nothing.
/// </summary>
public abstract class NetDslCodeFixProvider : CodeFixProvider
{
    /// <inheritdoc/>
    public sealed override FixAllProvider GetFixAllProvider() =>
        FixAllProvider.Create(async (context, document, diagnostics) =>
        {
            if (diagnostics.IsEmpty)
            {
                return null;
            }

            SyntaxNode? root = await document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            if (root is null)
            {
                return null;
            }

            DocumentEditor editor = await DocumentEditor.CreateAsync(document, context.CancellationToken).ConfigureAwait(false);
            foreach (Diagnostic diagnostic in diagnostics)
            {
                if (AttributeAt(root, diagnostic) is { } attribute
                    && Plan(attribute, diagnostic, editor.SemanticModel, context.CancellationToken, context.CodeActionEquivalenceKey ?? string.Empty) is { } fix)
                {
                    fix.Apply(editor);
                }
            }

            return editor.GetChangedDocument();
        });

    /// <inheritdoc/>
    public sealed override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        SemanticModel? model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null || model is null)
        {
            return;
        }

        foreach (Diagnostic diagnostic in context.Diagnostics)
        {
            if (AttributeAt(root, diagnostic) is not { } attribute)
            {
                continue;
            }

            foreach (Fix fix in Plans(attribute, diagnostic, model, context.CancellationToken))
            {
                Document document = context.Document;
                string equivalenceKey = fix.EquivalenceKey;
                context.RegisterCodeFix(
                    CodeAction.Create(fix.Title, cancellationToken => ApplyAsync(document, diagnostic, equivalenceKey, cancellationToken), equivalenceKey),
                    diagnostic);
            }
        }
    }

    /// <summary>The fixes offered for <paramref name="diagnostic"/>, located on <paramref name="attribute"/>; none when it is unclear what to do.</summary>
    protected abstract ImmutableArray<Fix> Plans(AttributeSyntax attribute, Diagnostic diagnostic, SemanticModel model, CancellationToken cancellationToken);

    private Fix? Plan(AttributeSyntax attribute, Diagnostic diagnostic, SemanticModel model, CancellationToken cancellationToken, string? equivalenceKey = null)
    {
        foreach (Fix fix in Plans(attribute, diagnostic, model, cancellationToken))
        {
            if (equivalenceKey is null || fix.EquivalenceKey == equivalenceKey)
            {
                return fix;
            }
        }

        return null;
    }

    private async Task<Document> ApplyAsync(Document document, Diagnostic diagnostic, string equivalenceKey, CancellationToken cancellationToken)
    {
        DocumentEditor editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
        SyntaxNode root = editor.OriginalRoot;
        if (AttributeAt(root, diagnostic) is { } attribute
            && Plan(attribute, diagnostic, editor.SemanticModel, cancellationToken, equivalenceKey) is { } fix)
        {
            fix.Apply(editor);
        }

        return editor.GetChangedDocument();
    }

    /// <summary>The attribute at the diagnostic's first additional location, in the same file as <paramref name="attribute"/>.</summary>
    protected static AttributeSyntax? RelatedAttribute(AttributeSyntax attribute, Diagnostic diagnostic)
    {
        if (diagnostic.AdditionalLocations.Count == 0
            || diagnostic.AdditionalLocations[0] is not { IsInSource: true } location
            || location.SourceTree?.FilePath != attribute.SyntaxTree.FilePath)
        {
            return null;
        }

        SyntaxNode root = attribute.SyntaxTree.GetRoot();
        return root.FullSpan.Contains(location.SourceSpan)
            ? root.FindNode(location.SourceSpan, getInnermostNodeForTie: true).FirstAncestorOrSelf<AttributeSyntax>()
            : null;
    }

    private static AttributeSyntax? AttributeAt(SyntaxNode root, Diagnostic diagnostic)
    {
        if (!diagnostic.Location.IsInSource || !root.FullSpan.Contains(diagnostic.Location.SourceSpan))
        {
            return null;
        }

        return root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true).FirstAncestorOrSelf<AttributeSyntax>();
    }

    /// <summary>One way to fix a diagnostic: its title, its Fix All key, and the edit.</summary>
    protected sealed class Fix
    {
        private readonly System.Action<DocumentEditor> _apply;

        public Fix(string title, string equivalenceKey, System.Action<DocumentEditor> apply)
        {
            Title = title;
            EquivalenceKey = equivalenceKey;
            _apply = apply;
        }

        public string Title { get; }

        public string EquivalenceKey { get; }

        public void Apply(DocumentEditor editor) => _apply(editor);
    }
}
