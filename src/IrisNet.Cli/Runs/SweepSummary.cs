using System.Text;
using System.Text.Json;
using IrisNet.Cli.Options;
using IrisNet.Scoring;
using IrisNet.Training;

namespace IrisNet.Cli.Runs;

/// <summary>
/// A sweep's summary.json: how it ended, the arguments it was started with (what <c>--resume</c> parses
/// again), the search space, the data, and with a completed sweep the best configuration's CV score beside
/// its one test score, and its near-ties.
/// </summary>
public sealed record SweepSummary(IReadOnlyList<string> Arguments, IReadOnlyList<SweepDimension> Dimensions,
    IReadOnlyList<SweepConfiguration> Configurations, IReadOnlyList<(SweepEntry Entry, int Rank)> Ranked,
        DataSource Source,
    int TrainRows, int TestRows, int Folds, int Repeats, int Threads, double Seconds)
{
    /// <summary>running, completed, interrupted or failed.</summary>
    public string Status { get; init; } = "running";

    public string? Error { get; init; }

    public SweepEntry? Best { get; init; }

    public IReadOnlyList<SweepEntry> NearTies { get; init; } = [];

    /// <summary>The best configuration retrained on every training row.</summary>
    public TrainingResult? Final { get; init; }

    public string Json(IReadOnlyList<string> files)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("command", "sweep");
            w.WriteString("irisnet_version", Program.Version);
            w.WriteString("status", Status);
            if (Error is not null) w.WriteString("error", Error);
            w.WriteStartArray("arguments");
            foreach (string a in Arguments) w.WriteStringValue(a);
            w.WriteEndArray();
            TrainingOptions first = Configurations[0].Options;
            w.WriteStartObject("options");
            w.WriteString("search", Dimensions.Any(d => d.Range is not null) ? "random" : "grid");
            w.WriteNumber("seed", first.Seed);
            w.WriteNumber("test_fraction", first.TestFraction);
            w.WriteNumber("folds", Folds);
            w.WriteNumber("repeats", Repeats);
            w.WriteNumber("threads", Threads);
            w.WriteEndObject();
            w.WriteStartArray("space");
            foreach (SweepDimension d in Dimensions)
            {
                w.WriteStartObject();
                w.WriteString("option", d.Option.Name);
                if (d.Range is { } r)
                {
                    w.WriteNumber("low", r.Low);
                    w.WriteNumber("high", r.High);
                    w.WriteString("scale", r.Log ? "log" : "linear");
                }
                else
                {
                    w.WriteStartArray("values");
                    foreach (string v in d.Values) w.WriteStringValue(v);
                    w.WriteEndArray();
                }
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartObject("data");
            w.WriteString("file", Source.Name);
            w.WriteString("sha256", Source.Sha256);
            w.WriteString("label", Source.Data.LabelName);
            w.WriteNumber("rows", Source.Data.Count);
            w.WriteNumber("train_rows", TrainRows);
            w.WriteNumber("test_rows", TestRows);
            w.WriteEndObject();
            w.WriteStartObject("configurations");
            w.WriteNumber("total", Configurations.Count);
            w.WriteNumber("completed", Ranked.Count);
            w.WriteNumber("diverged", Ranked.Count(t => t.Entry.Diverged is not null));
            w.WriteEndObject();
            w.WriteNumber("seconds", Seconds);
            if (Best is { } best)
            {
                w.WriteStartObject("best");
                Entry(w, best);
                if (Final?.FinalTest is { } test)
                {
                    w.WriteNumber("test_accuracy", test.Accuracy);
                    w.WriteNumber("test_loss", test.Loss);
                    w.WriteNumber("test_rows", test.Count);
                }
                w.WriteEndObject();
                w.WriteStartArray("near_ties");
                foreach (SweepEntry e in NearTies)
                {
                    w.WriteStartObject();
                    Entry(w, e);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            }
            w.WriteStartArray("files");
            foreach (string f in files) w.WriteStringValue(f);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    private void Entry(Utf8JsonWriter w, SweepEntry e)
    {
        SweepConfiguration c = Configurations[e.Index];
        w.WriteString("config", c.Id);
        w.WriteStartObject("options");
        for (int i = 0; i < Dimensions.Count; i++) w.WriteString(Dimensions[i].Column, c.Values[i]);
        w.WriteEndObject();
        w.WriteNumber("cv_accuracy_mean", e.AccuracyMean);
        w.WriteNumber("cv_accuracy_sd", e.AccuracySd);
        w.WriteNumber("cv_accuracy_se", e.AccuracyStandardError);
        w.WriteNumber("cv_loss_mean", e.LossMean);
        w.WriteNumber("cv_loss_sd", e.LossSd);
    }
}
