using System.CommandLine;
using System.Globalization;
using IrisNet.Errors;
using IrisNet.Training;

namespace IrisNet.Cli.Options;

/// <summary>
/// An option of sweep that takes a list (grid) or a range (random search) of values of the train option
/// <see cref="Source"/>, which has the same name and checks each value with its own parser.
/// </summary>
public sealed class SweepOption(string name, string boundTo, Option source) : Option<string?>(name), IBoundOption
{
    public string BoundTo { get; } = boundTo;

    /// <summary>The train option whose values this one lists.</summary>
    public Option Source { get; } = source;

    /// <summary>Whether a range LOW:HIGH applies: the values are numbers.</summary>
    public bool Numeric => Source.ValueType == typeof(double) || Source.ValueType == typeof(int);
}

/// <summary>One option of the search space: a list of values as given, or a numeric range.</summary>
public sealed record SweepDimension(SweepOption Option, IReadOnlyList<string> Values, SweepRange? Range)
{
    /// <summary>Whether configurations differ in this option (a leaderboard column).</summary>
    public bool Varies => Range is not null || Values.Count > 1;

    /// <summary>The column name: the option without its dashes.</summary>
    public string Column => Option.Name.TrimStart('-');
}

/// <summary>A range of a random search: uniform in the value, or in its logarithm.</summary>
public sealed record SweepRange(double Low, double High, bool Log, bool Integer);

/// <summary>One configuration: its id, the values of the options given (as given), its training options.</summary>
public sealed record SweepConfiguration(string Id, IReadOnlyList<string> Values, TrainingOptions Options);

/// <summary>
/// The options of sweep, taken from <see cref="ModelOptionSet.Training"/>: every training option but those
/// that fix the experiment (<see cref="Fixed"/>) becomes a list-or-range option of the same name, so an
/// option added to the set is sweepable with no new code. Each value is read by the train option itself
/// (on a probe command), so a sweep's configuration holds exactly the options train would.
/// </summary>
public sealed class SweepOptions
{
    /// <summary>Default limit of configurations (<c>--max-configs</c>).</summary>
    public const int DefaultLimit = 1000;

    /// <summary>
    /// The properties not swept: the test split and the seed (one experiment has one split and one set of
    /// folds), threads (a fit is one thread), and early stopping (folds report their full curves, as in cv).
    /// </summary>
    public static readonly string[] Fixed =
    [
        nameof(TrainingOptions.TestFraction), nameof(TrainingOptions.Seed), nameof(TrainingOptions.Threads),
        nameof(TrainingOptions.ValidationFraction), nameof(TrainingOptions.Patience), nameof(TrainingOptions.MinDelta),
    ];

    private readonly Command _probe = new("probe");

    public SweepOptions()
    {
        foreach (Option o in Set.Training.Cast<Option>()) _probe.Options.Add(o);
        Lists = Set.Training.Where(t => !Fixed.Contains(t.BoundTo)).Select(t => Declare((Option)t)).ToArray();
    }

    /// <summary>The training options, whose fixed ones (--seed, --test-fraction) sweep takes as they are.</summary>
    public ModelOptionSet Set { get; } = new();

    /// <summary>The list-or-range options, in the set's order.</summary>
    public IReadOnlyList<SweepOption> Lists { get; }

    /// <summary>--threads of sweep: configurations at once (Sweep.Run's <c>threads</c>).</summary>
    public BoundOption<int?> ConfigurationsAtOnce { get; } = new("--threads", "threads")
    {
        Description =
            "Configurations trained at once, each on one thread, its folds in turn [default: the number of cores]",
        HelpName = "N",
    };

    /// <summary>Every option of sweep's own, one instance each, for the test that no command declares its
    /// own.</summary>
    public static IEnumerable<Option> All => [.. new SweepOptions().Lists, new SweepOptions().ConfigurationsAtOnce];

    private static SweepOption Declare(Option source)
    {
        string shown = source.HasDefaultValue
            ? Convert.ToString(source.GetDefaultValue(), CultureInfo.InvariantCulture)!.ToLowerInvariant() : "";
        string description = source.Description ?? "";
        int cut = description.IndexOf(" [default", StringComparison.Ordinal);
        if (cut >= 0) description = description[..cut];
        string kind = source.ValueType == typeof(double) || source.ValueType == typeof(int)
            ? ": a list V1,V2,… for the grid, or with --trials a range LOW:HIGH[:log|:linear]"
            : ": a list V1,V2,… (with --trials, one is drawn per trial)";
        return new SweepOption(source.Name, ((IBoundOption)source).BoundTo, source)
        {
            Description = $"{description}{kind} [default: {shown}]",
            HelpName = source.HelpName is { } h && h.Contains('|', StringComparison.Ordinal) ? h.Replace('|',
                ',') : "LIST",
        };
    }

