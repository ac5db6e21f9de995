using System.Management.Automation;
using System.Management.Automation.Language;
using System.Management.Automation.Runspaces;

namespace IrisNet.Tests;

/// <summary>
/// run.ps1 cannot be run by a PowerShell installation here (none can be installed), so it is parsed
/// by the PowerShell parser and executed in a runspace hosted by System.Management.Automation.
/// </summary>
public sealed class ScriptTests() : TempDirectoryTest("ps")
{
    private static readonly string Script = Path.Combine(Repo.Root, "run.ps1");
    [Fact]
    public void Run_ps1_parses_without_errors_and_offers_every_task()
    {
        ScriptBlockAst ast = Parser.ParseFile(Script, out _, out ParseError[] errors);
        Assert.Empty(errors);
        string[] tasks = ast.FindAll(a => a is StringConstantExpressionAst { Parent: SwitchStatementAst },
            searchNestedScriptBlocks: true)
            .Cast<StringConstantExpressionAst>().Select(s => s.Value).ToArray();
        Assert.Equal(["bench", "format", "help", "plot", "test", "train"], tasks.Order());
    }

    [Fact]
    public void Help_runs_in_a_hosted_runspace_and_returns_0()
    {
        var (output, code) = Invoke("help");
        Assert.Equal(0, code);
        Assert.Contains(output, line => line.Contains("train", StringComparison.Ordinal));
        Assert.Equal(2, Invoke("no-such-task").ExitCode);
    }

    [Fact]
    public void Train_runs_through_the_script_and_returns_the_dotnet_exit_code()
    {
        string run = Path.Combine(_dir, "run");
        var (_, code) = Invoke("train", "--epochs", "3", "--quiet", "--out", run);
        Assert.Equal(0, code);
        Assert.True(File.Exists(Path.Combine(run, "model.json")));
        var (_, bad) = Invoke("train", "--epochs", "0");
        Assert.Equal(2, bad);
    }

    private static (List<string> Output, int ExitCode) Invoke(params string[] args)
    {
        InitialSessionState state = InitialSessionState.CreateDefault2();
        using Runspace runspace = RunspaceFactory.CreateRunspace(state);
        runspace.Open();
        using PowerShell ps = PowerShell.Create(runspace);
        // Run the script file as a child scope and report its exit code ($LASTEXITCODE after 'exit N').
        ps.AddScript("param($path, $rest) & $path @rest; $LASTEXITCODE").AddArgument(Script).AddArgument(args);
        var output = ps.Invoke().Select(o => o?.ToString() ?? "").ToList();
        Assert.True(output.Count > 0 && output[^1].Length > 0,
            $"no exit code; output: {string.Join(" | ", output)}; errors: " +
                $"{string.Join(" | ", ps.Streams.Error.Select(e => e.ToString()))}");
        int code = int.Parse(output[^1], System.Globalization.CultureInfo.InvariantCulture);
        return (output.Take(output.Count - 1).ToList(), code);
    }
}
