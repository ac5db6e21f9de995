namespace IrisNet.Errors;

/// <summary>A trace file that cannot be read; the message names the file and the JSON path of the problem.</summary>
public sealed class TraceFileException : IrisNetException
{
    /// <summary>Creates the error: "file: path: message".</summary>
    public TraceFileException(string? file, string path, string message, Exception? inner = null)
        : base($"{file ?? "trace"}: {path}: {message}", inner)
    {
        File = file;
        JsonPath = path;
    }

    /// <summary>The file, or null when the JSON came from memory.</summary>
    public string? File { get; }

    /// <summary>The JSON path of the problem, such as $.steps[0].dB.value[1].</summary>
    public string JsonPath { get; }
}
