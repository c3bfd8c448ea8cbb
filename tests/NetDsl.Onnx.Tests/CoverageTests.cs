using System;
using System.Linq;
using Xunit;

namespace NetDsl.Onnx.Tests;

/// <summary>Every layer kind NetDsl has is exported, and the differential tests run every one of them.</summary>
public sealed class CoverageTests
{
    [Fact]
    public void EveryLayerAttributeOfTheRuntimeHasATranslation()
    {
        string[] kinds = typeof(LayerAttribute).Assembly.GetExportedTypes()
            .Where(t => t.IsSubclassOf(typeof(LayerAttribute)) && !t.IsAbstract)
            .Select(t => t.Name[..^"Attribute".Length])
            .Order(StringComparer.Ordinal)
            .ToArray();

        Assert.Equal(kinds, OnnxExporter.SupportedLayerKinds.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void TheSampleNetworksUseEveryLayerKind() =>
        Assert.Equal(OnnxExporter.SupportedLayerKinds.Order(StringComparer.Ordinal), SampleNetworks.Kinds().Order(StringComparer.Ordinal));
}
