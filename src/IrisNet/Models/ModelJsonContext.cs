using System.Text.Json.Serialization;
using IrisNet.Reference;

namespace IrisNet.Models;

/// <summary>
/// The generated System.Text.Json mapping of model and weights files: snake_case names, strict
/// reading (no unknown field, no field twice, every required field, no null where a value is
/// needed, numbers only as numbers), indented writing with shortest round-trip numbers, and a null
/// member left out.
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
    Converters = [typeof(NameConverter<Activation>)])]
[JsonSerializable(typeof(ModelFile))]
[JsonSerializable(typeof(WeightsFile))]
internal sealed partial class ModelJsonContext : JsonSerializerContext;
