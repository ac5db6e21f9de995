using System.Text.Json.Serialization;
using IrisNet.Cli.Runs;
using IrisNet.Models;

namespace IrisNet.Cli.Output;

/// <summary>
/// The generated System.Text.Json mapping of everything the command line writes as JSON:
/// summary.json and every <c>--json</c> output. Names are snake_case; enums use their <see cref="Names"/>.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true)]
[JsonSerializable(typeof(SummaryFile))]
[JsonSerializable(typeof(EvaluateOutput))]
[JsonSerializable(typeof(PredictOutput))]
[JsonSerializable(typeof(PredictOutput.Row))]
[JsonSerializable(typeof(ExplainOutput))]
[JsonSerializable(typeof(CvSummaryFile))]
internal sealed partial class CliJsonContext : JsonSerializerContext;
