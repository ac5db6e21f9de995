#!/usr/bin/env bash
# What the whole `irisnet train` spends per epoch in steady state: the default run (Iris, 80/20,
# H = 16) timed as a process at E1 and E2 epochs, REPEATS times each, alternating; the difference of
# the medians over E2 − E1 is the per-epoch cost with everything the command does around the
# numbers (metrics.csv rows, progress, cancellation checks), free of start-up and the final files.
# Compare it with BenchmarkDotNet's CommandEpoch (the same numerical work alone).
#   usage: bench/command-epoch.sh [PRECISION] [E1] [E2] [REPEATS]   defaults: float32 1000 201000 7
# Build first: dotnet build src/IrisNet.Cli -c Release
set -euo pipefail
precision=${1:-float32}; e1=${2:-1000}; e2=${3:-201000}; repeats=${4:-7}
root=$(cd "$(dirname "$0")/.." && pwd)
dll="$root/src/IrisNet.Cli/bin/Release/net10.0/IrisNet.Cli.dll"
[ -f "$dll" ] || { echo "build first: dotnet build src/IrisNet.Cli -c Release"; exit 2; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
seconds() { # one process: wall seconds
  local out="$work/run-$RANDOM$RANDOM" t0 t1
  t0=$(date +%s.%N)
  CI=true dotnet "$dll" train --precision "$precision" --epochs "$1" --quiet --out "$out" > /dev/null
  t1=$(date +%s.%N)
  rm -rf "$out"
  awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f\n", b - a }'
}
median() { sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
: > "$work/a"; : > "$work/b"
for _ in $(seq "$repeats"); do seconds "$e1" >> "$work/a"; seconds "$e2" >> "$work/b"; done
a=$(median < "$work/a"); b=$(median < "$work/b")
awk -v a="$a" -v b="$b" -v e1="$e1" -v e2="$e2" -v p="$precision" \
  'BEGIN { printf "%s: %d epochs %.3f s, %d epochs %.3f s (medians): %.2f µs per epoch\n", p, e1, a, e2, b, (b - a) / (e2 - e1) * 1e6 }'
