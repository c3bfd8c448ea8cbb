using System;
using System.IO;
using Xunit;

namespace NetDsl.IntegrationTests;

/// <summary>
/// NDSL1001, the build warning of NetDsl.targets (shipped in the package's build/ folder): NativeAOT on x64 without
/// IlcInstructionSet compiles for a baseline CPU, where the kernels run about 70x slower. The target runs in a bare
/// MSBuild project that imports the file, so no SDK or NativeAOT package is restored.
/// </summary>
public sealed class NativeAotInstructionSetTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "netdsl-aot-" + Guid.NewGuid().ToString("N"));

    public NativeAotInstructionSetTests()
    {
        Directory.CreateDirectory(_directory);
        string targets = Path.Combine(PackageTests.RepositoryRoot(), "src", "NetDsl.Generator", "build", "NetDsl.targets");
        File.WriteAllText(Path.Combine(_directory, "Check.proj"), $"""
            <Project>
              <Import Project="{targets}" />
              <Target Name="CoreCompile" />
            </Project>
            """);
    }

    [Theory]
    [InlineData("-p:PublishAot=true -p:RuntimeIdentifier=linux-x64", true)]
    [InlineData("-p:PublishAot=true -p:RuntimeIdentifier=win-x64", true)]
    [InlineData("-p:PublishAot=true -p:RuntimeIdentifier=linux-x64 -p:IlcInstructionSet=x86-64-v3", false)]
    [InlineData("-p:PublishAot=true -p:RuntimeIdentifier=linux-arm64", false)]
    [InlineData("-p:PublishAot=true -p:RuntimeIdentifier=linux-x64 -p:NoWarn=CS1591%3BNDSL1001", false)]
    [InlineData("-p:RuntimeIdentifier=linux-x64", false)]
    public void A_NativeAot_build_for_a_baseline_x64_CPU_warns(string properties, bool warns)
    {
        (int exitCode, string output) = PackageTests.Run("dotnet", $"msbuild \"{Path.Combine(_directory, "Check.proj")}\" -t:CoreCompile -nologo -nodeReuse:false {properties}");
        Assert.True(exitCode == 0, output);
        if (warns)
        {
            Assert.Contains("warning NDSL1001: PublishAot without IlcInstructionSet compiles NetDsl's kernels for the baseline x64 CPU", output, StringComparison.Ordinal);
            Assert.Contains("Set <IlcInstructionSet>x86-64-v3</IlcInstructionSet>", output, StringComparison.Ordinal);
        }
        else
        {
            Assert.DoesNotContain("NDSL1001", output, StringComparison.Ordinal);
        }
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
