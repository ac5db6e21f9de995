using System.Text.Json;
using System.Text.Json.Serialization;

namespace IrisNet.Models;

/// <summary>
/// Reads and writes an enum as its <see cref="Names"/> name, exactly: no numbers, no other case,
/// and an unknown name is an error that lists the accepted ones (a <see cref="JsonValueException"/>, which
/// <see cref="StrictJson"/> reports with the field's path).
/// </summary>
/// <typeparam name="T">An enum whose members carry <see cref="JsonStringEnumMemberNameAttribute"/>.</typeparam>
public sealed class NameConverter<T> : JsonConverter<T> where T : struct, Enum
{
    /// <inheritdoc/>
    public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
            throw new JsonValueException($"must be one of the strings {Names.Choices<T>()}");
        string? name = reader.GetString();
        return Names.TryParse(name, out T value)
            ? value
            : throw new JsonValueException($"\"{name}\" is not one of {Names.Choices<T>()}");
    }

    /// <inheritdoc/>
    public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options)
        => writer.WriteStringValue(Names.Of(value));
}
