#!/bin/sh
# Builds and runs the C++ baselines on the weights, inputs and expected values that NetDsl.Benchmarks exports:
# baseline.cpp (plain loops: N1/N2/N3 forward and training steps) and, where Eigen 3 is installed
# (apt-get install libeigen3-dev), eigen.cpp (N1/N2 forward and training steps with Eigen).
# Usage: benchmarks/native/run.sh   (from anywhere; needs g++ and the .NET SDK)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out="$here/out"
flags="-O3 -march=native -ffast-math -DNDEBUG -std=c++17"
mkdir -p "$out"
dotnet run -c Release --project "$root/benchmarks/NetDsl.Benchmarks" -- --export-native "$out/data"
g++ --version | head -1
g++ $flags -o "$out/baseline" "$here/baseline.cpp"

eigen_include=""
for dir in $(pkg-config --cflags-only-I eigen3 2>/dev/null | sed 's/-I//g') /usr/include/eigen3 /usr/local/include/eigen3; do
    if [ -f "$dir/Eigen/Dense" ]; then eigen_include="$dir"; break; fi
done
if [ -n "$eigen_include" ]; then
    g++ $flags -isystem "$eigen_include" -o "$out/eigen" "$here/eigen.cpp"
fi

echo "load before: $(uptime)"
status=0
"$out/baseline" "$out/data" || status=1
if [ -n "$eigen_include" ]; then
    "$out/eigen" "$out/data" || status=1
else
    echo "Eigen: unavailable (Eigen/Dense not found; install libeigen3-dev)"
fi
echo "load after:  $(uptime)"
exit $status
