using System.Globalization;
using System.Text.Json;
using IrisNet.Errors;

namespace IrisNet.Cli.Reports;

/// <summary>
/// A run's summary.json (train, cv or sweep) as the report reads it: any field may be missing (a run
/// still writing, killed, or from an older irisnet), so every look-up answers null rather than throwing.
/// </summary>
internal sealed class SummaryJson
{
    private SummaryJson(string path, JsonElement root) => (Path, Root) = (path, root);

    public string Path { get; }

    public JsonElement Root { get; }

    /// <summary>Reads <paramref name="path"/>, or returns null when there is no such file.</summary>
    /// <exception cref="DataException">The file cannot be read or is not JSON.</exception>
    public static SummaryJson? Read(string path)
    {
        if (!File.Exists(path)) return null;
        try
        {
            using JsonDocument document = JsonDocument.Parse(File.ReadAllBytes(path));
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw new DataException(path, 1, 0, "is not a JSON object; give the summary.json irisnet wrote.");
            return new SummaryJson(path, document.RootElement.Clone());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataException(path, 0, 0, $"cannot be read: {e.Message}", e);
        }
        catch (JsonException e)
        {
            throw new DataException(path, (e.LineNumber ?? -1) + 1, (int)(e.BytePositionInLine ?? 0) + 1,
                $"is not valid JSON: {e.Message}", e);
        }
    }

    /// <summary>The element at a path of property names, or null where any step is missing or null.</summary>
    public JsonElement? Get(params string[] names) => Find(Root, names);

    public static JsonElement? Find(JsonElement from, params string[] names)
    {
        JsonElement e = from;
        foreach (string name in names)
        {
            if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty(name, out e)) return null;
        }
        return e.ValueKind == JsonValueKind.Null ? null : e;
    }

    public string? String(params string[] names) =>
        Get(names) is { ValueKind: JsonValueKind.String } e ? e.GetString() : null;

    public double? Number(params string[] names) =>
        Get(names) is { ValueKind: JsonValueKind.Number } e ? e.GetDouble() : null;

    /// <summary>The strings of an array of strings (class or feature names), or empty.</summary>
    public IReadOnlyList<string> Strings(params string[] names) =>
        Get(names) is { ValueKind: JsonValueKind.Array } e
            ? e.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!).ToArray()
            : [];

    /// <summary>An object's scalar members as text, in file order (numbers as written, null as "none").</summary>
    public IReadOnlyList<(string Name, string Value)> Scalars(params string[] names)
    {
        if (Get(names) is not { ValueKind: JsonValueKind.Object } o) return [];
        var list = new List<(string, string)>();
        foreach (JsonProperty p in o.EnumerateObject())
        {
            string? text = Display(p.Value);
            if (text is not null) list.Add((p.Name, text));
        }
        return list;
    }

    /// <summary>A scalar as a person reads it; null for objects and arrays.</summary>
    public static string? Display(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.String => v.GetString(),
        JsonValueKind.Number => v.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Null => "none",
        _ => null,
    };

    /// <summary>Integer text with the invariant culture.</summary>
    public static string I(long v) => v.ToString(CultureInfo.InvariantCulture);
}
