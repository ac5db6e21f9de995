namespace IrisNet;

/// <summary>An option value that cannot be used; names the option.</summary>
public sealed class OptionException : IrisNetException
{
    /// <summary>Creates the error for <paramref name="option"/> (for example <c>--lr</c>).</summary>
    public OptionException(string option, string message) : base($"{option}: {message}") => Option = option;

    /// <summary>The option's command-line name.</summary>
    public string Option { get; }
}
