#!/bin/sh
# Makes TorchSharp-cpu 0.107 load on a libstdc++ older than GCC 13's (Debian 12 stops at GLIBCXX_3.4.30).
#
# TorchSharp 0.107's libLibTorchSharp.so requires GLIBCXX_3.4.32 for one symbol only, std::ios_base_library_init()
# (_ZSt21ios_base_library_initv), which GCC 13's <iostream> references instead of a static std::ios_base::Init per
# translation unit. This script
#   1. restores TorchSharp-cpu (-p:WithTorchSharp=true) if the package is not in the NuGet cache yet,
#   2. builds out/libglibcxx_ios_init_shim.so, which defines that symbol (and constructs std::ios_base::Init),
#   3. copies the package's libLibTorchSharp.so to out/ and, on the copy: adds the shim as a DT_NEEDED entry
#      (patchelf --add-needed; the library's RUNPATH starts with $ORIGIN, so the shim is found next to it), unversions
#      the symbol (patchelf --clear-symbol-version) and marks the GLIBCXX_3.4.32 requirement weak (weaken_version.py;
#      patchelf leaves the requirement in .gnu.version_r, and the loader rejects unmet non-weak requirements).
# NetDsl.Benchmarks.csproj copies out/*.so over the package's copy in its build output after every build with
# -p:WithTorchSharp=true. The NuGet cache is never modified. On a system whose libstdc++ has GLIBCXX_3.4.32 nothing is
# patched (and out/ is removed).
#
# Usage: benchmarks/torchsharp/setup.sh   (needs the .NET SDK, g++, python3, patchelf; installs patchelf with apt-get
#        when missing and running as root)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out="$here/out"
version=0.107.0
symbol=_ZSt21ios_base_library_initv

libstdcxx=$(g++ -print-file-name=libstdc++.so.6)
[ -f "$libstdcxx" ] || libstdcxx=/usr/lib/x86_64-linux-gnu/libstdc++.so.6
if grep -q GLIBCXX_3.4.32 "$libstdcxx"; then
    echo "$libstdcxx provides GLIBCXX_3.4.32: TorchSharp loads as shipped, nothing to patch."
    rm -rf "$out"
    exit 0
fi

if ! command -v patchelf >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        apt-get install -y patchelf
    else
        echo "patchelf is missing: install it (apt-get install patchelf) and rerun." >&2
        exit 1
    fi
fi

packages=$(dotnet nuget locals global-packages --list | sed 's/^global-packages: *//')
original="$packages/torchsharp/$version/runtimes/linux-x64/native/libLibTorchSharp.so"
if [ ! -f "$original" ]; then
    echo "Restoring TorchSharp-cpu $version (downloads libtorch, several hundred MB)..."
    dotnet restore "$root/benchmarks/NetDsl.Benchmarks" -p:WithTorchSharp=true
fi
[ -f "$original" ] || { echo "not found after restore: $original" >&2; exit 1; }

rm -rf "$out"
mkdir -p "$out"
g++ -O2 -shared -fPIC -o "$out/libglibcxx_ios_init_shim.so" "$here/ios_init_shim.cpp"
nm -D "$out/libglibcxx_ios_init_shim.so" | grep -q " T $symbol" || { echo "the shim does not define $symbol" >&2; exit 1; }

cp "$original" "$out/libLibTorchSharp.so"
chmod u+w "$out/libLibTorchSharp.so"
patchelf --add-needed libglibcxx_ios_init_shim.so "$out/libLibTorchSharp.so"
patchelf --clear-symbol-version "$symbol" "$out/libLibTorchSharp.so"
python3 "$here/weaken_version.py" "$out/libLibTorchSharp.so" GLIBCXX_3.4.32

echo "Patched copy: $out/libLibTorchSharp.so"
nm -D --with-symbol-versions "$out/libLibTorchSharp.so" | grep "$symbol"
readelf -V "$out/libLibTorchSharp.so" | grep GLIBCXX_3.4.32
echo "Next: dotnet run -c Release --project benchmarks/NetDsl.Benchmarks -p:WithTorchSharp=true -- --filter '*'"
