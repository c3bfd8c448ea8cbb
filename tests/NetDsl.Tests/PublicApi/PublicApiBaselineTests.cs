using System;
using System.ComponentModel;
using System.IO;
using System.Linq;
using System.Reflection;
using Xunit;

namespace NetDsl.Tests.PublicApi;

/// <summary>
/// The runtime's public API is tracked in <c>src/NetDsl.Runtime/PublicAPI.txt</c>: a change to the surface fails
/// here until the baseline is updated in the same commit, so every API change is a visible diff. To accept a
/// deliberate change, run the tests with <c>NETDSL_ACCEPT_API=1</c> (or copy the <c>.received.txt</c> file over the
/// baseline) and review the diff.
/// </summary>
public class PublicApiBaselineTests
{
    private static readonly Assembly Runtime = typeof(INetwork).Assembly;

    [Fact]
    public void The_runtime_public_api_matches_its_baseline() =>
        PublicApiBaseline.Verify(Runtime, Path.Combine(PublicApiBaseline.RepositoryRoot(), "src", "NetDsl.Runtime", "PublicAPI.txt"));

    [Fact]
    public void Everything_in_NetDsl_Generated_is_hidden_from_completion()
    {
        Type[] visible = Runtime.GetExportedTypes()
            .Where(t => t.Namespace == "NetDsl.Generated" && !t.IsNested)
            .Where(t => t.GetCustomAttribute<EditorBrowsableAttribute>() is not { State: EditorBrowsableState.Never })
            .ToArray();

        Assert.True(visible.Length == 0, "Types for generated code that completion would offer: " + string.Join(", ", visible.Select(t => t.FullName)));
        Assert.Contains(typeof(Generated.Guard), Runtime.GetExportedTypes());
    }

    [Fact]
    public void Kernels_live_only_in_NetDsl_Generated()
    {
        string[] misplaced = Runtime.GetExportedTypes()
            .Where(t => t.Namespace != "NetDsl.Generated" && (t.Name.EndsWith("Kernels", StringComparison.Ordinal) || t.Name is "ScalarActivations" or "WindowGeometry" or "Guard"))
            .Select(t => t.FullName!)
            .ToArray();

        Assert.Empty(misplaced);
    }
}
