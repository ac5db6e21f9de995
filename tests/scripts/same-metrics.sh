#!/usr/bin/env bash
# Shows that a change of code leaves what training computes untouched: builds the commit BASE and
# the working tree, runs the default `train` and one mini-batch SGD run with momentum and L2 in
# both, and compares each metrics.csv byte for byte.
#   usage: tests/scripts/same-metrics.sh BASE   (a commit, e.g. the one before a refactoring)
# Prints one line per run and exits 1 if any metrics.csv differs.
set -euo pipefail
base=${1:?usage: $0 BASE-COMMIT}
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'git -C "$root" worktree remove --force "$work/base" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

git -C "$root" worktree add --detach -q "$work/base" "$base"
for tree in "$work/base" "$root"; do
  dotnet build "$tree/src/IrisNet.Cli" -c Release -o "$work/bin-$(basename "$tree")" -v q -nologo > "$work/build.log" 2>&1 \
    || { cat "$work/build.log"; exit 1; }
done

runs=("default|" "sgd|--batch-size 16 --momentum 0.9 --l2 0.001 --epochs 300 --seed 7")
status=0
for run in "${runs[@]}"; do
  name=${run%%|*}; args=${run#*|}
  for side in base "$(basename "$root")"; do
    # shellcheck disable=SC2086
    (cd "$root" && CI=true dotnet "$work/bin-$side/IrisNet.Cli.dll" train --quiet --out "$work/$side-$name" $args > /dev/null)
  done
  if cmp -s "$work/base-$name/metrics.csv" "$work/$(basename "$root")-$name/metrics.csv"; then
    echo "$name: metrics.csv identical ($(wc -l < "$work/base-$name/metrics.csv") lines)"
  else
    echo "$name: metrics.csv DIFFERS"; status=1
  fi
done
exit $status
