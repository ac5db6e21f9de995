#!/usr/bin/env bash
# Whole-process timings of the installed irisnet tool, Native AOT against framework-dependent (JIT).
# Packs both from this checkout (eng/pack-tool.sh; the framework-dependent one with
# -p:IrisNetAot=false), installs each with `dotnet tool install` into a temporary tool path, then runs
# `irisnet train --out <fresh dir>` (default options: 1000 epochs, every file and picture) and
# `irisnet --help` RUNS times each, alternating the two tools. Writes bench/whole-command.md: median,
# min and max wall time and peak memory (/usr/bin/time), and where train's time goes: the phases
# that the tool prints to standard error with IRISNET_PHASES=1 (medians over the runs), and the
# rest of the wall time, outside Main (runtime start-up and exit).
# bench/IrisNet.Bench.Report copies bench/whole-command.md into bench/results.md.
# Usage: bench/whole-command.sh [RUNS]        (default 10)
#        AOT=DIR JIT=DIR bench/whole-command.sh [RUNS]   time tools already installed in DIR/irisnet
#        KEEP=DIR ...   install the two tools into DIR/aot and DIR/jit and keep them
#        NICE=-20 ...   run the timed commands at that nice level (as root, on a machine shared with
#                       other work: the timings then show the tool rather than the other work)
set -euo pipefail
runs=${1:-10}
cd "$(dirname "$0")/.."
out=bench/whole-command.md
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
keep=${KEEP:-$work}
nice=()
[ -z "${NICE:-}" ] || nice=(nice -n "$NICE")
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

install() { # $1 name, $2... pack arguments
  local name=$1; shift
  local version; version=0.0.0-bench.$(date +%s)
  RIDS=$(dotnet --info | sed -n 's/^ *RID: *//p' | head -n 1) eng/pack-tool.sh "$work/$name-packages" -p:Version="$version" "$@" > "$work/$name-pack.log" 2>&1 \
    || { tail -n 30 "$work/$name-pack.log"; echo "packing the $name tool failed"; exit 1; }
  rm -rf "${keep:?}/$name"
  dotnet tool install IrisNet.Cli --version "$version" --tool-path "$keep/$name" --add-source "$work/$name-packages" > /dev/null
  echo "$keep/$name"
}
aot=${AOT:-$(install aot)}
jit=${JIT:-$(install jit -p:IrisNetAot=false)}
file "$aot/irisnet" "$jit/irisnet" 2>/dev/null | sed 's/,.*//' || true
# A framework-dependent tool keeps its code in IrisNet.Cli.dll beside the launcher; a Native AOT one has none.
# pack-tool.sh packs framework-dependent when neither clang nor gcc is here, so look rather than trust the label.
if [ -n "$(find "$aot" -name IrisNet.Cli.dll -print -quit)" ]; then
  echo "whole-command: the tool in $aot is framework-dependent, not Native AOT (is clang or gcc installed? apt-get install clang); nothing written" >&2
  exit 1
fi

# One run: wall seconds (bash's clock around the process) and peak memory in KB; phases to $4.
measure() { # $1 tool dir, $2 result file, $3 phases file, $4... command arguments
  local dir=$1 result=$2 phases=$3; shift 3
  local s e
  s=$EPOCHREALTIME
  IRISNET_PHASES=1 "${nice[@]}" /usr/bin/time -f '%M' -o "$work/mem" "$dir/irisnet" "$@" > /dev/null 2> "$work/err"
  e=$EPOCHREALTIME
  echo "$s $e $(tail -n 1 "$work/mem")" | awk '{printf "%.6f %d\n", $2 - $1, $3}' >> "$result"
  grep '^irisnet-phase ' "$work/err" | awk -v wall="$(awk '{print $2 - $1}' <<< "$s $e")" \
    '{ name = $2; for (i = 3; i < NF; i++) name = name " " $i; print name "\t" $NF } $2 == "main" { print "outside Main (runtime start-up and exit)\t" wall * 1000 - $NF }' >> "$phases"
}
load=$(cut -d' ' -f1-3 /proc/loadavg)
for i in $(seq 1 "$runs"); do
  for t in aot jit; do
    dir=$aot; [ "$t" = jit ] && dir=$jit
    rm -rf "$work/run"
    measure "$dir" "$work/$t-train" "$work/$t-phases" train --out "$work/run"
    [ -s "$work/run/regions.png" ] && [ -s "$work/run/summary.json" ] || { echo "$t train wrote no regions.png/summary.json"; exit 1; }
    measure "$dir" "$work/$t-help" /dev/null --help
  done
