using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace NetDsl.Generator.Parsing;

/// <summary>
/// Names as C# source must spell them: a class, namespace or type parameter named like a reserved keyword
/// (<c>@class</c>, <c>namespace @if</c>) keeps its <c>@</c>, or the generated declaration would not parse. The spec holds
/// the spelled form, so every emitter writes it as it is and messages show it as the user wrote it.
/// </summary>
internal static class Identifiers
{
    /// <summary>A namespace's dotted name with each keyword part escaped: <c>App.@if</c>.</summary>
    public static readonly SymbolDisplayFormat EscapedNamespace = new(
        typeQualificationStyle: SymbolDisplayTypeQualificationStyle.NameAndContainingTypesAndNamespaces,
        miscellaneousOptions: SymbolDisplayMiscellaneousOptions.EscapeKeywordIdentifiers);

    /// <summary><paramref name="name"/>, with <c>@</c> in front if it is a reserved keyword.</summary>
    public static string Escape(string name) => SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None ? "@" + name : name;
}
