#!/usr/bin/env bash
# Large N through the command: Iris tiled to N rows with seeded jitter (awk), trained by the built
# irisnet with H hidden units for E epochs on every row (--test-fraction 0), 1 and 2 threads, float32
# and float64. Prints the steady median µs per epoch from summary.json (the first epoch, which pays
# for compilation, is reported apart) and GFLOP/s with FLOP per epoch = 2·N·H·(2·D + 3·C).
#   usage: bench/large-n.sh [N] [H] [EPOCHS]      defaults: 150000 256 20
# Build first: dotnet build src/IrisNet.Cli -c Release
set -euo pipefail
N=${1:-150000}; H=${2:-256}; E=${3:-20}
root=$(cd "$(dirname "$0")/.." && pwd)
dll="$root/src/IrisNet.Cli/bin/Release/net10.0/IrisNet.Cli.dll"
[ -f "$dll" ] || { echo "build first: dotnet build src/IrisNet.Cli -c Release"; exit 2; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
awk -F, -v n="$N" 'NR == 1 { print; next } { row[++m] = $0 }
  END { srand(7); for (i = 0; i < n; i++) { split(row[i % m + 1], f, ",");
    printf "%.4f,%.4f,%.4f,%.4f,%s\n", f[1] + (rand() - 0.5) * 0.2, f[2] + (rand() - 0.5) * 0.2, f[3] + (rand() - 0.5) * 0.2, f[4] + (rand() - 0.5) * 0.2, f[5] } }' \
  "$root/data/iris.csv" > "$work/large.csv"
flop=$(awk -v n="$N" -v h="$H" 'BEGIN { printf "%.0f", 2 * n * h * (2 * 4 + 3 * 3) }')
printf '| precision | N | H | threads | first epoch ms | steady µs / epoch | GFLOP/s |\n|---|---:|---:|---:|---:|---:|---:|\n'
for precision in float32 float64; do
  for threads in 1 2; do
    out="$work/run-$precision-$threads"
    CI=true dotnet "$dll" train --data "$work/large.csv" --hidden "$H" --epochs "$E" --test-fraction 0 \
      --precision "$precision" --threads "$threads" --quiet --out "$out" > /dev/null
    read -r first steady < <(sed -nE 's/.*"first_epoch_microseconds": *([0-9.eE+-]+).*/\1/p; s/.*"steady_median_microseconds_per_epoch": *([0-9.eE+-]+).*/\1/p' "$out/summary.json" | paste -sd' ')
    awk -v p="$precision" -v n="$N" -v h="$H" -v t="$threads" -v f="$first" -v s="$steady" -v flop="$flop" \
      'BEGIN { printf "| %s | %d | %d | %d | %.1f | %.0f | %.2f |\n", p, n, h, t, f / 1000, s, flop / (s * 1000) }'
  done
done
