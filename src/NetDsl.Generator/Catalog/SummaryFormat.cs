using System.Collections.Generic;
using System.Globalization;
using NetDsl.Generator.Emit;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Catalog;

/// <summary>Pieces of the summary texts descriptors write: numbers and a window's stride, padding and dilation.</summary>
internal static class SummaryFormat
{
    public static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary><c>3x3</c> for a 2-D window, <c>k3</c> for a 1-D one.</summary>
    public static string Kernel(Window w, bool twoD) =>
        twoD ? Literals.Int(w.KernelHeight) + "x" + Literals.Int(w.KernelWidth) : "k" + Literals.Int(w.KernelWidth);

    /// <summary>Adds the stride, padding and dilation that differ from 1, 0 and 1.</summary>
    public static void AddWindowExtras(List<string> parts, bool twoD, Window w)
    {
        if (w.StrideHeight != 1 || w.StrideWidth != 1)
        {
            parts.Add("stride " + (twoD && w.StrideHeight != w.StrideWidth ? Literals.Int(w.StrideHeight) + "x" + Literals.Int(w.StrideWidth) : Literals.Int(w.StrideWidth)));
        }

        if (w.PadTop != 0 || w.PadLeft != 0 || w.PadBottom != 0 || w.PadRight != 0)
        {
            // 'same' padding of an even effective kernel pads one more after than before: show both, "(0, 1)".
            parts.Add("padding " + (twoD ? Pads(w.PadTop, w.PadBottom) + "x" + Pads(w.PadLeft, w.PadRight) : Pads(w.PadLeft, w.PadRight)));
        }

        if (w.DilationHeight != 1 || w.DilationWidth != 1)
        {
            parts.Add("dilation " + (twoD && w.DilationHeight != w.DilationWidth ? Literals.Int(w.DilationHeight) + "x" + Literals.Int(w.DilationWidth) : Literals.Int(w.DilationWidth)));
        }
    }

    private static string Pads(int before, int after) =>
        before == after ? Literals.Int(before) : "(" + Literals.Int(before) + ", " + Literals.Int(after) + ")";
}
