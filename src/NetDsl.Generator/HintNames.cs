using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using NetDsl.Generator.Model;

namespace NetDsl.Generator;

/// <summary>
/// The names of the generated files. Roslyn compares hint names ignoring case and throws on a duplicate, which loses
/// every network of the project (CS8785), so two networks whose full names differ only in case (<c>Net</c> and
/// <c>NET</c>), or not at all (<c>partial class N</c> and <c>partial record N</c>, two types to the compiler, which
/// reports them), must get names that differ otherwise: each of them gets a hash of its exact name and kind appended.
/// </summary>
internal static class HintNames
{
    /// <summary><c>Namespace.Outer_1.Class.g.cs</c>, before disambiguation.</summary>
    public static string Of(NetworkSpec spec)
    {
        // Generic containing types keep their arity (Outer`1 becomes Outer_1), so that Outer<T>.Net and Outer<T, U>.Net,
        // both legal, do not get the same hint name.
        string name = spec.Namespace is null ? string.Empty : spec.Namespace + ".";
        foreach (ContainingTypeSpec type in spec.ContainingTypes)
        {
            int arity = type.TypeParameters.Length == 0 ? 0 : type.TypeParameters.Split(',').Length;
            name += type.Name + (arity == 0 ? string.Empty : "`" + arity.ToString(CultureInfo.InvariantCulture)) + ".";
        }

        var builder = new StringBuilder();
        foreach (char c in name + spec.ClassName)
        {
            builder.Append(char.IsLetterOrDigit(c) || c == '.' || c == '_' ? c : '_');
        }

        return builder.Append(".g.cs").ToString();
    }

    /// <summary>The hint names that another one equals ignoring case (usually none), sorted, for the pipeline to compare.</summary>
    public static EquatableArray<string> CaseCollisions(IEnumerable<string> hintNames) =>
        hintNames
            .GroupBy(name => name, StringComparer.OrdinalIgnoreCase)
            .Where(group => group.Count() > 1)
            .SelectMany(group => group.Distinct(StringComparer.Ordinal))
            .OrderBy(name => name, StringComparer.Ordinal)
            .ToEquatableArray();

    /// <summary>The file name of <paramref name="spec"/>: <see cref="Of"/>, with a hash of the exact name when it collides.</summary>
    public static string Unique(NetworkSpec spec, EquatableArray<string> caseCollisions)
    {
        string hint = Of(spec);
        if (!caseCollisions.Contains(hint))
        {
            return hint;
        }

        // FNV-1a over the exact (case-sensitive) declaration, kinds of the class and its containers included: stable
        // across runs and machines, unlike string.GetHashCode.
        string declaration = hint + (spec.IsRecord ? " record" : " class") + string.Concat(spec.ContainingTypes.Select(t => " " + t.Keyword + " " + t.Name + t.TypeParameters));
        uint hash = 2166136261;
        foreach (char c in declaration)
        {
            hash = (hash ^ c) * 16777619;
        }

        return hint.Substring(0, hint.Length - ".g.cs".Length) + "." + hash.ToString("x8", CultureInfo.InvariantCulture) + ".g.cs";
    }
}
