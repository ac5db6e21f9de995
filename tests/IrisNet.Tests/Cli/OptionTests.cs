using System.CommandLine;
using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using IrisNet.Cli;
using IrisNet.Cli.Options;
using IrisNet.Errors;
using IrisNet.Scoring;
using IrisNet.Training;
using Xunit;

namespace IrisNet.Tests;

/// <summary>
/// The command tree's options: a flag several commands take is declared once (SharedOptions,
/// ModelOptionSet), so it shows the same help wherever it means the same; every flag a message or
/// a help text names exists; each option bound to a library name sets exactly that property.
/// </summary>
public sealed partial class OptionTests
{
    private static readonly Command Root = Program.BuildRoot();
    private static readonly Command[] Commands = [.. Root.Subcommands];

    private static IEnumerable<Option> Declared(Command c) =>
        c.Options.Where(o => o.Name is not "--help" and not "--version");

    /// <summary>What help says of an option and how it parses; declarations that differ in any of it differ.</summary>
    private static string Help(Option o) => string.Join(" | ", o.Name, o.ValueType.Name, o.HelpName ?? "",
        o.Description ?? "", o.Required ? "required" : "",
        o.HasDefaultValue ? Convert.ToString(o.GetDefaultValue(), CultureInfo.InvariantCulture) : "(no default)");

    /// <summary>The shared declarations: each SharedOptions variant and each ModelOptionSet option.</summary>
    private static readonly Option[] Registered =
        [.. SharedOptions.All.Select(make => make()), .. new ModelOptionSet().All, .. SweepOptions.All];

    private static MethodInfo CrossValidationRun => typeof(CrossValidation).GetMethod(nameof(CrossValidation.Run))!;

    [Fact]
    public void Every_command_takes_its_shared_options_from_the_one_declaration()
    {
        var registered = Registered.Select(Help).ToHashSet();
        var registeredNames = Registered.Select(o => o.Name).ToHashSet();
        Assert.Contains("--data", registeredNames);
        var problems = new List<string>();
        foreach (Command c in Commands)
        {
            foreach (Option o in Declared(c))
            {
                if (registeredNames.Contains(o.Name) && !registered.Contains(Help(o)))
                    problems.Add($"irisnet {c.Name} {o.Name} is declared on its own: {Help(o)}");
            }
        }
        // A flag that two commands take must come from the shared declarations, so that its help cannot drift.
        var uses = Commands.SelectMany(c => Declared(c).Select(o => (Command: c.Name, o.Name))).GroupBy(t => t.Name);
        foreach (var flag in uses.Where(g => g.Count() > 1 && !registeredNames.Contains(g.Key)))
        {
            string by = string.Join(", ", flag.Select(t => t.Command));
            problems.Add($"{flag.Key} is declared by {by} separately; declare it once in SharedOptions");
        }
        Assert.Empty(problems);
    }

    [Fact]
    public void Each_training_option_sets_exactly_the_property_it_is_bound_to_and_every_property_has_one()
    {
        var set = new ModelOptionSet();
        var command = new Command("probe");
        foreach (Option o in set.Training.Cast<Option>()) command.Options.Add(o);
        PropertyInfo[] properties = typeof(TrainingOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite).ToArray();
        var defaults = new TrainingOptions();
        var problems = new List<string>();
        foreach (ITrainingOption bound in set.Training)
        {
            var option = (Option)bound;
            ParseResult parsed = command.Parse([option.Name, Other(option)]);
            Assert.Empty(parsed.Errors);
            TrainingOptions applied = bound.Apply(defaults, parsed);
            string[] changed = properties.Where(p => !Equals(p.GetValue(applied), p.GetValue(defaults)))
                .Select(p => p.Name).ToArray();
            if (changed.Length != 1 || changed[0] != bound.BoundTo)
            {
                string sets = changed.Length == 0 ? "nothing" : string.Join(", ", changed);
                problems.Add($"{option.Name} is bound to {bound.BoundTo} but sets {sets}");
            }
        }
        Assert.Empty(problems);
        Assert.Equal(properties.Select(p => p.Name).Order(), set.Training.Select(o => o.BoundTo).Order());
    }

    /// <summary>A value for <paramref name="option"/> other than its default.</summary>
    private static string Other(Option option)
    {
        object? value = option.HasDefaultValue ? option.GetDefaultValue() : null;
        return value switch
        {
            int i => (i + 1).ToString(CultureInfo.InvariantCulture),
            ulong u => (u + 1).ToString(CultureInfo.InvariantCulture),
            double d => (d + 0.25).ToString("R", CultureInfo.InvariantCulture),
            bool b => b ? "false" : "true",
            null when option.ValueType == typeof(double?) => "0.5",
            string s => option.HelpName!.Split('|').First(choice => choice != s),
            _ => throw new InvalidOperationException($"{option.Name}: no other value for {value}"),
        };
    }

