#!/usr/bin/env bash
# Packs NetDsl into a local folder feed and meets it the way a user does: a fresh console project with a plain
#   <PackageReference Include="NetDsl" Version="..." />
# restored from that feed (System.Numerics.Tensors from the normal registry), which must build with warnings as errors
# and run, and then, with a wrong Linear(in, out), must fail with NDSL0004 at the attribute's file and line and no
# compiler error (Program.cs uses the model; the generator's fallback keeps those uses compiling).
#
#   tests/package/run.sh [WORK_DIR]
#
# WORK_DIR (default: a new temporary folder, deleted at the end) receives feed/ (the .nupkg), packages/ (an isolated
# NuGet cache, so that no older NetDsl package of the same version is picked up) and consumer/. The xunit test
# NetDsl.IntegrationTests.PackageTests runs this script and then inspects feed/ itself.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
if [ $# -ge 1 ]; then
    work=$1
    mkdir -p "$work"
else
    work=$(mktemp -d "${TMPDIR:-/tmp}/netdsl-package.XXXXXX")
    trap 'rm -rf "$work"' EXIT
fi
work=$(cd "$work" && pwd)
feed=$work/feed
packages=$work/packages
consumer=$work/consumer
rm -rf "$feed" "$packages" "$consumer"
mkdir -p "$feed" "$packages" "$consumer"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
# When started by `dotnet test`, MSBuild variables of the outer build would leak into these builds.
unset MSBuildExtensionsPath MSBuildSDKsPath MSBUILD_EXE_PATH MSBuildLoadMicrosoftTargetsReadOnly || true

step() { printf '== %s (%ss)\n' "$1" "$SECONDS"; }
fail() { printf 'FAIL: %s\n' "$1" >&2; exit 1; }

step "pack"
dotnet pack "$root/src/NetDsl.Runtime/NetDsl.Runtime.csproj" -c Release -o "$feed" -nologo -nodeReuse:false \
    -p:ContinuousIntegrationBuild=true >"$work/pack.log" 2>&1 || { cat "$work/pack.log"; fail "dotnet pack failed"; }
package=$(ls "$feed"/NetDsl.*.nupkg | grep -v '\.snupkg$' | head -n 1)
[ -f "$package" ] || fail "no NetDsl package in $feed"
version=$(basename "$package" .nupkg)
version=${version#NetDsl.}
echo "packed $(basename "$package") (version $version)"

# Stop MSBuild's search for Directory.Build.* and Directory.Packages.props above the consumer.
for file in Directory.Build.props Directory.Build.targets; do echo '<Project />' >"$work/$file"; done
echo '<Project><PropertyGroup><ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally></PropertyGroup></Project>' >"$work/Directory.Packages.props"

# NetDsl only from the local feed; everything else from the registry, or from this machine's NuGet cache if it has it.
global_cache=${NUGET_PACKAGES:-$HOME/.nuget/packages}
cache_source=""
cache_mapping=""
if [ -d "$global_cache" ]; then
    cache_source="<add key=\"machine-cache\" value=\"$global_cache\" />"
    cache_mapping="<packageSource key=\"machine-cache\"><package pattern=\"*\" /></packageSource>"
fi
cat >"$consumer/nuget.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <config>
    <add key="globalPackagesFolder" value="$packages" />
  </config>
  <packageSources>
    <clear />
    <add key="netdsl-local" value="$feed" />
    $cache_source
    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" protocolVersion="3" />
  </packageSources>
  <packageSourceMapping>
    <packageSource key="netdsl-local"><package pattern="NetDsl" /></packageSource>
    $cache_mapping
    <packageSource key="nuget.org"><package pattern="*" /></packageSource>
  </packageSourceMapping>
</configuration>
XML

# A new console project as `dotnet new console` makes it, made strict: warnings as errors, the latest recommended
# analyzers, nullable on.
cat >"$consumer/Consumer.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <ImplicitUsings>enable</ImplicitUsings>
    <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
    <AnalysisLevel>latest-recommended</AnalysisLevel>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="NetDsl" Version="$version" />
  </ItemGroup>
</Project>
XML

# NDSL0015 (two activations in a row) is configured away, as a user would, so that Twice compiles under warnings as errors.
cat >"$consumer/.editorconfig" <<'TXT'
root = true

[*.cs]
dotnet_diagnostic.NDSL0015.severity = none
TXT

cat >"$consumer/Program.cs" <<'CS'
using System.Globalization;
using Consumer;
using NetDsl;

var model = new Net(seed: 7);
Net.Output output = model.Forward(new Net.Input(1f, 2f, 3f));
Console.WriteLine("output " + output[0].ToString(CultureInfo.InvariantCulture));
Console.WriteLine("parameters " + Net.ParameterCount.ToString(CultureInfo.InvariantCulture) + " " + Cnn.ParameterCount.ToString(CultureInfo.InvariantCulture));
Console.WriteLine("cnn " + string.Join(" ", Score<Cnn>().Select(s => s.ToString("F3", CultureInfo.InvariantCulture))));
Console.WriteLine("twice " + Twice.OutputSize.ToString(CultureInfo.InvariantCulture));

// Generic code over any generated network, through the runtime's interface: no reflection.
static float[] Score<T>()
    where T : class, INetwork<T>
{
    T network = T.Create(1);
    var scores = new float[T.OutputSize];
    network.Forward(new float[T.InputSize], scores);
    return scores;
}
CS

write_network() {
    cat >"$consumer/Net.cs" <<CS
using NetDsl;

namespace Consumer;

[Network]
[Input(3)]
[Linear(3, 2, Name = "fc1"), ReLU]
$1
public partial class Net;

[Network]
[Input(1, 8, 8)]
[Conv2D(4, Kernel = 3), ReLU, MaxPool2D(2)]
[Flatten]
[Linear(10)]
public partial class Cnn;

[Network]
[Input(2)]
[Linear(2), ReLU, Sigmoid]
public partial class Twice;
CS
}

step "restore"
dotnet restore "$consumer" -nologo >"$work/restore.log" 2>&1 || { cat "$work/restore.log"; fail "restore from the local feed failed"; }

step "build a valid network"
write_network '[Linear(2, 1, Name = "fc2")]'
if ! dotnet build "$consumer" --no-restore -nologo -nodeReuse:false >"$work/build-ok.log" 2>&1; then
    cat "$work/build-ok.log"; fail "the valid consumer did not build"
fi
grep -q "NDSL" "$work/build-ok.log" && { cat "$work/build-ok.log"; fail "the valid consumer reported an NDSL diagnostic"; }

step "run it"
dotnet run --project "$consumer" --no-build -nologo >"$work/run.log" 2>&1 || { cat "$work/run.log"; fail "the consumer did not run"; }
cat "$work/run.log"
grep -q "^output " "$work/run.log" || fail "the consumer printed no output"
grep -q "^parameters 11 " "$work/run.log" || fail "Net.ParameterCount is not 11"

step "build a shape error"
write_network '[Linear(3, 1, Name = "fc2")]'
if dotnet build "$consumer" --no-restore -nologo -nodeReuse:false >"$work/build-error.log" 2>&1; then
    cat "$work/build-error.log"; fail "a wrong Linear(3, 1) built"
fi
expected="$consumer/Net.cs(8,2): error NDSL0004: Layer 'fc2' (Linear) receives shape [2] but needs [3], its declared input size; write [Linear(2, 1)], or [Linear(1)] to infer the input size"
if ! grep -qF "$expected" "$work/build-error.log"; then
    cat "$work/build-error.log"; fail "expected: $expected"
fi
echo "found: $expected"
# Program.cs uses Net everywhere; the generator's fallback surface keeps those uses compiling, so NDSL0004 is alone.
if grep -E "error CS[0-9]+" "$work/build-error.log"; then
    fail "the shape error came with compiler errors: the fallback should keep the uses of Net compiling"
fi
echo "no compiler error besides NDSL0004"

step "done"
echo "package test passed"
