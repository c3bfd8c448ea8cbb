using System;
using System.Linq;
using Xunit;

namespace NetDsl.Tests;

/// <summary>
/// Every layer attribute of the runtime appears in a network of <see cref="LayerNetworks"/>, whose three emit paths the
/// numerics tests check against the double-precision reference (and the smooth ones against finite differences), or in
/// the token network of <see cref="EmbeddingTests"/>.
/// </summary>
public sealed class LayerCoverageTests
{
    [Fact]
    public void EveryLayerAttributeIsCheckedAgainstTheReference()
    {
        string[] attributes = typeof(LayerAttribute).Assembly.GetExportedTypes()
            .Where(t => t.IsSubclassOf(typeof(LayerAttribute)) && !t.IsAbstract)
            .Select(t => t.Name[..^"Attribute".Length])
            .ToArray();
        // Token networks need whole-number inputs, which the layer-catalog theories do not draw: EmbeddingTests checks TokenGruNet against the reference.
        string[] covered = LayerNetworks.All.SelectMany(c => c.Factory(1).Layers.Select(l => l.Kind))
            .Concat(new TokenGruNet(1).Layers.Select(l => l.Kind))
            .Distinct().ToArray();
        string[] missing = attributes.Except(covered, StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        Assert.True(missing.Length == 0, "No network of LayerNetworks (checked against the reference) uses: " + string.Join(", ", missing));
    }
}
