using System.CommandLine;
using System.CommandLine.Help;
using System.Reflection;
using IrisNet.Cli.Commands;
using IrisNet.Cli.Options;
using IrisNet.Cli.Output;
using IrisNet.Errors;

namespace IrisNet.Cli;

public static class Program
{
    public static int Main(string[] args)
    {
        Phases.Start();
        try
        {
            return Run(args);
        }
        finally
        {
            Phases.Report();
        }
    }

    private static int Run(string[] args)
    {
        ConsoleSetup.Configure();
        Command root = BuildRoot();
        ParseResult parsed = root.Parse(args);
        if (args.Length == 0)
        {
            // No command: the command list on stdout, and the usage exit code, since nothing was done.
            root.Parse(["--help"]).Invoke();
            return ExitCode.Usage;
        }
        if (parsed.Errors.Count > 0)
        {
            string command = parsed.CommandResult.Command == root ? "irisnet"
                : $"irisnet {parsed.CommandResult.Command.Name}";
            string message = UsageErrors.Describe(parsed, parsed.Errors[0], args);
            Console.Error.WriteLine($"irisnet: error: {Terminal.Escape(message)} See '{command} --help'.");
            return ExitCode.Usage;
        }
        Phases.Mark("parse");
        bool verbose = SharedOptions.IsVerbose(parsed);
        try
        {
            return parsed.Invoke(new InvocationConfiguration
            {
                EnableDefaultExceptionHandler = false,
                ProcessTerminationTimeout = null
            });
        }
        catch (TrainingDivergedException e)
        {
            return Fail(e, parsed.CommandResult.Command, verbose, ExitCode.Failure);
        }
        catch (IrisNetException e)
        {
            return Fail(e, parsed.CommandResult.Command, verbose, ExitCode.Usage);
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"irisnet: internal error: {e.GetType().Name}: " +
                $"{Terminal.Escape(e.Message)}{(verbose ? "" : " (run with --verbose for details)")}");
            if (verbose) Console.Error.WriteLine(e);
            return ExitCode.Failure;
        }
    }

    private static int Fail(Exception e, Command command, bool verbose, int code)
    {
        // The library names TrainingOptions properties; the user knows them by the command's options.
        string message = ModelOptionSet.Describe(e, command);
        Console.Error.WriteLine($"irisnet: error: {Terminal.Escape(message)}");
        if (verbose) Console.Error.WriteLine(e);
        return code;
    }

    public static Command BuildRoot()
    {
        // A plain command named "irisnet" (a RootCommand would take the assembly's name, IrisNet.Cli).
        var root = new Command("irisnet",
            "IrisNet: a two-layer softmax network with hand-written backpropagation, trained by gradient descent.")
        {
            new HelpOption(),
            new VersionOption(),
            TrainCommand.Build(),
            EvaluateCommand.Build(),
            PredictCommand.Build(),
            ExportCommand.Build(),
            GradcheckCommand.Build(),
            PlotCommand.Build(),
            ExplainCommand.Build(),
            TraceCommand.Build(),
            DiffCommand.Build(),
            CvCommand.Build(),
            SweepCommand.Build(),
            LrFindCommand.Build(),
            ReportCommand.Build(),
        };
        return root;
    }

    public static string Version =>
        typeof(Program).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";
}
