using System;
using System.IO;
using System.Linq;
using NetDsl.Generator.Catalog;
using NetDsl.Generator.Model;
using Xunit;

namespace NetDsl.Generator.Tests;

/// <summary>
/// The layer catalog covers the runtime: every layer attribute has exactly one descriptor, every kind a descriptor, and
/// docs/layers.md documents every attribute. (The ONNX translation of every attribute is checked by the ONNX tests'
/// CoverageTests, the double-precision reference of every kind by NetDsl.Tests' LayerCoverageTests.)
/// </summary>
public sealed class LayerCatalogTests
{
    private static readonly string[] AttributeNames = typeof(LayerAttribute).Assembly.GetExportedTypes()
        .Where(t => t.IsSubclassOf(typeof(LayerAttribute)) && !t.IsAbstract)
        .Select(t => t.Name[..^"Attribute".Length])
        .Order(StringComparer.Ordinal)
        .ToArray();

    [Fact]
    public void EveryLayerAttributeHasOneDescriptor()
    {
        string[] described = LayerCatalog.All.Select(d => d.AttributeName).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(AttributeNames, described);
    }

    [Fact]
    public void EveryLayerKindButInputAndUnknownHasADescriptor()
    {
        foreach (LayerKind kind in Enum.GetValues<LayerKind>().Where(k => k is not (LayerKind.Input or LayerKind.Unknown)))
        {
            Assert.Equal(kind, LayerCatalog.For(kind).Kind);
        }

        Assert.Null(LayerCatalog.Find(LayerKind.Unknown));
        Assert.Throws<InvalidOperationException>(() => LayerCatalog.For(LayerKind.Unknown));
    }

    [Fact]
    public void EveryLayerAttributeIsDocumented()
    {
        string docs = File.ReadAllText(Path.Combine(DiagnosticCatalogTests.RepositoryRoot(), "docs", "layers.md"));
        string[] missing = AttributeNames.Where(name => !docs.Contains("`[" + name + "]`", StringComparison.Ordinal) && !docs.Contains("`[" + name + "(", StringComparison.Ordinal)).ToArray();
        Assert.True(missing.Length == 0, "docs/layers.md has no entry for: " + string.Join(", ", missing));
    }
}
