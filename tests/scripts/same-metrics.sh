#!/usr/bin/env bash
# Shows that a change of code leaves what training computes untouched: builds the commit BASE and
# the working tree, runs the default `train` and one mini-batch SGD run with momentum and L2 in
# both, and compares them: model.json byte for byte; in metrics.csv the header and every accuracy
# column exactly and every loss column (a header ending in "loss") to a relative difference of at
# most TOLERANCE (default 1e-11: a change of the loss's last digits only, as a more exact loss
# formula makes; 0 asks for identical loss columns too).
#   usage: tests/scripts/same-metrics.sh BASE [TOLERANCE]   (BASE a commit, e.g. the one before a refactoring)
# Prints one line per run and exits 1 if anything differs beyond that.
set -euo pipefail
base=${1:?usage: $0 BASE-COMMIT [TOLERANCE]}
tolerance=${2:-1e-11}
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'git -C "$root" worktree remove --force "$work/base" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

git -C "$root" worktree add --detach -q "$work/base" "$base"
for side in base tree; do
  src=$([ "$side" = base ] && echo "$work/base" || echo "$root")
  dotnet build "$src/src/IrisNet.Cli" -c Release -o "$work/bin-$side" -v q -nologo > "$work/build.log" 2>&1 \
    || { cat "$work/build.log"; exit 1; }
done

# Compares two metrics.csv files; prints what it found and exits 1 on a difference beyond the tolerance.
compare_metrics() {
  awk -F, -v tol="$tolerance" '
    function abs(x) { return x < 0 ? -x : x }
    FNR == NR { base[FNR] = $0; rows = FNR; next }
    {
      line = FNR
      if (line > rows) { extra = 1; next }
      if (line == 1) { if (($0 "") != base[1]) { print "headers differ"; bad = 1 } split($0, names, ","); next }
      n = split(base[line], b, ",")
      if (n != NF) { print "line " line ": " n " columns in BASE, " NF " here"; bad = 1; next }
      for (i = 1; i <= NF; i++) {
        if (($i "") == (b[i] "")) continue
        if (names[i] !~ /loss$/) {
          print "line " line ", " names[i] ": " b[i] " in BASE, " $i " here"; bad = accuracy = 1; continue
        }
        rel = abs($i - b[i]) / (abs(b[i]) > 0 ? abs(b[i]) : 1)
        changed++
        if (rel > worst) { worst = rel; at = "line " line ", " names[i] }
        if (rel > tol) {
          print "line " line ", " names[i] ": " b[i] " in BASE, " $i " here (relative " rel ")"; bad = 1
        }
      }
    }
    END {
      if (FNR != rows || extra) { print "BASE has " rows " lines, this tree " FNR; bad = 1 }
      printf "metrics.csv %d rows: accuracy columns %s, %d loss values differ, largest relative difference %.3g%s\n",
        rows - 1, accuracy ? "DIFFER" : "identical", changed, worst, changed ? " (" at ")" : ""
      exit bad
    }' "$1" "$2"
}

runs=("default|" "sgd|--batch-size 16 --momentum 0.9 --l2 0.001 --epochs 300 --seed 7")
status=0
for run in "${runs[@]}"; do
  name=${run%%|*}; args=${run#*|}
  for side in base tree; do
    # shellcheck disable=SC2086
    (cd "$root" && CI=true dotnet "$work/bin-$side/IrisNet.Cli.dll" train --quiet --out "$work/$side-$name" $args > /dev/null)
  done
  if cmp -s "$work/base-$name/model.json" "$work/tree-$name/model.json"; then model="model.json identical"
  else model="model.json DIFFERS"; status=1; fi
  if metrics=$(compare_metrics "$work/base-$name/metrics.csv" "$work/tree-$name/metrics.csv"); then :; else status=1; fi
  echo "$name: $model; ${metrics//$'\n'/; }"
done
exit $status
