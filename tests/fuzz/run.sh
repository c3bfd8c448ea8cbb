#!/usr/bin/env bash
# Coverage-guided fuzzing of NetDsl's readers with SharpFuzz and AFL++ (docs/reliability.md, "Fuzzing the readers").
#
#   tests/fuzz/run.sh TARGET [EXECUTIONS]     TARGET: safetensors | weights | csv | idx; EXECUTIONS: default 1000000
#
# Needs AFL++ (Debian: apt-get install afl++). Builds the harness (Release) into $NETDSL_FUZZ_WORK (default
# /tmp/netdsl-fuzz), instruments NetDsl.Runtime.dll there with the SharpFuzz tool of this folder's tool manifest,
# and runs afl-fuzz on one core, starting from corpus/TARGET, until EXECUTIONS executions. Findings (crashes: inputs
# that made the reader throw anything but its typed exception; hangs) land in $NETDSL_FUZZ_WORK/TARGET/default/.
# Replay a folder of inputs without AFL: dotnet $NETDSL_FUZZ_WORK/bin/NetDsl.Fuzz.dll TARGET --replay FOLDER
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
target=${1:?usage: run.sh safetensors|weights|csv|idx [executions]}
executions=${2:-1000000}
work=${NETDSL_FUZZ_WORK:-/tmp/netdsl-fuzz}

case "$target" in safetensors|weights|csv|idx) ;; *) echo "unknown target '$target'" >&2; exit 2 ;; esac
if ! command -v afl-fuzz >/dev/null; then
    echo "afl-fuzz not found: install AFL++ (Debian: apt-get install afl++)" >&2
    exit 1
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
cd "$here"
dotnet tool restore >/dev/null
if [ ! -f "$work/bin/.instrumented" ]; then
    dotnet publish NetDsl.Fuzz -c Release -o "$work/bin" -v quiet
    dotnet tool run sharpfuzz "$work/bin/NetDsl.Runtime.dll"
    touch "$work/bin/.instrumented"
fi

mkdir -p "$work/$target"
# SharpFuzz speaks AFL's fork-server protocol; AFL++ accepts it without its own instrumentation check.
export AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1
afl-fuzz -i "$here/corpus/$target" -o "$work/$target" -t 10000 -m none -E "$executions" \
    -- dotnet "$work/bin/NetDsl.Fuzz.dll" "$target"
echo "Findings: $work/$target/default/crashes and hangs; statistics: $work/$target/default/fuzzer_stats"
