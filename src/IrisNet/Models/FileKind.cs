using IrisNet.Tracing;

namespace IrisNet.Models;

/// <summary>The kinds of JSON file IrisNet writes, told apart by their top-level fields.</summary>
public enum FileKind
{
    /// <summary>None of IrisNet's kinds (or not JSON).</summary>
    Other,

    /// <summary>A model.json: "format": "irisnet-model".</summary>
    Model,

    /// <summary>A trace of irisnet trace: "format": "irisnet-trace".</summary>
    Trace,

    /// <summary>The summary.json of an irisnet train run: "irisnet_version" and no "command".</summary>
    TrainSummary,

    /// <summary>The summary.json of an irisnet cv run: "irisnet_version" and "command": "cv".</summary>
    CvSummary,
}

/// <summary>Recognizes which of IrisNet's files a JSON text is, so a file of the wrong kind is named as such.</summary>
public static class FileKinds
{
    /// <summary>The kind of <paramref name="utf8"/>, read from its top-level fields only (no other check).</summary>
    public static FileKind Of(ReadOnlySpan<byte> utf8)
    {
        var (_, format, _) = StrictJson.Header(utf8, "format", "version");
        if (format == ModelJson.FormatName) return FileKind.Model;
        if (format == TraceFile.FormatName) return FileKind.Trace;
        if (!StrictJson.Header(utf8, "irisnet_version", "version").HasName) return FileKind.Other;
        return StrictJson.Header(utf8, "command", "version").Name == "cv" ? FileKind.CvSummary : FileKind.TrainSummary;
    }

    /// <summary>How an error names <paramref name="kind"/>: "the summary.json of an irisnet train run".</summary>
    public static string Describe(FileKind kind) => kind switch
    {
        FileKind.Model => "an IrisNet model (model.json)",
        FileKind.Trace => "a trace written by irisnet trace",
        FileKind.TrainSummary => "the summary.json of an irisnet train run",
        FileKind.CvSummary => "the summary.json of an irisnet cv run",
        _ => "not a file IrisNet writes",
    };
}