    /// <summary>The dimensions given on the command line, in the set's order; every value checked.</summary>
    /// <exception cref="OptionException">An empty or malformed list or range; names the option.</exception>
    public IReadOnlyList<SweepDimension> Dimensions(ParseResult p, bool random)
    {
        var result = new List<SweepDimension>();
        foreach (SweepOption o in Lists)
        {
            if (p.GetValue(o) is not string text) continue;
            if (text.Contains(':', StringComparison.Ordinal)) result.Add(new SweepDimension(o, [], Range(o, text,
                random)));
            else result.Add(new SweepDimension(o, List(o, text), null));
        }
        return result;
    }

    private List<string> List(SweepOption o, string text)
    {
        if (text.Trim().Length == 0)
            throw new OptionException(o.Name,
                "the list is empty; give one value or several separated by commas, such as 0.01,0.1,1.");
        var values = new List<string>();
        foreach (string raw in text.Split(','))
        {
            string v = raw.Trim();
            if (v.Length == 0)
                throw new OptionException(o.Name,
                    $"'{text}' has an empty value; separate values by single commas, such as 4,8,16.");
            Check(o, v, text);
            if (values.Contains(v))
                throw new OptionException(o.Name, $"'{text}' lists '{v}' twice; give each value once.");
            values.Add(v);
        }
        return values;
    }

