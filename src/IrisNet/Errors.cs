namespace IrisNet;

/// <summary>Base of every error IrisNet raises on purpose. Its message is one line a user can act on.</summary>
public class IrisNetException : Exception
{
    /// <summary>Creates the error with its one-line message.</summary>
    public IrisNetException(string message) : base(message) { }

    /// <summary>Creates the error with its one-line message and the underlying cause.</summary>
    public IrisNetException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>A data file (CSV) that cannot be used: names the file, line and column where known.</summary>
public sealed class DataException : IrisNetException
{
    /// <summary>Creates the error; the message is prefixed with <c>file:line:column</c> where those are known.</summary>
    public DataException(string? file, long line, int column, string message, Exception? inner = null)
        : base(Prefix(file, line, column) + message, inner ?? new InvalidOperationException(message))
    {
        File = file;
        Line = line;
        Column = column;
    }

    /// <summary>The file, or null for in-memory data.</summary>
    public string? File { get; }

    /// <summary>The 1-based line number, or 0 when the error concerns the file as a whole.</summary>
    public long Line { get; }

    /// <summary>The 1-based column (field) number, or 0 when it concerns a whole line.</summary>
    public int Column { get; }

    private static string Prefix(string? file, long line, int column)
    {
        if (file is null && line <= 0) return "";
        string where = file ?? "data";
        if (line > 0) where += $":{line}";
        if (column > 0) where += $":{column}";
        return where + ": ";
    }
}

/// <summary>An option value that cannot be used; names the option.</summary>
public sealed class OptionException : IrisNetException
{
    /// <summary>Creates the error for <paramref name="option"/> (for example <c>--lr</c>).</summary>
    public OptionException(string option, string message) : base($"{option}: {message}") => Option = option;

    /// <summary>The option's command-line name.</summary>
    public string Option { get; }
}

/// <summary>A model or weights file (JSON) that cannot be used; names the file and the field.</summary>
public sealed class ModelFileException : IrisNetException
{
    /// <summary>Creates the error; the message is prefixed with the file name.</summary>
    public ModelFileException(string? file, string message, Exception? inner = null)
        : base($"{file ?? "model"}: {message}", inner ?? new InvalidOperationException(message)) => File = file;

    /// <summary>The file, or null when the JSON came from memory.</summary>
    public string? File { get; }
}

/// <summary>The loss became NaN or infinite: training stopped, and no model was produced.</summary>
public sealed class TrainingDivergedException : IrisNetException
{
    /// <summary>Creates the error for the 1-based <paramref name="epoch"/>.</summary>
    public TrainingDivergedException(int epoch, double learningRate, IReadOnlyList<EpochMetrics> history)
        : base($"training diverged at epoch {epoch}: the loss is not finite. Try a smaller learning rate than --lr {learningRate.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}.")
    {
        Epoch = epoch;
        History = history;
    }

    /// <summary>The 1-based epoch whose loss was not finite.</summary>
    public int Epoch { get; }

    /// <summary>The metrics of every epoch before it (all finite).</summary>
    public IReadOnlyList<EpochMetrics> History { get; }
}
