using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Diagnostics;

/// <summary>
/// A diagnostic found by the parser or by shape inference, located by the index of the attribute that
/// causes it among the class's attributes. The analyzer turns the index into the attribute's source location
/// and <see cref="Properties"/> into <see cref="Diagnostic.Properties"/>, where code fixes read what they need
/// (keys in <see cref="DiagnosticPropertyNames"/>). <see cref="RelatedAttributeIndex"/>, when not -1, names another
/// attribute the diagnostic is about (the <c>[Flatten]</c> a fix would remove, the recurrent layer whose option it would
/// change); the analyzer passes it as the diagnostic's additional location.
/// </summary>
internal sealed record DiagnosticInfo(
    DiagnosticDescriptor Descriptor,
    int AttributeIndex,
    EquatableArray<string> MessageArguments,
    EquatableArray<DiagnosticProperty> Properties,
    int RelatedAttributeIndex = -1)
{
    public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, int attributeIndex, params object[] messageArguments)
    {
        var arguments = new string[messageArguments.Length];
        for (int i = 0; i < arguments.Length; i++)
        {
            arguments[i] = Invariant(messageArguments[i]);
        }

        return new DiagnosticInfo(descriptor, attributeIndex, arguments.ToEquatableArray(), EquatableArray<DiagnosticProperty>.Empty);
    }

    public bool IsError => Descriptor.DefaultSeverity == DiagnosticSeverity.Error;

    /// <summary>This diagnostic with the property <paramref name="key"/> set to <paramref name="value"/> (invariant culture).</summary>
    public DiagnosticInfo WithProperty(string key, object value)
    {
        var properties = new List<DiagnosticProperty>();
        foreach (DiagnosticProperty property in Properties)
        {
            if (property.Key != key)
            {
                properties.Add(property);
            }
        }

        properties.Add(new DiagnosticProperty(key, Invariant(value)));
        return this with { Properties = properties.ToEquatableArray() };
    }

    /// <summary>This diagnostic, also about the attribute at <paramref name="attributeIndex"/> (see <see cref="RelatedAttributeIndex"/>).</summary>
    public DiagnosticInfo WithRelatedAttribute(int attributeIndex) => this with { RelatedAttributeIndex = attributeIndex };

    /// <summary>The properties as <see cref="Diagnostic.Create(DiagnosticDescriptor, Location, ImmutableDictionary{string, string}, object[])"/> takes them.</summary>
    public ImmutableDictionary<string, string?> PropertiesDictionary()
    {
        if (Properties.Count == 0)
        {
            return ImmutableDictionary<string, string?>.Empty;
        }

        ImmutableDictionary<string, string?>.Builder builder = ImmutableDictionary.CreateBuilder<string, string?>();
        foreach (DiagnosticProperty property in Properties)
        {
            builder[property.Key] = property.Value;
        }

        return builder.ToImmutable();
    }

    private static string Invariant(object value) =>
        System.Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty;
}

/// <summary>One entry of <see cref="DiagnosticInfo.Properties"/>.</summary>
internal sealed record DiagnosticProperty(string Key, string Value);
