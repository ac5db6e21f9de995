namespace IrisNet.Errors;

/// <summary>A model or weights file (JSON) that cannot be used; names the file and the field.</summary>
public sealed class ModelFileException : IrisNetException
{
    /// <summary>Creates the error; the message is prefixed with the file name.</summary>
    public ModelFileException(string? file, string message, Exception? inner = null)
        : base($"{file ?? "model"}: {message}", inner) => File = file;

    /// <summary>The file, or null when the JSON came from memory.</summary>
    public string? File { get; }
}
