#!/usr/bin/env bash
# A real language server shows NetDsl's diagnostics: installs csharp-ls 0.28.0 as a local dotnet tool, writes a consumer
# project that references the freshly built NetDsl.Runtime and, as an analyzer, NetDsl.Generator (as the NetDsl package
# does), starts csharp-ls over stdio with analyzers enabled, opens a file with a shape error that also uses the model
# everywhere, and waits for the textDocument/publishDiagnostics that holds NDSL0004 at the attribute's line and no
# other error or warning: the generator's fallback surface keeps the uses compiling (tests/lsp/LspCheck.cs is the client).
#
#   tests/lsp/run.sh [WORK_DIR]
#
# Slow (the server loads the project with MSBuild: about a minute), so not part of `dotnet test NetDsl.sln`.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
if [ $# -ge 1 ]; then
    work=$1
    mkdir -p "$work"
else
    work=$(mktemp -d "${TMPDIR:-/tmp}/netdsl-lsp.XXXXXX")
    trap 'rm -rf "$work"' EXIT
fi
work=$(cd "$work" && pwd)
consumer=$work/consumer
rm -rf "$consumer"
mkdir -p "$consumer"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1 DOTNET_CLI_UI_LANGUAGE=en-US
unset MSBuildExtensionsPath MSBuildSDKsPath MSBUILD_EXE_PATH MSBuildLoadMicrosoftTargetsReadOnly || true

echo "== build NetDsl (${SECONDS}s)"
dotnet build "$root/src/NetDsl.Runtime/NetDsl.Runtime.csproj" -c Debug -nologo -v q >"$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }
bin_runtime=$root/src/NetDsl.Runtime/bin/Debug/net10.0/NetDsl.Runtime.dll
bin_generator=$root/src/NetDsl.Generator/bin/Debug/netstandard2.0/NetDsl.Generator.dll

echo "== install csharp-ls 0.28.0 as a local tool (${SECONDS}s)"
(cd "$work" && dotnet new tool-manifest --force >/dev/null && dotnet tool install csharp-ls --version 0.28.0 >/dev/null)

for file in Directory.Build.props Directory.Build.targets; do echo '<Project />' >"$work/$file"; done
echo '<Project><PropertyGroup><ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally></PropertyGroup></Project>' >"$work/Directory.Packages.props"
cat >"$consumer/Consumer.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <ImplicitUsings>enable</ImplicitUsings>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="System.Numerics.Tensors" Version="10.0.15" />
    <Reference Include="$bin_runtime" />
    <Analyzer Include="$bin_generator" />
  </ItemGroup>
</Project>
XML
cat >"$consumer/Program.cs" <<'CS'
System.Console.WriteLine("consumer");
CS
cat >"$consumer/Net.cs" <<'CS'
using NetDsl;

namespace Consumer;

[Network]
[Input(3)]
[Linear(3, 2, Name = "fc1"), ReLU]
[Linear(3, 1, Name = "fc2")]
public partial class Net;

public static class Use
{
    public static float Predict()
    {
        var net = new Net(seed: 1);
        Net.Output y = net.Forward(new Net.Input(1f, 2f, 3f));
        net.ForwardTraining(new float[Net.InputSize], new float[Net.OutputSize]);
        net.Backward(new float[Net.OutputSize]);
        return y[0] + net.Parameters[0] + net.Fc1.OutFeatures + net.Fc2.InFeatures;
    }
}
CS

echo "== restore the consumer (${SECONDS}s)"
dotnet restore "$consumer" -nologo >"$work/restore.log" 2>&1 || { cat "$work/restore.log"; exit 1; }

echo "== csharp-ls: initialize, didOpen Net.cs, wait for NDSL0004 at line 8 and no other error or warning (${SECONDS}s)"
dotnet run --file "$root/tests/lsp/LspCheck.cs" -- "dotnet tool run --allow-roll-forward csharp-ls" "$consumer" "$consumer/Net.cs" 8 NDSL0004 "${NETDSL_LSP_TIMEOUT:-300}" only-ndsl
echo "== lsp test passed (${SECONDS}s)"
