using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace IrisNet.Cli.Options;

/// <summary>
/// Rewrites System.CommandLine's parse errors into the program's own one-line messages: an option value
/// of the wrong kind names the option, the value, what was expected and an example (never a .NET type
/// name such as System.Double); other errors are flattened to one line.
/// </summary>
public static class UsageErrors
{
    public static string Describe(ParseResult parsed, ParseError error, IReadOnlyList<string> args)
    {
        OptionResult? option = error.SymbolResult as OptionResult ?? (error.SymbolResult as ArgumentResult)?.Parent as
            OptionResult;
        if (option is not null && option.Tokens.Count > 0 && Expected(option.Option.ValueType,
            option.Tokens[^1].Value) is string what)
            return $"{option.Option.Name}: '{option.Tokens[^1].Value}' {what}; {Example(option.Option)}.";
        foreach (string token in parsed.UnmatchedTokens)
        {
            // An unknown option, even right after a true|false flag (which takes no value from it).
            if (token.StartsWith('-') && !double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture,
                out _))
                return $"'{(token.Length > 40 ? token[..40] + "…" : token)}' is not an option of irisnet " +
                    $"{parsed.CommandResult.Command.Name}.";
            // A value after a true|false option that is neither is left over as an unmatched token.
            int at = IndexOf(args, token);
            if (at > 0 && FindOption(parsed.CommandResult.Command, args[at - 1]) is Option { ValueType: var t } flag
                && t == typeof(bool))
                return $"{flag.Name}: '{token}' is not true or false; {Example(flag)}.";
        }
        return string.Join(' ', error.Message.Split(['\r', '\n', '\t'],
            StringSplitOptions.RemoveEmptyEntries).Select(s => s.Trim()));
    }

    /// <summary>
    /// Reads <paramref name="option"/>'s value with decimal points only. The default parser takes a comma
    /// as a thousands separator, so "--lr 0,5" would train with 5; here it is an error, which
    /// <see cref="Describe"/> words (write decimal points, not commas).
    /// </summary>
    public static void DecimalPointsOnly(Option<double> option) => option.CustomParser = r =>
    {
        string token = r.Tokens.Count > 0 ? r.Tokens[^1].Value : "";
        if (double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out double value)) return value;
        r.AddError($"{option.Name}: '{token}' is not a number.");
        return default;
    };

    /// <summary>
    /// Restricts <paramref name="option"/> to <paramref name="choices"/> (exact, lower case), with an error
    /// that names the option, the value and the choices.
    /// </summary>
    public static void OneOf(Option<string?> option, params string[] choices)
    {
        option.Validators.Add(r =>
        {
            string? v = r.GetValueOrDefault<string?>();
            if (v is not null && !choices.Contains(v, StringComparer.Ordinal))
                r.AddError($"{option.Name}: '{v}' is not one of {string.Join(", ", choices)}.");
        });
    }

    /// <summary>
    /// Refuses an empty path ('') as a parse error that names <paramref name="option"/>: no file is
    /// named '', and the file system calls would otherwise fail as an internal error.
    /// </summary>
    public static T NonEmptyPath<T>(T option, string example) where T : Option
    {
        option.Validators.Add(r =>
        {
            if (r.Tokens.Any(t => t.Value.Length == 0)) r.AddError(EmptyPath(option.Name, $"{option.Name} {example}"));
        });
        return option;
    }

    /// <summary>As <see cref="NonEmptyPath{T}(T, string)"/>, for a path given as an argument.</summary>
    public static Argument<T> NonEmptyPaths<T>(Argument<T> argument, string example)
    {
        argument.Validators.Add(r =>
        {
            if (r.Tokens.Any(t => t.Value.Length == 0)) r.AddError(EmptyPath(argument.Name, example));
        });
        return argument;
    }

    private static string EmptyPath(string name, string example) =>
        $"{name}: the path is empty (''); give a file or directory name, for example {example}.";

    /// <summary>What is wrong with <paramref name="token"/> as a value of <paramref name="type"/>, or null when it
    /// parses.</summary>
    private static string? Expected(Type type, string token)
    {
        var inv = CultureInfo.InvariantCulture;
        if (type == typeof(double))
        {
            return double.TryParse(token, NumberStyles.Float, inv, out _) ? null
                : token.Contains(',', StringComparison.Ordinal) ? "is not a number (write decimal points, not commas)"
                    : "is not a number";
        }
        if (type == typeof(int))
        {
            if (int.TryParse(token, NumberStyles.Integer, inv, out _)) return null;
            return long.TryParse(token, NumberStyles.Integer, inv, out _)
                ? $"is out of range (at most {int.MaxValue:N0})" : "is not a whole number";
        }
        if (type == typeof(ulong))
        {
            if (ulong.TryParse(token, NumberStyles.None, inv, out _)) return null;
            return token.StartsWith('-') ? "is negative; it must be a whole number from 0 to 18446744073709551615"
                : "is not a whole number from 0 to 18446744073709551615";
        }
        if (type == typeof(bool)) return bool.TryParse(token, out _) ? null : "is not true or false";
        return null;
    }

    private static string Example(Option option)
    {
        if (option.ValueType == typeof(bool)) return $"use {option.Name} true or {option.Name} false";
        object? value = option.HasDefaultValue ? option.GetDefaultValue() : null;
        string example = value switch
        {
            double d when d != 0 => d.ToString("R", CultureInfo.InvariantCulture),
            double => "0.001",
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => option.ValueType == typeof(double) ? "0.5" : "1",
        };
        return $"use for example {option.Name} {example}";
    }

    private static Option? FindOption(Command command, string name)
    {
        foreach (Option o in command.Options)
        {
            if (o.Name == name || o.Aliases.Contains(name)) return o;
        }
        return null;
    }

    private static int IndexOf(IReadOnlyList<string> args, string token)
    {
        for (int i = 0; i < args.Count; i++)
        {
            if (args[i] == token) return i;
        }
        return -1;
    }
}
