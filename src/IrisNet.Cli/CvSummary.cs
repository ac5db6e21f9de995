using System.Text;
using System.Text.Json;

namespace IrisNet.Cli;

/// <summary>
/// The summary.json of irisnet cv. Everything but "timing" depends only on the data, the options
/// and the seed, never on --threads. Written with Utf8JsonWriter and no shared JSON helper, so the
/// file's shape is all here.
/// </summary>
public static class CvSummary
{
    /// <summary>How the folds were drawn (<see cref="CrossValidation.Partition"/>), with the stream's number.</summary>
    public static string Partition =>
        $"stratified; SplitMix64 stream {(ulong)RandomStream.Folds} (folds) of the seed, every repeat in turn: the rows of each class shuffled, then dealt to the folds in turn";

    public static string Json(string status, string? error, TrainingOptions options, string? initFile, DataSource source,
        int folds, int repeats, int threads, IReadOnlyList<FoldResult> done, CrossValidationResult? r)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("irisnet_version", Program.Version);
            w.WriteString("command", "cv");
            w.WriteString("status", status);
            if (error is not null) w.WriteString("error", error);
            WriteOptions(w, options, initFile);
            w.WriteNumber("seed", options.Seed);
            w.WriteStartObject("cross_validation");
            w.WriteNumber("folds", folds);
            w.WriteNumber("repeats", repeats);
            w.WriteString("partition", Partition);
            w.WriteNumber("completed_folds", done.Count);
            w.WriteEndObject();
            w.WriteStartObject("data");
            w.WriteString("file", source.Name);
            w.WriteString("sha256", source.Sha256);
            w.WriteNumber("rows", source.Data.Count);
            w.WriteString("label", source.Data.LabelName);
            w.WriteEndObject();
            Strings(w, "features", source.Data.FeatureNames);
            Strings(w, "classes", source.Data.ClassNames);
            w.WriteStartArray("folds");
            foreach (FoldResult f in done)
            {
                w.WriteStartObject();
                w.WriteNumber("repeat", f.Repeat);
                w.WriteNumber("fold", f.Fold);
                w.WriteNumber("train_rows", f.Train.Count);
                w.WriteNumber("heldout_rows", f.HeldOut.Count);
                w.WriteNumber("epochs", f.Epochs);
                w.WriteNumber("train_loss", f.Train.Loss);
                w.WriteNumber("train_accuracy", f.Train.Accuracy);
                w.WriteNumber("heldout_loss", f.HeldOut.Loss);
                w.WriteNumber("heldout_accuracy", f.HeldOut.Accuracy);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            if (r is not null && r.Folds.Count > 0) WriteHeldOut(w, r);
            w.WriteStartObject("timing");
            w.WriteNumber("threads", threads);
            w.WriteNumber("seconds", r?.Seconds ?? 0);
            w.WriteNumber("train_seconds", done.Sum(f => f.Seconds));
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    /// <summary>Each fold's training options: test_fraction is 0 and threads 1 (the held-out fold is the test set; folds run one thread each).</summary>
    private static void WriteOptions(Utf8JsonWriter w, TrainingOptions o, string? initFile)
    {
        w.WriteStartObject("options");
        w.WriteNumber("hidden", o.Hidden);
        w.WriteString("activation", o.Activation switch { Activation.Tanh => "tanh", Activation.Relu => "relu", _ => "identity" });
        w.WriteBoolean("bias", o.Bias);
        w.WriteNumber("lr", o.LearningRate);
        w.WriteNumber("epochs", o.Epochs);
        w.WriteNumber("batch_size", o.BatchSize);
        w.WriteNumber("momentum", o.Momentum);
        w.WriteNumber("l2", o.L2);
        w.WriteNumber("seed", o.Seed);
        w.WriteString("precision", o.Precision == Precision.Float32 ? "float32" : "float64");
        w.WriteString("standardize", o.Standardize ? "zscore" : "none");
        w.WriteString("init", initFile);
        w.WriteEndObject();
    }

    private static void WriteHeldOut(Utf8JsonWriter w, CrossValidationResult r)
    {
        w.WriteStartObject("heldout");
        w.WriteNumber("accuracy_mean", r.MeanAccuracy);
        w.WriteNumber("accuracy_sd", r.AccuracySd);
        w.WriteNumber("loss_mean", r.MeanLoss);
        w.WriteNumber("loss_sd", r.LossSd);
        w.WriteStartObject("accuracy_interval_95");
        w.WriteString("method", "wilson score interval on the pooled held-out accuracy, n = distinct rows");
        w.WriteNumber("n", r.Rows);
        w.WriteNumber("low", r.AccuracyLow);
        w.WriteNumber("high", r.AccuracyHigh);
        w.WriteEndObject();
        Evaluation p = r.Pooled;
        w.WriteStartObject("pooled");
        w.WriteNumber("predictions", p.Count);
        w.WriteNumber("loss", p.Loss);
        w.WriteNumber("accuracy", p.Accuracy);
        // As in summary.json: the whole matrix up to ConfusionDigest.DenseLimit classes, else its nonzero cells.
        bool dense = p.ClassNames.Count <= ConfusionDigest.DenseLimit;
        w.WriteStartArray(dense ? "confusion" : "confusion_cells");
        foreach (int[] row in dense ? p.Confusion : ConfusionDigest.Cells(p.Confusion))
        {
            w.WriteStartArray();
            foreach (int v in row) w.WriteNumberValue(v);
            w.WriteEndArray();
        }
        w.WriteEndArray();
        w.WriteStartObject("per_class");
        for (int k = 0; k < p.ClassNames.Count; k++)
        {
            w.WriteStartObject(p.ClassNames[k]);
            w.WriteNumber("precision", p.Precision[k]);
            w.WriteNumber("recall", p.Recall[k]);
            w.WriteNumber("f1", p.F1[k]);
            w.WriteEndObject();
        }
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void Strings(Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (string v in values) w.WriteStringValue(v);
        w.WriteEndArray();
    }
}
