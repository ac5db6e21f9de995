using System.Text.Json.Serialization;
using IrisNet.Models;
using IrisNet.Reference;

namespace IrisNet.Tracing;

/// <summary>
/// The generated System.Text.Json mapping of the trace format (<see cref="TraceFileJson"/>): snake_case
/// names, strict reading (no unknown field, no field twice, every required field, no null where a value
/// is needed, numbers only as numbers), a null member left out when writing, and int arrays on one line.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    WriteIndented = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    AllowDuplicateProperties = false,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true,
    NumberHandling = JsonNumberHandling.Strict,
    MaxDepth = 16,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    Converters = [typeof(TraceValue.IntegersConverter), typeof(NameConverter<Activation>)])]
[JsonSerializable(typeof(TraceFileJson))]
internal sealed partial class TraceJsonContext : JsonSerializerContext;
