using System.Globalization;
using System.Text;
using System.Text.Json;

namespace IrisNet.Cli;

/// <summary>What summary.json records.</summary>
public sealed record SummaryInput(
    string Status, string? Error, TrainingOptions Options, string? InitFile, string DataName, string DataSha256,
    int Rows, int TrainRows, int TestRows, string LabelName, IReadOnlyList<string> FeatureNames, IReadOnlyList<string> ClassNames,
    Evaluation? Train, Evaluation? Test, int Epochs, double TrainSeconds);
