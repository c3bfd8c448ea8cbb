using Microsoft.CodeAnalysis;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Diagnostics;

/// <summary>
/// A diagnostic found by the parser or by shape inference, located by the index of the attribute that
/// causes it among the class's attributes. The analyzer turns the index into the attribute's source location.
/// </summary>
internal sealed record DiagnosticInfo(DiagnosticDescriptor Descriptor, int AttributeIndex, EquatableArray<string> MessageArguments)
{
    public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, int attributeIndex, params object[] messageArguments)
    {
        var arguments = new string[messageArguments.Length];
        for (int i = 0; i < arguments.Length; i++)
        {
            arguments[i] = System.Convert.ToString(messageArguments[i], System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty;
        }

        return new DiagnosticInfo(descriptor, attributeIndex, arguments.ToEquatableArray());
    }

    public bool IsError => Descriptor.DefaultSeverity == DiagnosticSeverity.Error;
}
