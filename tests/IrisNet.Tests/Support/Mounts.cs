using System.Diagnostics;

namespace IrisNet.Tests;

/// <summary>
/// Small tmpfs file systems for the tests of a full disk and of a read-only folder: mounting needs
/// Linux and root (CAP_SYS_ADMIN), and a test without them is skipped. Root writes through permission
/// bits, so a read-only folder is a read-only mount, which refuses root too.
/// </summary>
internal static class Mounts
{
    /// <summary>Mounts a tmpfs with <paramref name="options"/> (for example size=48k, or ro) on <paramref name="dir"/>,
    /// or skips the test.</summary>
    public static void SkipUnlessMounted(string dir, string options)
    {
        Skip.IfNot(OperatingSystem.IsLinux() && Environment.UserName == "root",
            "mounting a tmpfs needs Linux and root");
        Skip.IfNot(Run("mount", "-t", "tmpfs", "-o", options, "tmpfs", dir),
            "mount -t tmpfs failed (no CAP_SYS_ADMIN here)");
    }

    /// <summary>Makes the mount on <paramref name="dir"/> read-only.</summary>
    public static void MakeReadOnly(string dir) => Assert.True(Run("mount", "-o", "remount,ro", dir),
        $"remount,ro {dir}");

    public static void Umount(string dir) => Run("umount", dir);

    private static bool Run(string program, params string[] args)
    {
        using var p = Process.Start(new ProcessStartInfo(program, args) { RedirectStandardError = true })!;
        p.StandardError.ReadToEnd();
        p.WaitForExit();
        return p.ExitCode == 0;
    }
}