    [Fact]
    public void Every_name_the_library_gives_an_error_is_reported_under_a_flag_of_the_command()
    {
        Command train = Commands.Single(c => c.Name == "train"), cv = Commands.Single(c => c.Name == "cv");
        foreach (PropertyInfo p in typeof(TrainingOptions).GetProperties())
            Assert.Contains(ModelOptionSet.FlagFor(p.Name, train), train.Options.Select(o => o.Name));
        // CrossValidation.Run's errors name its parameters K, R and threads.
        foreach (ParameterInfo p in CrossValidationRun.GetParameters().Where(p => p.ParameterType == typeof(int)))
            Assert.Contains(ModelOptionSet.FlagFor(p.Name!, cv), cv.Options.Select(o => o.Name));
        Assert.Equal("--threads", ModelOptionSet.FlagFor("threads", cv));
        var error = new OptionException(nameof(TrainingOptions.LearningRate), "is wrong.");
        Assert.Equal("--lr: is wrong.", ModelOptionSet.Describe(error, train));
        // Every bound option of every command names a property or a parameter the library has.
        string[] names =
        [
            .. typeof(TrainingOptions).GetProperties().Select(p => p.Name),
            .. CrossValidationRun.GetParameters().Select(p => p.Name!),
            .. typeof(LearningRateFinder).GetMethod(nameof(LearningRateFinder.Run))!.GetParameters()
                .Select(p => p.Name!),
        ];
        foreach (IBoundOption o in Commands.SelectMany(c => c.Options).OfType<IBoundOption>())
            Assert.Contains(o.BoundTo, names);
    }

    [Fact]
    public void Every_flag_a_help_text_names_is_an_option_of_that_command()
    {
        var problems = new List<string>();
        foreach (Command c in Commands)
        {
            var flags = c.Options.Select(o => o.Name).ToHashSet();
            foreach (string text in Declared(c).Select(o => o.Description ?? "").Append(c.Description ?? ""))
            {
                foreach (Match m in Flag().Matches(text))
                {
                    if (!flags.Contains(m.Value)) problems.Add($"irisnet {c.Name}: '{text}' names {m.Value}");
                }
            }
        }
        Assert.Empty(problems);
    }

    [Fact]
    public void Every_flag_a_message_in_the_source_names_exists_in_its_command()
    {
        // Messages take flags from the option objects; what is still written out in a string (a hint, the
        // data library's messages) must name an option that exists: in the command of a command's file,
        // else in some command.
        var all = Commands.Append(Root).SelectMany(c => c.Options).Select(o => o.Name).ToHashSet();
        var problems = new List<string>();
        int scanned = 0;
        foreach (string project in new[] { "IrisNet.Cli", "IrisNet.Data" })
        {
            string root = Path.Combine(Repo.Root, "src", project);
            foreach (string file in Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories))
            {
                string relative = Path.GetRelativePath(root, file).Replace('\\', '/');
                if (relative.Split('/')[0] is "obj" or "bin") continue;
                Match own = CommandFile().Match(relative);
                HashSet<string> flags = own.Success
                    ? Commands.Single(c => c.Name.Replace("-", "").Equals(own.Groups[1].Value,
                        StringComparison.OrdinalIgnoreCase))
                        .Options.Select(o => o.Name).ToHashSet()
                    : all;
                string[] lines = File.ReadAllLines(file);
                scanned++;
                for (int i = 0; i < lines.Length; i++)
                {
                    if (lines[i].TrimStart().StartsWith("//", StringComparison.Ordinal)) continue;
                    foreach (Match literal in StringLiteral().Matches(lines[i]))
                    {
                        foreach (Match flag in Flag().Matches(literal.Value))
                        {
                            if (!flags.Contains(flag.Value))
                                problems.Add($"{project}/{relative}:{i + 1}: {flag.Value} in {literal.Value}");
                        }
                    }
                }
            }
        }
        Assert.True(scanned > 30, $"only {scanned} files scanned");
        Assert.Empty(problems);
    }

    [GeneratedRegex(@"(?<![\w-])--[a-z][a-z0-9]*(?:-[a-z0-9]+)*")]
    private static partial Regex Flag();

    [GeneratedRegex(@"""(?:[^""\\]|\\.)*""")]
    private static partial Regex StringLiteral();

    [GeneratedRegex(@"^Commands/(\w+)Command\.cs$")]
    private static partial Regex CommandFile();
}
