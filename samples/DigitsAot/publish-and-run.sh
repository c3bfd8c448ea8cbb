#!/usr/bin/env bash
# Publishes the digits classifier as a NativeAOT executable and runs it. Fails on any trimming or AOT warning
# (TreatWarningsAsErrors turns them into errors) and when the executable's accuracy is below 97%.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
dotnet publish "$here/DigitsAot.csproj" -r linux-x64 -c Release -o "$out" -nologo
size=$(stat -c %s "$out/DigitsAot")
echo "Executable: $((size / 1024)) KiB"
result=$("$out/DigitsAot")
echo "$result"
accuracy=$(echo "$result" | sed -n 's/.*: \([0-9.]*\) % correct.*/\1/p')
awk -v a="$accuracy" 'BEGIN { exit !(a >= 97) }' || { echo "accuracy $accuracy % is below 97 %" >&2; exit 1; }
