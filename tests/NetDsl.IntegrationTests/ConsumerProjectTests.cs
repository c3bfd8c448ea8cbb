using System;
using System.Diagnostics;
using System.IO;
using Xunit;

namespace NetDsl.IntegrationTests;

/// <summary>
/// Builds a separate consumer project with the real `dotnet build`, the way a user meets NetDsl: a wrong
/// Linear(in, out) must fail the build with NDSL0004 at the attribute's file, line and column, and the
/// corrected project must build and run.
/// </summary>
public sealed class ConsumerProjectTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "netdsl-consumer-" + Guid.NewGuid().ToString("N"));

    public ConsumerProjectTests()
    {
        Directory.CreateDirectory(_directory);
        string bin = AppContext.BaseDirectory;
        File.WriteAllText(Path.Combine(_directory, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>disable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
              </PropertyGroup>
              <ItemGroup>
                <Reference Include="{Path.Combine(bin, "NetDsl.Runtime.dll")}" />
                <Reference Include="{Path.Combine(bin, "System.Numerics.Tensors.dll")}" />
                <Analyzer Include="{Path.Combine(bin, "NetDsl.Generator.dll")}" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(_directory, "Program.cs"), """
            using System;
            using Consumer;

            var model = new Net(seed: 7);
            Net.Output output = model.Forward(new Net.Input(1f, 2f, 3f));
            Console.WriteLine("output " + output[0].ToString(System.Globalization.CultureInfo.InvariantCulture));
            """);
    }

    [Fact]
    public void WrongLinearInputFailsTheBuildAtTheAttributeAndTheFixBuildsAndRuns()
    {
        WriteNetwork("[Linear(3, 1, Name = \"fc2\")]");
        (int exitCode, string output) = Run("build");
        Assert.NotEqual(0, exitCode);
        string expected = Path.Combine(_directory, "Net.cs") + "(8,2): error NDSL0004: Layer 'fc2' (Linear) receives shape [2] but needs [3], its declared input size; write [Linear(2, 1)], or [Linear(1)] to infer the input size";
        Assert.Contains(expected, output);

        WriteNetwork("[Linear(2, 1, Name = \"fc2\")]");
        (exitCode, output) = Run("build");
        Assert.True(exitCode == 0, output);
        Assert.DoesNotContain("NDSL", output);

        (exitCode, output) = Run("run --no-build");
        Assert.True(exitCode == 0, output);
        Assert.Contains("output ", output);
    }

    private void WriteNetwork(string secondLayer) =>
        File.WriteAllText(Path.Combine(_directory, "Net.cs"), $"""
            using NetDsl;

            namespace Consumer;

            [Network]
            [Input(3)]
            [Linear(3, 2, Name = "fc1"), ReLU]
            {secondLayer}
            public partial class Net;
            """);

    private (int ExitCode, string Output) Run(string arguments)
    {
        var start = new ProcessStartInfo("dotnet", arguments + " -nologo")
        {
            WorkingDirectory = _directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        // The outer `dotnet test` sets MSBuild variables that would leak into the child build.
        start.Environment.Remove("MSBuildExtensionsPath");
        start.Environment.Remove("MSBuildSDKsPath");
        start.Environment.Remove("MSBUILD_EXE_PATH");
        using Process process = Process.Start(start)!;
        string stdout = process.StandardOutput.ReadToEnd();
        string stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout + stderr);
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
