using System.Collections.Generic;
using NetDsl.Generator.Emit;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Shapes;

/// <summary>How layers are named: their names key weight-file tensors; their PascalCase forms name the typed views.</summary>
internal static class LayerNames
{
    /// <summary>Whether a view property named <paramref name="property"/> would clash with a member the emitters declare.</summary>
    public static bool IsReservedMemberName(string property) => GeneratedMembers.IsReserved(property);

    /// <summary>The name of the layer at <paramref name="position"/> of the stack (0-based, [Input] not counted).</summary>
    public static string NameOf(LayerSpec layer, int position) => layer.ExplicitName ?? position.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>How messages refer to a layer: <c>'fc1'</c>, or <c>#2</c> for an unnamed one.</summary>
    public static string Label(LayerSpec layer, int position) =>
        layer.ExplicitName is { } name ? "'" + name + "'" : "#" + position.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The view property of a layer: <c>fc1</c> gives <c>Fc1</c>; an unnamed layer at position 2 gives <c>Layer2</c>.</summary>
    public static string PropertyNameOf(LayerSpec layer, int position) =>
        layer.ExplicitName is { Length: > 0 } name
            ? char.ToUpperInvariant(name[0]) + name.Substring(1)
            : "Layer" + position.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// A replacement for the duplicate name <paramref name="name"/>: its stem with the next free number (<c>fc</c> and
    /// <c>fc1</c> give <c>fc2</c>), valid, and used by no layer nor, as a view property, by any layer, generated member or
    /// the class. The result is added to <paramref name="takenNames"/> and <paramref name="takenProperties"/>, so that
    /// several duplicates get different suggestions.
    /// </summary>
    public static string SuggestUniqueName(string name, string className, HashSet<string> takenNames, HashSet<string> takenProperties)
    {
        int end = name.Length;
        while (end > 0 && name[end - 1] is >= '0' and <= '9')
        {
            end--;
        }

        string stem = name.Substring(0, end);
        if (stem.Length == 0 || !IsValidName(stem + "1"))
        {
            stem = "layer";
        }

        long number = 2;
        if (end < name.Length && end > 0 && long.TryParse(name.Substring(end), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long written) && written < int.MaxValue)
        {
            number = written + 1;
        }

        // Each taken name or property rules out at most one candidate, so this ends within that many steps.
        int limit = takenNames.Count + takenProperties.Count + 2;
        string candidate = stem + number.ToString(System.Globalization.CultureInfo.InvariantCulture);
        for (int attempt = 0; attempt < limit; attempt++, number++)
        {
            candidate = stem + number.ToString(System.Globalization.CultureInfo.InvariantCulture);
            string property = char.ToUpperInvariant(candidate[0]) + candidate.Substring(1);
            if (!takenNames.Contains(candidate) && !takenProperties.Contains(property) && !IsReservedMemberName(property) && property != className)
            {
                break;
            }
        }

        takenNames.Add(candidate);
        takenProperties.Add(char.ToUpperInvariant(candidate[0]) + candidate.Substring(1));
        return candidate;
    }

    /// <summary>Whether <paramref name="name"/> is an identifier of ASCII letters, digits and underscores, not starting with a digit.</summary>
    public static bool IsValidName(string name)
    {
        if (name.Length == 0 || char.IsDigit(name[0]))
        {
            return false;
        }

        foreach (char c in name)
        {
            bool valid = c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_';
            if (!valid)
            {
                return false;
            }
        }

        return true;
    }
}
