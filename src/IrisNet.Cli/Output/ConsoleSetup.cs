using Spectre.Console;

namespace IrisNet.Cli.Output;

/// <summary>Chooses between a live terminal display and plain, escape-free lines.</summary>
public static class ConsoleSetup
{
    /// <summary>True on an interactive terminal when CI is not set: live progress bars and colour.</summary>
    public static bool Interactive { get; private set; }

    public static void Configure()
    {
        // A full standard output (> /dev/full) is its own error, never taken for a run file's.
        Console.SetOut(StandardOutput.Guard(Console.Out));
        bool ci = !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI"));
        Interactive = !ci && !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("TERM") != "dumb";
        AnsiConsole.Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = Interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = Interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = Interactive ? InteractionSupport.Detect : InteractionSupport.No,
            Out = new AnsiConsoleOutput(Console.Out),
        });
        if (!Interactive) AnsiConsole.Profile.Width = 100;
    }
}
