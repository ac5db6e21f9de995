namespace IrisNet.Data;

/// <summary>The data a model was trained on, as recorded in model.json's "data" block.</summary>
/// <param name="File">The file name as given (or the bundled data's name).</param>
/// <param name="Sha256">The SHA-256 of the file's bytes, lower-case hex.</param>
/// <param name="Label">The label column.</param>
/// <param name="Rows">Every labelled row of the file, before the split.</param>
public sealed record TrainingData(string File, string Sha256, string Label, int Rows);
