using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace NetDsl.Generator.Model;

/// <summary>
/// A source location as plain, equatable values (file path and spans) rather than a <see cref="Location"/>, which holds
/// its syntax tree: the generator's pipeline keeps it to report a diagnostic from its output step (NDSL0032 when emission
/// fails) on the attribute that declares the network.
/// </summary>
internal sealed record LocationInfo(string FilePath, TextSpan Span, LinePositionSpan LineSpan)
{
    /// <summary>The location of <paramref name="reference"/>'s syntax, or null when it is not in a source file.</summary>
    public static LocationInfo? Of(SyntaxReference? reference, CancellationToken cancellationToken)
    {
        if (reference is null)
        {
            return null;
        }

        Location location = reference.GetSyntax(cancellationToken).GetLocation();
        return location.SourceTree is null ? null : new LocationInfo(location.SourceTree.FilePath, location.SourceSpan, location.GetLineSpan().Span);
    }

    public Location ToLocation() => Location.Create(FilePath, Span, LineSpan);
}
