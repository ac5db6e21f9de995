namespace IrisNet.Errors;

/// <summary>A data file (CSV) that cannot be used: names the file, line and column where known.</summary>
public sealed class DataException : IrisNetException
{
    /// <summary>Creates the error; the message is prefixed with <c>file:line:column</c> where those are
    /// known.</summary>
    public DataException(string? file, long line, int column, string message, Exception? inner = null)
        : base(Prefix(file, line, column) + message, inner)
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
