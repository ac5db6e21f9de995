using System.Diagnostics;
using System.Globalization;

namespace IrisNet.Tests;

/// <summary>The tests' process launcher: children hear SIGINT whatever the host ignores, and none outlives its
/// test.</summary>
public sealed class LauncherTests() : TempDirectoryTest("launcher")
{
    /// <summary>The SigIgn mask of a process that <c>sh</c> starts after ignoring SIGINT and SIGQUIT, through <paramref
    /// name="launcher"/>.</summary>
    private static ulong IgnoredUnderAnIgnoringShell(IReadOnlyList<string> launcher)
    {
        var info = new ProcessStartInfo("sh") { RedirectStandardOutput = true };
        foreach (string a in new[] { "-c", "trap '' INT QUIT; exec \"$@\"", "sh" }.Concat(launcher).Concat(["SigIgn",
            "/proc/self/status"]))
            info.ArgumentList.Add(a);
        using Process p = Process.Start(info)!;
        string line = p.StandardOutput.ReadToEnd().Trim();
        p.WaitForExit();
        Assert.StartsWith("SigIgn:", line, StringComparison.Ordinal);
        return ulong.Parse(line["SigIgn:".Length..].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
    }

    [SkippableFact]
    public void Children_start_with_the_default_action_for_SIGINT_and_SIGQUIT_even_when_the_host_ignores_them()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "reads /proc/self/status");
        const ulong intAndQuit = (1UL << (2 - 1)) | (1UL << (3 - 1));
        // The set-up itself: started plainly, the child inherits both ignored signals.
        Assert.Equal(intAndQuit, IgnoredUnderAnIgnoringShell(["grep"]) & intAndQuit);
        Skip.If(Cli.Launcher("grep").Count == 1, "this system's env has no --default-signal (coreutils before 8.31)");
        Assert.Equal(0UL, IgnoredUnderAnIgnoringShell(Cli.Launcher("grep")) & intAndQuit);
    }

    [Fact]
    public void A_child_still_running_when_its_test_ends_is_killed()
    {
        using Process p = Cli.Start(_dir, ["train", "--epochs", "100000000", "--out", P("forever")]);
        int id = p.Id;
        Assert.Equal(1, Cli.KillLeftovers(_dir));
        Assert.True(p.WaitForExit(TimeSpan.FromSeconds(30)), $"process {id} still runs");
        Assert.Equal(0, Cli.KillLeftovers(_dir));
    }
}
