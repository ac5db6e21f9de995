#!/usr/bin/env bash
# Packs the irisnet tool into OUTDIR: the top-level package IrisNet.Cli (which only names the
# platform packages), then one package per platform in ToolPackageRuntimeIdentifiers
# (src/IrisNet.Cli/IrisNet.Cli.csproj): IrisNet.Cli.<rid>. The package for the platform this runs on
# is Native AOT when that is linux-x64, linux-arm64 or win-x64 and a native linker is present
# (on Linux clang, or gcc, which the Native AOT compiler links with when clang is missing); the others, and every package when -p:IrisNetAot=false is given, are
# framework-dependent (they need the .NET 10 runtime). Extra arguments go to every dotnet pack;
# RIDS="linux-x64 ..." packs only those platforms' packages (the top-level package names them all).
# Usage: [RIDS=...] eng/pack-tool.sh OUTDIR [dotnet pack arguments...]
set -euo pipefail
out=${1:?usage: eng/pack-tool.sh OUTDIR [dotnet pack arguments...]}
shift
cd "$(dirname "$0")/.."
project=src/IrisNet.Cli/IrisNet.Cli.csproj
args=(-c Release -o "$out" "$@")
case " $* " in
  *" -p:IrisNetAot=false "*) ;;
  *)
    if [ "$(uname -s)" = Linux ] && ! command -v clang >/dev/null 2>&1 && ! command -v gcc >/dev/null 2>&1; then
      echo "pack-tool: neither clang nor gcc is installed, so no Native AOT package can be linked here; packing framework-dependent packages only (apt-get install clang, or gcc, for Native AOT)." >&2
      args+=(-p:IrisNetAot=false)
    fi
    ;;
esac
rids=${RIDS:-$(dotnet msbuild "$project" -getProperty:ToolPackageRuntimeIdentifiers)}
# Without a RID: the top-level package. With one: that platform's package (RID-specific restore and build).
dotnet pack "$project" "${args[@]}"
for rid in ${rids//;/ }; do
  echo "pack-tool: $rid"
  dotnet pack "$project" -r "$rid" "${args[@]}"
done
