using System.Diagnostics;
using System.Globalization;

namespace IrisNet.Cli;

/// <summary>
/// Where a command's wall time goes, from <see cref="Program.Main"/>'s first line: each
/// <see cref="Mark"/> closes a phase with the time since the previous one. Printed to standard error
/// at exit when the environment variable <c>IRISNET_PHASES</c> is set (bench/whole-command.sh reads
/// it); without it nothing is recorded.
/// </summary>
public static class Phases
{
    /// <summary>The environment variable that turns the report on.</summary>
    public const string Variable = "IRISNET_PHASES";

    private static readonly List<(string Name, long Ticks)> Marks = [];
    private static readonly Lock Gate = new();
    private static bool _on;
    private static long _start, _last;

    /// <summary>Starts the clock (first line of Main) when <c>IRISNET_PHASES</c> is set.</summary>
    public static void Start()
    {
        lock (Gate)
        {
            _on = Environment.GetEnvironmentVariable(Variable) is not null;
            Marks.Clear();
            _start = _last = Stopwatch.GetTimestamp();
        }
    }

    /// <summary>Ends the phase called <paramref name="name"/> now.</summary>
    public static void Mark(string name)
    {
        if (!_on) return;
        lock (Gate)
        {
            long now = Stopwatch.GetTimestamp();
            Marks.Add((name, now - _last));
            _last = now;
        }
    }

    /// <summary>
    /// With <c>IRISNET_PHASES</c> set: one line per phase, "irisnet-phase NAME MILLISECONDS", the rest
    /// since the last mark as "other", and "main" for the total since <see cref="Start"/>.
    /// </summary>
    public static void Report()
    {
        if (!_on) return;
        Mark("other");
        var inv = CultureInfo.InvariantCulture;
        lock (Gate)
        {
            foreach (var (name, ticks) in Marks) Console.Error.WriteLine(string.Create(inv,
                $"irisnet-phase {name} {Ms(ticks):F3}"));
            Console.Error.WriteLine(string.Create(inv, $"irisnet-phase main {Ms(_last - _start):F3}"));
        }
    }

    private static double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
}
