using System.Text.Json.Serialization;
using IrisNet.Cli.Runs;
using IrisNet.Models;
using IrisNet.Reference;

namespace IrisNet.Cli.Output;

/// <summary>
/// The generated System.Text.Json mapping of everything the command line writes as JSON:
/// summary.json and every <c>--json</c> output. Names are snake_case; enums use their <see cref="Names"/>;
/// a null member is not written (the few written as null say so). summary.json is read back (by
/// <c>plot</c>) as strictly as model files: no unknown field, no field twice, every required one, no null
/// where a value is needed, numbers only as numbers.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    AllowDuplicateProperties = false,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true,
    NumberHandling = JsonNumberHandling.Strict,
    MaxDepth = 32,
    Converters = [typeof(NameConverter<Activation>)])]
[JsonSerializable(typeof(SummaryFile))]
[JsonSerializable(typeof(EvaluateOutput))]
[JsonSerializable(typeof(PredictOutput))]
[JsonSerializable(typeof(PredictOutput.Row))]
[JsonSerializable(typeof(ExplainOutput))]
[JsonSerializable(typeof(CvSummaryFile))]
internal sealed partial class CliJsonContext : JsonSerializerContext;