    private SweepRange Range(SweepOption o, string text, bool random)
    {
        if (!random)
        {
            throw new OptionException(o.Name, $"'{text}' is a range, which a random search draws from; add --trials N, "
                + "or give a list of values for the grid.");
        }
        if (!o.Numeric)
            throw new OptionException(o.Name,
                $"'{text}': a range needs numbers; give a list of values, such as {Choices(o)}.");
        string[] parts = text.Split(':');
        string? scale = parts.Length == 3 ? parts[2].Trim() : null;
        if (parts.Length is < 2 or > 3 || (scale is not null && scale is not "log" and not "linear"))
            throw new OptionException(o.Name,
                $"'{text}' is not a range; write LOW:HIGH, LOW:HIGH:log or LOW:HIGH:linear, such as 1e-3:1.");
        bool integer = o.Source.ValueType == typeof(int);
        double Number(string s)
        {
            string v = s.Trim();
            Check(o, v, text);
            return double.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture);
        }
        double low = Number(parts[0]), high = Number(parts[1]);
        if (low > high)
            throw new OptionException(o.Name,
                $"'{text}': the low end {parts[0].Trim()} exceeds the high end {parts[1].Trim()}; write " +
                $"{parts[1].Trim()}:{parts[0].Trim()}.");
        // Log-uniform when asked, or when the range spans a decade or more, or an end is written with an exponent.
        bool exponent = parts[0].Contains('e', StringComparison.OrdinalIgnoreCase) || parts[1].Contains('e',
            StringComparison.OrdinalIgnoreCase);
        bool log = scale == "log" || (scale is null && (exponent || (low > 0 && high >= 10 * low)));
        if (log && low <= 0)
        {
            throw new OptionException(o.Name,
                $"'{text}' is a log-uniform range (an end has an exponent, or :log) through zero, where "
                + $"the logarithm does not exist; start above 0 (such as 1e-6:{parts[1].Trim()}) or add :linear.");
        }
        return new SweepRange(low, high, log, integer);
    }

    private static string Choices(SweepOption o) =>
        o.Source.HelpName is { } h && h.Contains('|', StringComparison.Ordinal) ? h.Replace('|', ',') : "a,b";

    /// <summary>Checks one value with the train option's own parser.</summary>
    private void Check(SweepOption o, string value, string text)
    {
        string[] args = [o.Name, value];
        ParseResult parsed = _probe.Parse(args);
        if (parsed.Errors.Count == 0) return;
        string message = UsageErrors.Describe(parsed, parsed.Errors[0], args);
        string prefix = o.Name + ": ";
        if (message.StartsWith(prefix, StringComparison.Ordinal)) message = message[prefix.Length..];
        throw new OptionException(o.Name, value == text ? message : $"in '{text}', {message}");
    }

    /// <summary><paramref name="options"/> with the values of <paramref name="dimensions"/> applied by their train
    /// options.</summary>
    public TrainingOptions Apply(TrainingOptions options, IReadOnlyList<SweepDimension> dimensions,
        IReadOnlyList<string> values)
    {
        var args = new List<string>();
        for (int i = 0; i < dimensions.Count; i++) args.AddRange([dimensions[i].Option.Name, values[i]]);
        ParseResult parsed = _probe.Parse(args);
        if (parsed.Errors.Count > 0) throw new OptionException("sweep", UsageErrors.Describe(parsed, parsed.Errors[0],
            args));
        foreach (SweepDimension d in dimensions)
            options = ((ITrainingOption)d.Option.Source).Apply(options, parsed);
        return options;
    }

    /// <summary>
    /// The grid: every combination of the lists, the last option varying fastest.
    /// </summary>
    /// <exception cref="OptionException">More than <paramref name="limit"/> combinations.</exception>
    public IReadOnlyList<SweepConfiguration> Grid(IReadOnlyList<SweepDimension> dimensions, TrainingOptions baseOptions,
        int limit,
        string limitFlag)
    {
        double count = dimensions.Aggregate(1.0, (n, d) => n * d.Values.Count);
        if (count > limit)
        {
            string sizes = string.Join(" × ", dimensions.Where(d => d.Varies).Select(d
                => $"{d.Values.Count} {d.Option.Name}"));
            throw new OptionException(limitFlag,
                $"the grid has {count:N0} configurations ({sizes}), more than the limit of "
                + $"{limit:N0}; shorten the lists, or raise the limit with {limitFlag} {count:F0}.");
        }
        var result = new List<SweepConfiguration>();
        var index = new int[dimensions.Count];
        for (int c = 0; c < (int)count; c++)
        {
            string[] values = dimensions.Select((d, i) => d.Values[index[i]]).ToArray();
            result.Add(new SweepConfiguration($"c{c + 1}", values, Apply(baseOptions, dimensions, values)));
            for (int i = dimensions.Count - 1; i >= 0; i--)
            {
                if (++index[i] < dimensions[i].Values.Count) break;
                index[i] = 0;
            }
        }
        return result;
    }

    /// <summary>
    /// A random search of <paramref name="trials"/> configurations drawn from the <see cref="RandomStream.Sweep"/>
    /// stream of <paramref name="seed"/>, trial after trial, option after option in the set's order: a range
    /// uniformly (in the logarithm when log-uniform; whole numbers for an integer option; rounded to four significant
    /// digits), a list by a uniform choice.
    /// </summary>
    public IReadOnlyList<SweepConfiguration> Random(IReadOnlyList<SweepDimension> dimensions,
        TrainingOptions baseOptions,
        int trials, ulong seed)
    {
        var rng = SplitMix64.Stream(seed, RandomStream.Sweep);
        var result = new List<SweepConfiguration>(trials);
        for (int t = 0; t < trials; t++)
        {
            var values = new string[dimensions.Count];
            for (int i = 0; i < dimensions.Count; i++)
            {
                SweepDimension d = dimensions[i];
                values[i] = d.Range is { } r ? Draw(r, ref rng) : d.Values[d.Values.Count == 1 ? 0
                    : rng.NextInt(d.Values.Count)];
            }
            result.Add(new SweepConfiguration($"c{t + 1}", values, Apply(baseOptions, dimensions, values)));
        }
        return result;
    }

    private static string Draw(SweepRange r, ref SplitMix64 rng)
    {
        double u = rng.NextDouble();
        double v = r.Log ? Math.Exp(Math.Log(r.Low) + u * (Math.Log(r.High) - Math.Log(r.Low))) : r.Low + u * (r.High
            - r.Low);
        v = Math.Clamp(v, r.Low, r.High);
        // Four significant digits: a value a person can read and give to train as it is.
        if (!r.Integer) return Math.Clamp(double.Parse(v.ToString("G4", CultureInfo.InvariantCulture),
            CultureInfo.InvariantCulture), r.Low, r.High).ToString("R", CultureInfo.InvariantCulture);
        int whole = r.Log ? (int)Math.Round(v) : (int)r.Low + (int)Math.Min(u * (r.High - r.Low + 1), r.High - r.Low);
        return Math.Clamp(whole, (int)Math.Ceiling(r.Low),
            (int)Math.Floor(r.High)).ToString(CultureInfo.InvariantCulture);
    }
}
