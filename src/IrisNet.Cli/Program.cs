using System.CommandLine;
using System.CommandLine.Help;
using System.Reflection;
using Spectre.Console;

namespace IrisNet.Cli;

/// <summary>Exit codes of every command.</summary>
public static class ExitCode
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int Usage = 2;
    public const int Interrupted = 130;
}

public static class Program
{
    public static int Main(string[] args)
    {
        ConsoleSetup.Configure();
        Command root = BuildRoot();
        bool verbose = args.Contains("--verbose");
        ParseResult parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            string command = parsed.CommandResult.Command == root ? "irisnet" : $"irisnet {parsed.CommandResult.Command.Name}";
            string message = string.Join(' ', parsed.Errors[0].Message.Split(['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries).Select(s => s.Trim()));
            Console.Error.WriteLine($"irisnet: error: {message} See '{command} --help'.");
            return ExitCode.Usage;
        }
        try
        {
            return parsed.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null });
        }
        catch (TrainingDivergedException e)
        {
            return Fail(e, verbose, ExitCode.Failure);
        }
        catch (IrisNetException e)
        {
            return Fail(e, verbose, ExitCode.Usage);
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"irisnet: internal error: {e.GetType().Name}: {e.Message}{(verbose ? "" : " (run with --verbose for details)")}");
            if (verbose) Console.Error.WriteLine(e);
            return ExitCode.Failure;
        }
    }

    private static int Fail(Exception e, bool verbose, int code)
    {
        Console.Error.WriteLine($"irisnet: error: {e.Message}");
        if (verbose) Console.Error.WriteLine(e);
        return code;
    }

    public static Command BuildRoot()
    {
        // A plain command named "irisnet" (a RootCommand would take the assembly's name, IrisNet.Cli).
        var root = new Command("irisnet", "IrisNet: a two-layer softmax network with hand-written backpropagation, trained by gradient descent.")
        {
            new HelpOption(),
            new VersionOption(),
            TrainCommand.Build(),
            EvaluateCommand.Build(),
            PredictCommand.Build(),
            GradcheckCommand.Build(),
            PlotCommand.Build(),
            ExplainCommand.Build(),
        };
        return root;
    }

    public static string Version =>
        typeof(Program).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";
}

/// <summary>Chooses between a live terminal display and plain, escape-free lines.</summary>
public static class ConsoleSetup
{
    /// <summary>True on an interactive terminal when CI is not set: live progress bars and colour.</summary>
    public static bool Interactive { get; private set; }

    public static void Configure()
    {
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
