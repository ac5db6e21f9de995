#!/usr/bin/env bash
# What the whole `irisnet train` spends per epoch in steady state: the default run (Iris, 80/20,
# H = 16) at E1 and E2 epochs, REPEATS times each, alternating. Two figures, each a difference of
# medians over E2 − E1, so that start-up, compilation and the final files cancel out:
#  - the training phase, which the tool itself times (IRISNET_PHASES=1): every epoch with everything the
#    command does around the numbers (metrics.csv rows and their writes, progress, cancellation
#    checks, the per-epoch timing). This is the figure to set beside BenchmarkDotNet's CommandEpoch (the
#    same numerical work alone): the process's start-up (about a second of compilation, whose length
#    moves by tenths of a second from run to run on a shared machine) is not in it.
#  - the whole process's wall time, start-up and all (noisier, for context).
#   usage: bench/command-epoch.sh [PRECISION] [E1] [E2] [REPEATS]   defaults: float32 1000 1001000 7
# E2 is a million epochs (about 2 s of training) so that the steady state outweighs the first half
# second, when the pictures' warm-up is compiling on the other core beside the metrics writer.
# Build first: dotnet build src/IrisNet.Cli -c Release
set -euo pipefail
precision=${1:-float32}; e1=${2:-1000}; e2=${3:-1001000}; repeats=${4:-7}
root=$(cd "$(dirname "$0")/.." && pwd)
dll="$root/src/IrisNet.Cli/bin/Release/net10.0/IrisNet.Cli.dll"
[ -f "$dll" ] || { echo "build first: dotnet build src/IrisNet.Cli -c Release"; exit 2; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
run() { # one process: "wall seconds, training-phase seconds"
  local out="$work/run-$RANDOM$RANDOM" t0 t1
  t0=$(date +%s.%N)
  IRISNET_PHASES=1 CI=true dotnet "$dll" train --precision "$precision" --epochs "$1" --quiet --out "$out" > /dev/null 2> "$work/err"
  t1=$(date +%s.%N)
  rm -rf "$out"
  local phase; phase=$(awk '$1 == "irisnet-phase" && $2 == "training" { print $3 }' "$work/err")
  [ -n "$phase" ] || { echo "no training phase in the tool's output:"; cat "$work/err"; exit 1; }
  awk -v a="$t0" -v b="$t1" -v p="$phase" 'BEGIN { printf "%.6f %.6f\n", b - a, p / 1000 }'
}
median() { sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
: > "$work/a"; : > "$work/b"
for _ in $(seq "$repeats"); do run "$e1" >> "$work/a"; run "$e2" >> "$work/b"; done
ta=$(cut -d' ' -f2 "$work/a" | median); tb=$(cut -d' ' -f2 "$work/b" | median)
wa=$(cut -d' ' -f1 "$work/a" | median); wb=$(cut -d' ' -f1 "$work/b" | median)
awk -v ta="$ta" -v tb="$tb" -v wa="$wa" -v wb="$wb" -v e1="$e1" -v e2="$e2" -v p="$precision" \
  'BEGIN { printf "%s: training phase %.3f s at %d epochs, %.3f s at %d (medians): %.2f µs per epoch; whole process %.3f s and %.3f s: %.2f µs per epoch\n",
    p, ta, e1, tb, e2, (tb - ta) / (e2 - e1) * 1e6, wa, wb, (wb - wa) / (e2 - e1) * 1e6 }'
