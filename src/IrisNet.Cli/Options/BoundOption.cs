using System.CommandLine;
using IrisNet.Training;

namespace IrisNet.Cli.Options;

/// <summary>
/// An option the core library knows by another name: the <see cref="TrainingOptions"/> property or the
/// parameter it sets. The library's errors name that (<c>LearningRate</c>); the command line reports
/// them under the option of the command that ran (<c>--lr</c>), so the map from one to the other is
/// read off the command's own options and cannot list a flag the command does not have.
/// </summary>
public interface IBoundOption
{
    /// <summary>The flag, for example <c>--lr</c>.</summary>
    string Name { get; }

    /// <summary>The property or parameter name the library uses, for example <c>LearningRate</c>.</summary>
    string BoundTo { get; }
}

/// <summary>
/// An option whose library name is <see cref="IBoundOption.BoundTo"/> (a parameter, such as
/// CrossValidation's <c>folds</c>).
/// </summary>
public class BoundOption<T>(string name, string boundTo) : Option<T>(name), IBoundOption
{
    public string BoundTo { get; } = boundTo;
}

/// <summary>An option that sets one <see cref="TrainingOptions"/> property, named and set in one place.</summary>
public interface ITrainingOption : IBoundOption
{
    /// <summary>
    /// <paramref name="options"/> with this option's value in its property, when the command offers the
    /// option; otherwise <paramref name="options"/> unchanged (it keeps the library's default).
    /// </summary>
    TrainingOptions Apply(TrainingOptions options, ParseResult parsed);
}

/// <summary>An option that sets the <see cref="TrainingOptions"/> property <c>property</c> by <c>set</c>.</summary>
public sealed class TrainingOption<T>(string name, string property, Func<TrainingOptions, T, TrainingOptions> set)
    : BoundOption<T>(name, property), ITrainingOption
{
    public TrainingOptions Apply(TrainingOptions options, ParseResult parsed) =>
        parsed.GetResult(this) is null ? options : set(options, parsed.GetValue(this)!);
}
