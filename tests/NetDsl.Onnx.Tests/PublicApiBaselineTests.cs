using System.IO;
using NetDsl.TestSupport;
using Xunit;

namespace NetDsl.Onnx.Tests;

/// <summary>The ONNX exporter's public API is tracked in <c>src/NetDsl.Onnx/PublicAPI.txt</c> (see <see cref="PublicApiBaseline"/>).</summary>
public class PublicApiBaselineTests
{
    [Fact]
    public void The_onnx_public_api_matches_its_baseline() =>
        PublicApiBaseline.Verify(typeof(OnnxExporter).Assembly, Path.Combine(PublicApiBaseline.RepositoryRoot(), "src", "NetDsl.Onnx", "PublicAPI.txt"));
}
