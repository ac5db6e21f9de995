using IrisNet.Training;

namespace IrisNet.Errors;

/// <summary>
/// An option value that cannot be used. The core library names the <see cref="TrainingOptions"/>
/// property (for example <c>LearningRate</c>); the command line reports it under its option (<c>--lr</c>).
/// </summary>
public sealed class OptionException : IrisNetException
{
    /// <summary>Creates the error for <paramref name="option"/>: a property name, or a command-line option.</summary>
    public OptionException(string option, string message) : base($"{option}: {message}")
    {
        Option = option;
        Detail = message;
    }

    /// <summary>The property (core library) or command-line option (command line) the error concerns.</summary>
    public string Option { get; }

    /// <summary>What is wrong, without the name.</summary>
    public string Detail { get; }
}
