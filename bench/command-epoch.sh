#!/usr/bin/env bash
# What the whole `irisnet train` spends per epoch in steady state, against BenchmarkDotNet's time of
# the same numerical work (CommandEpoch: the training step on the 120 training rows and the forward
# pass on the 30 test rows), measured together: this host's speed drifts by a quarter within minutes,
# so a benchmark run and a command run taken apart compare two different machines.
# Each of ROUNDS rounds runs, back to back:
#  - BenchmarkDotNet on CommandEpoch<PRECISION> (--job short --inProcess): its median and fastest iteration;
#  - the default run (Iris, 80/20, H = 16) at E1 and at E2 epochs. The command's per-epoch cost is the
#    difference of the two runs' training phases, which the tool times itself (IRISNET_PHASES=1): every
#    epoch with everything the command does around the numbers (metrics.csv rows handed to their writer
#    thread, progress, cancellation checks, the per-epoch timing), without the process's start-up and
#    its final files, which cancel out. E2 is a million epochs (about 2 s) so that the steady state
#    outweighs the first half second, when the pictures' warm-up compiles on the other core.
# Prints each round, then the medians over the rounds of the command's time over the benchmark's median
# (the target's ratio: ≤ 1.25×) and over its fastest iteration.
#   usage: bench/command-epoch.sh [PRECISION] [E1] [E2] [ROUNDS]   defaults: float32 1000 1001000 7
# Build first: dotnet build src/IrisNet.Cli -c Release && dotnet build bench/IrisNet.Bench -c Release
set -euo pipefail
precision=${1:-float32}; e1=${2:-1000}; e2=${3:-1001000}; rounds=${4:-7}
case $precision in float32) type=Single ;; float64) type=Double ;; *) echo "PRECISION is float32 or float64"; exit 2 ;; esac
root=$(cd "$(dirname "$0")/.." && pwd)
dll="$root/src/IrisNet.Cli/bin/Release/net10.0/IrisNet.Cli.dll"
bench="$root/bench/IrisNet.Bench/bin/Release/net10.0/IrisNet.Bench.dll"
[ -f "$dll" ] && [ -f "$bench" ] || { echo "build first: dotnet build src/IrisNet.Cli -c Release && dotnet build bench/IrisNet.Bench -c Release"; exit 2; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
phase() { # one process at $1 epochs: the training phase in seconds
  local out="$work/run-$RANDOM$RANDOM" p
  IRISNET_PHASES=1 CI=true dotnet "$dll" train --precision "$precision" --epochs "$1" --quiet --out "$out" > /dev/null 2> "$work/err"
  rm -rf "$out"
  p=$(awk '$1 == "irisnet-phase" && $2 == "training" { print $3 / 1000 }' "$work/err")
  [ -n "$p" ] || { echo "no training phase in the tool's output:" >&2; cat "$work/err" >&2; exit 1; }
  echo "$p"
}
statistic() { # $1 name in BenchmarkDotNet's JSON (Median, Min): microseconds
  grep -o "\"$1\":[0-9.eE+-]*" "$work/bdn/results/"*CommandEpoch_"$type"_*full-compressed.json | head -n 1 | awk -F: '{ printf "%.4f", $2 / 1000 }'
}
median() { sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
printf '| round | benchmark median µs | fastest µs | command µs / epoch | ÷ median | ÷ fastest |\n|---:|---:|---:|---:|---:|---:|\n'
: > "$work/ratios"
for r in $(seq "$rounds"); do
  rm -rf "$work/bdn"
  (cd "$work" && dotnet "$bench" --job short --inProcess --filter "*CommandEpoch<$type>*" --exporters json --artifacts "$work/bdn" > "$work/bdn.log" 2>&1) \
    || { tail -n 20 "$work/bdn.log"; echo "BenchmarkDotNet failed"; exit 1; }
  med=$(statistic Median); fast=$(statistic Min)
  t1=$(phase "$e1"); t2=$(phase "$e2")
  awk -v r="$r" -v m="$med" -v f="$fast" -v a="$t1" -v b="$t2" -v e1="$e1" -v e2="$e2" \
    'BEGIN { c = (b - a) / (e2 - e1) * 1e6; printf "| %d | %.3f | %.3f | %.3f | %.2f | %.2f |\n", r, m, f, c, c / m, c / f }' | tee -a "$work/ratios"
done
awk -F'|' '{ print $6 }' "$work/ratios" | median > "$work/m1"
awk -F'|' '{ print $7 }' "$work/ratios" | median > "$work/m2"
echo
echo "$precision: the command's epoch over the benchmark's median, median of $rounds rounds: $(cat "$work/m1")×; over its fastest iteration: $(cat "$work/m2")×"
