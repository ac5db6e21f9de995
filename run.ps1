#!/usr/bin/env pwsh
# IrisNet task runner: thin wrappers over the README's dotnet commands.
# Usage: ./run.ps1 <train|test|bench|plot|format|help> [arguments passed through]
# Each task returns the exit code of the dotnet command it runs.
param(
    [Parameter(Position = 0)]
    [string] $Task = 'help',

    [Parameter(Position = 1, ValueFromRemainingArguments = $true)]
    [string[]] $Arguments = @()
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

function Invoke-Dotnet {
    param([string[]] $DotnetArguments)
    & dotnet @DotnetArguments
    return $LASTEXITCODE
}

Push-Location $PSScriptRoot
try {
    switch ($Task) {
        'train'  { $code = Invoke-Dotnet (@('run', '--project', 'src/IrisNet.Cli', '--', 'train') + $Arguments) }
        'test'   { $code = Invoke-Dotnet (@('test') + $Arguments) }
        'bench'  { $code = Invoke-Dotnet (@('run', '-c', 'Release', '--project', 'bench/IrisNet.Bench', '--') + $Arguments) }
        'plot'   { $code = Invoke-Dotnet (@('run', '--project', 'src/IrisNet.Cli', '--', 'plot') + $Arguments) }
        'format' { $code = Invoke-Dotnet (@('format', 'IrisNet.sln') + $Arguments) }
        'help' {
            Write-Output 'Usage: ./run.ps1 <task> [arguments]'
            Write-Output '  train [options]   train on the bundled Iris data (dotnet run --project src/IrisNet.Cli -- train)'
            Write-Output '  test              run every test (dotnet test)'
            Write-Output '  bench [options]   run the BenchmarkDotNet suite (Release)'
            Write-Output '  plot RUN_DIR...   plot the loss and accuracy curves of runs'
            Write-Output '  format            apply the code style (dotnet format)'
            Write-Output '  help              this text'
            $code = 0
        }
        default {
            Write-Error "unknown task '$Task'; run ./run.ps1 help" -ErrorAction Continue
            $code = 2
        }
    }
}
finally {
    Pop-Location
}
exit $code