done

stats() { # median min max of column 1 (seconds); max of column 2 (KB -> MB)
  sort -n "$1" | awk '{ t[NR] = $1; if ($2 > m) m = $2 } END { med = NR % 2 ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2;
    printf "%.3f | %.3f | %.3f | %.0f", med, t[1], t[NR], m / 1024 }'
}
median_ms() { # phase name, phases file
  awk -F'\t' -v p="$1" '$1 == p { print $2 }' "$2" | sort -n | awk '{ t[NR] = $1 } END { if (NR == 0) { print "–"; exit }
    printf "%.1f", NR % 2 ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2 }'
}
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
{
  echo "## Whole command: the installed tool"
  echo
  echo "Written by \`bench/whole-command.sh\` (not by BenchmarkDotNet): $runs runs of each command, alternating the two"
  echo "installs, each \`train\` into a fresh directory, on $cpu ($(nproc) cores), load average $load at"
  echo "the start, $(date -u +%Y-%m-%d). Wall time is the process's, from bash's clock around it; memory is the peak"
  echo "resident set (/usr/bin/time).${NICE:+ The timed commands ran at nice $NICE, ahead of the other work on the machine.}"
  echo
  echo "| install | command | median s | min s | max s | peak memory MB |"
  echo "|---|---|---:|---:|---:|---:|"
  echo "| Native AOT (linux-x64) | \`irisnet train\` | $(stats "$work/aot-train") |"
  echo "| framework-dependent (JIT) | \`irisnet train\` | $(stats "$work/jit-train") |"
  echo "| Native AOT (linux-x64) | \`irisnet --help\` | $(stats "$work/aot-help") |"
  echo "| framework-dependent (JIT) | \`irisnet --help\` | $(stats "$work/jit-help") |"
  echo
  echo "Where \`irisnet train\`'s time goes, median milliseconds over the runs (each row's median on its own, so the"
  echo "rows need not add up to the total exactly). The phases are printed by the tool itself with \`IRISNET_PHASES=1\`"
  echo "(src/IrisNet.Cli/Phases.cs); each picture's row is drawing and PNG encoding."
  echo
  echo "| phase | Native AOT ms | JIT ms |"
  echo "|---|---:|---:|"
  cut -f1 "$work/aot-phases" | awk '!seen[$0]++' | while read -r phase; do
    label=$phase
    case $phase in
      parse) label="command line (parse)";;
      data) label="data (read, hash, split)";;
      "run directory") label="run directory, first summary.json";;
      training) label="training loop (1000 epochs, metrics, progress)";;
      report) label="console report";;
      "waiting for the drawing warm-up") label="waiting for the drawing warm-up (Skia, font; started before data)";;
      confusion.png) label="confusion.png (drawn on a second thread meanwhile: the wait left)";;
      regions.png) label="regions.png (drawn on the second thread after confusion.png: the wait left)";;
      other) label="the rest of Main";;
      main) label="**Main, in all**";;
    esac
    echo "| $label | $(median_ms "$phase" "$work/aot-phases") | $(median_ms "$phase" "$work/jit-phases") |"
  done
  echo "| **wall, in all** | $(sort -n "$work/aot-train" | awk '{t[NR]=$1} END {printf "%.1f", (NR % 2 ? t[(NR+1)/2] : (t[NR/2] + t[NR/2+1]) / 2) * 1000}') | $(sort -n "$work/jit-train" | awk '{t[NR]=$1} END {printf "%.1f", (NR % 2 ? t[(NR+1)/2] : (t[NR/2] + t[NR/2+1]) / 2) * 1000}') |"
} > "$out"
cat "$out"
