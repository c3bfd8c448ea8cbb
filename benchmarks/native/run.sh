#!/bin/sh
# Builds and runs the C++ baseline (forward cases) on the weights and inputs that NetDsl.Benchmarks exports.
# Usage: benchmarks/native/run.sh   (from anywhere; needs g++ and the .NET SDK)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out="$here/out"
mkdir -p "$out"
dotnet run -c Release --project "$root/benchmarks/NetDsl.Benchmarks" -- --export-native "$out/data"
g++ --version | head -1
g++ -O3 -march=native -ffast-math -std=c++17 -o "$out/baseline" "$here/baseline.cpp"
"$out/baseline" "$out/data"
