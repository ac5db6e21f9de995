#!/usr/bin/env pwsh
# IrisNet task runner: thin wrappers over the README's dotnet commands.
# Usage: ./run.ps1 <train|test|bench|plot|format|help> [arguments passed through]
# Each task returns the exit code of the dotnet command it runs. The script uses only the
# PowerShell language and native commands (no module cmdlets), so any PowerShell host runs it.
param(
    [Parameter(Position = 0)]
    [string] $Task = 'help',

    [Parameter(Position = 1, ValueFromRemainingArguments = $true)]
    [string[]] $Arguments = @()
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

$root = $PSScriptRoot
$cli = "$root/src/IrisNet.Cli"
$code = 0

switch ($Task) {
    'train'  { & dotnet run -c Release --project $cli -- train @Arguments; $code = $LASTEXITCODE }
    'test'   { & dotnet test "$root/IrisNet.sln" @Arguments; $code = $LASTEXITCODE }
    'bench'  { & dotnet run -c Release --project "$root/bench/IrisNet.Bench" -- @Arguments; $code = $LASTEXITCODE }
    'plot'   { & dotnet run -c Release --project $cli -- plot @Arguments; $code = $LASTEXITCODE }
    'format' { & dotnet format "$root/IrisNet.sln" @Arguments; $code = $LASTEXITCODE }
    'help' {
        'Usage: ./run.ps1 <task> [arguments]'
        '  train [options]   train on the bundled Iris data (dotnet run -c Release --project src/IrisNet.Cli -- train)'
        '  test              run every test (dotnet test)'
        '  bench [options]   run the BenchmarkDotNet suite in Release (no options: the report suite, then the clock check)'
        '  plot RUN_DIR...   plot the loss and accuracy curves of runs'
        '  format            apply the code style (dotnet format)'
        '  help              this text'
    }
    default {
        [Console]::Error.WriteLine("run.ps1: unknown task '$Task'; run ./run.ps1 help")
        $code = 2
    }
}
exit $code
