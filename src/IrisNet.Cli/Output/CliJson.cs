using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace IrisNet.Cli.Output;

/// <summary>Writes a <c>--json</c> document: serialized whole first, then written at once, so an error never leaves
/// half a document.</summary>
internal static class CliJson
{
    public static void Print<T>(T value, JsonTypeInfo<T> type)
    {
        string text = JsonSerializer.Serialize(value, type) + "\n";
        using Stream stdout = StandardOutput.Open();
        byte[] bytes = System.Text.Encoding.UTF8.GetBytes(text);
        stdout.Write(bytes);
    }
}
