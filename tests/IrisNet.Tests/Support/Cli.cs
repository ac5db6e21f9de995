using System.Diagnostics;
using System.Text;

namespace IrisNet.Tests;

/// <summary>
/// Runs the built irisnet program as a separate process, with redirected output and CI set. A child
/// starts with the default action for SIGINT and SIGQUIT whatever the test host's are: a process
/// started in the background by a non-interactive shell has both ignored, a child inherits that, and
/// .NET honours it, so without the reset every Ctrl+C test would wait on a run that never hears its
/// signal. Every child still alive when its test ends is killed (<see cref="KillLeftovers"/>).
/// </summary>
internal static class Cli
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    /// <summary>
    /// The program and arguments that start <paramref name="program"/> with SIGINT and SIGQUIT at
    /// their default action: <c>env --default-signal=INT,QUIT</c> (GNU coreutils 8.31 and later) when
    /// this system's env has it, else the program alone.
    /// </summary>
    public static IReadOnlyList<string> Launcher(string program) =>
        DefaultSignals.Value ? ["env", "--default-signal=INT,QUIT", program] : [program];

    private static readonly Lazy<bool> DefaultSignals = new(() =>
    {
        try
        {
            using Process p = Process.Start(new ProcessStartInfo("env", ["--default-signal=INT,QUIT", "true"])
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
            })!;
            p.StandardError.ReadToEnd();
            p.WaitForExit();
            return p.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false; // no env program
        }
    });

    // By process id and start time: a test may have disposed its Process object while the child runs on.
    private static readonly List<(string Directory, int Id, DateTime StartTime)> Started = [];

    /// <summary>GNU time, which reports a child's peak resident memory, or null when this system has none.</summary>
    public static string? TimeProgram => File.Exists("/usr/bin/time") ? "/usr/bin/time" : null;

    /// <summary>
    /// Runs irisnet under GNU time and returns its result with its peak resident set size in KiB
    /// (the kernel's maximum RSS of the process); the caller skips the test when <see cref="TimeProgram"/> is null.
    /// </summary>
    public static (Result Result, long PeakKiB) RunMeasured(string workingDirectory, params string[] args)
    {
        string report = Path.Combine(workingDirectory, $".peak-rss-{Guid.NewGuid():N}");
        using Process p = Start(workingDirectory, args, peakReport: report);
        Task<string> stdout = p.StandardOutput.ReadToEndAsync();
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        Assert.True(p.WaitForExit(TimeSpan.FromMinutes(5)),
            $"irisnet {string.Join(' ', args)} did not finish in 5 minutes");
        var r = new Result(p.ExitCode, stdout.Result, stderr.Result);
        long kib = long.Parse(File.ReadAllText(report).Trim().Split('\n')[^1],
            System.Globalization.CultureInfo.InvariantCulture);
        File.Delete(report);
        return (r, kib);
    }

    /// <summary>Starts irisnet with <paramref name="args"/> in <paramref name="workingDirectory"/>.</summary>
    /// <param name="workingDirectory">Where it runs; <see cref="KillLeftovers"/> of it ends the process if it is still
    /// running.</param>
    /// <param name="args">The command line after the program.</param>
    /// <param name="environment">Variables to set besides CI.</param>
    /// <param name="redirectInput">Whether the test writes the child's standard input.</param>
    /// <param name="peakReport">A file for GNU time to write the peak RSS to, or null to run the program alone.</param>
    public static Process Start(string workingDirectory, string[] args, IReadOnlyDictionary<string,
        string>? environment = null,
        bool redirectInput = false, string? peakReport = null)
    {
        Assert.True(File.Exists(Repo.CliPath), $"the CLI is not built at {Repo.CliPath}");
        IReadOnlyList<string> launcher = Launcher("dotnet");
        if (peakReport is not null)
        {
            // GNU time between the launcher and the program: it writes the peak RSS (KiB) to the report file.
            launcher = [.. launcher.SkipLast(1), TimeProgram!, "-f", "%M", "-o", peakReport, "dotnet"];
        }
        var info = new ProcessStartInfo(launcher[0])
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardInput = redirectInput,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (string a in launcher.Skip(1)) info.ArgumentList.Add(a);
        info.ArgumentList.Add(Repo.CliPath);
        foreach (string a in args) info.ArgumentList.Add(a);
        info.Environment["CI"] = "true";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) info.Environment[name] = value;
        Process p = Process.Start(info)!;
        lock (Started) Started.Add((Path.GetFullPath(workingDirectory), p.Id, p.StartTime));
        return p;
    }

    /// <summary>
    /// Kills every irisnet process started in <paramref name="workingDirectory"/> that still runs (a
    /// test that failed before its child ended), so none is left burning CPU; returns how many.
    /// </summary>
    public static int KillLeftovers(string workingDirectory)
    {
        string dir = Path.GetFullPath(workingDirectory);
        List<(int Id, DateTime StartTime)> mine;
        lock (Started)
        {
            mine = Started.Where(s => s.Directory == dir).Select(s => (s.Id, s.StartTime)).ToList();
            Started.RemoveAll(s => s.Directory == dir);
        }
        int killed = 0;
        foreach (var (id, startTime) in mine)
        {
            try
            {
                using Process p = Process.GetProcessById(id);
                if (p.StartTime != startTime || p.HasExited) continue; // ended, and the id is another process's now
                p.Kill(entireProcessTree: true);
                p.WaitForExit(TimeSpan.FromSeconds(10));
                killed++;
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or
                System.ComponentModel.Win32Exception)
            {
                // it ended before it could be found or killed
            }
        }
        return killed;
    }

    public static Result Run(string workingDirectory, params string[] args) => Run(workingDirectory, null, args);

    /// <summary>Runs irisnet with <paramref name="input"/> on its standard input (a pipe), which is then
    /// closed.</summary>
    public static async Task<Result> RunWithInput(string workingDirectory, byte[] input, params string[] args)
    {
        using Process p = Start(workingDirectory, args, redirectInput: true);
        Task<string> stdout = p.StandardOutput.ReadToEndAsync();
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        try
        {
            await p.StandardInput.BaseStream.WriteAsync(input);
            p.StandardInput.Close();
        }
        catch (IOException)
        {
            // the program stopped reading (an error): what it said is the result
        }
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await p.WaitForExitAsync(timeout.Token);
        return new Result(p.ExitCode, await stdout, await stderr);
    }

    public static Result Run(string workingDirectory, IReadOnlyDictionary<string, string>? environment,
        params string[] args)
    {
        using Process p = Start(workingDirectory, args, environment);
        Task<string> stdout = p.StandardOutput.ReadToEndAsync();
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            p.Kill(entireProcessTree: true);
            Assert.Fail($"irisnet {string.Join(' ', args)} did not finish in 3 minutes");
        }
        return new Result(p.ExitCode, stdout.Result, stderr.Result);
    }
}
