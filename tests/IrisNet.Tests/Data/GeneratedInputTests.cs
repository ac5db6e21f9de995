using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CsCheck;

namespace IrisNet.Tests;

/// <summary>
/// Generated inputs: random and mutated CSV text, model JSON and trace JSON must either load or fail
/// with the project's own <see cref="IrisNetException"/> — never another exception, a hang or a crash —
/// and a JSON file's refusal is said in the file's own terms: never the runtime's words or a .NET name.
/// Each property runs 10,000 cases.
/// </summary>
public class GeneratedInputTests
{
    private const int Cases = 10_000;

    private static readonly string IrisHead = string.Join('\n', File.ReadAllLines(Repo.IrisCsv).Take(12)) + "\n";

    private static readonly Lazy<string> ModelText = new(() => ModelJson.Serialize(
        Trainer.Train(Repo.Iris(), null, new TrainingOptions { Epochs = 5, Hidden = 3, TestFraction = 0 }).Model));

    /// <summary>A small edit of a valid text: replace, insert or delete one character, or truncate.</summary>
    private static Gen<string> Mutated(string valid, string alphabet) =>
        Gen.Select(Gen.Int[0, 3], Gen.Int[0, valid.Length - 1], Gen.Char[alphabet], Gen.Int[1, 4], (kind, at, c,
            times) =>
        {
            var sb = new StringBuilder(valid);
            for (int t = 0; t < times; t++)
            {
                int i = (at * (t + 1) * 7919) % sb.Length;
                switch (kind)
                {
                    case 0: sb[i] = c; break;
                    case 1: sb.Insert(i, c); break;
                    case 2: sb.Remove(i, 1); break;
                    default: sb.Length = i; break;
                }
                if (sb.Length == 0) break;
            }
            return sb.ToString();
        });

    private static void LoadsOrFailsCleanly(Action load, Action<IrisNetException>? check = null)
    {
        try
        {
            load();
        }
        catch (IrisNetException e)
        {
            // the project's own, one-line error: the expected failure
            check?.Invoke(e);
        }
    }

    /// <summary>Words of System.Text.Json's own messages and of .NET names, which a refusal must never show.</summary>
    private static readonly string[] RuntimeWords =
    [
        "Path:", "LineNumber", "BytePositionInLine", "System.", "IrisNet.", "could not be", "deserializ", "JSON value",
        "cannot be read as",
    ];

    private static void InOwnTerms(IrisNetException e, string file)
    {
        Assert.StartsWith(file + ": ", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
        foreach (string word in RuntimeWords)
            Assert.True(!e.Message.Contains(word, StringComparison.Ordinal), $"'{word}' in: {e.Message}");
    }

    /// <summary>
    /// One structural edit of a valid JSON text: a field or element removed, repeated, or replaced by
    /// null, a string, an array, an object, a fraction, a negative number or a huge one.
    /// </summary>
    private static Gen<string> Edited(string valid)
    {
        JsonNode root = JsonNode.Parse(valid)!;
        var places = new List<(string Parent, string? Key, int Index)>();
        void Walk(JsonNode node, string at)
        {
            if (node is JsonObject o)
            {
                foreach (var (key, child) in o)
                {
                    places.Add((at, key, -1));
                    if (child is not null) Walk(child, $"{at}/{key}");
                }
            }
            else if (node is JsonArray a)
            {
                for (int i = 0; i < Math.Min(a.Count, 3); i++)
                {
                    places.Add((at, null, i));
                    if (a[i] is JsonNode child) Walk(child, $"{at}/{i}");
                }
            }
        }
        Walk(root, "");
        return Gen.Select(Gen.Int[0, places.Count - 1], Gen.Int[0, 8], (p, kind) =>
        {
            JsonNode copy = JsonNode.Parse(valid)!;
            var (parentPath, key, index) = places[p];
            JsonNode parent = parentPath.Split('/', StringSplitOptions.RemoveEmptyEntries)
                .Aggregate(copy, (n, part) =>
                    n is JsonArray arr ? arr[int.Parse(part, CultureInfo.InvariantCulture)]! : n[part]!);
            JsonNode? replacement = kind switch
            {
                2 => null,
                3 => JsonValue.Create("x"),
                4 => new JsonArray(),
                5 => new JsonObject(),
                6 => JsonValue.Create(1.5),
                7 => JsonValue.Create(-1),
                _ => JsonValue.Create(1e300),
            };
            if (kind == 0)
            {
                if (key is not null) parent.AsObject().Remove(key);
                else parent.AsArray().RemoveAt(index);
                return copy.ToJsonString();
            }
            if (kind == 1)
            {
                // The same field twice (an array element: once more).
                if (key is null)
                {
                    parent.AsArray().Add(parent[index]?.DeepClone());
                    return copy.ToJsonString();
                }
                string text = copy.ToJsonString(), name = JsonSerializer.Serialize(key);
                int at = text.IndexOf(name + ":", StringComparison.Ordinal);
                return text[..at] + name + ":1," + text[at..];
            }
            if (key is not null) parent[key] = replacement;
            else parent[index] = replacement;
            return copy.ToJsonString();
        });
    }

    [Fact]
    public void Random_and_mutated_csv_text_loads_or_fails_with_a_data_error()
    {
        const string alphabet = "0123456789.,-+eE\"\n\r \tabxyz;NaInfity\u00A0\uFEFF\0";
        Gen<string> random = Gen.String[Gen.Char[alphabet], 0, 300];
        Gen<string> generator = Gen.OneOf(random, Mutated(IrisHead, alphabet));
        generator.Sample(text => LoadsOrFailsCleanly(() =>
        {
            using var stream = new MemoryStream(Encoding.UTF8.GetBytes(text));
            Dataset d = CsvLoader.LoadLabelled(stream, "generated.csv");
            Assert.All(d.Features, row => Assert.All(row, v => Assert.True(double.IsFinite(v))));
        }), iter: Cases);
    }

    [Fact]
    public void Mutated_truncated_and_field_swapped_model_json_loads_or_fails_with_a_model_error()
    {
        string valid = ModelText.Value;
        JsonObject o = JsonNode.Parse(valid)!.AsObject();
        string[] keys = o.Select(p => p.Key).ToArray();
        Gen<string> swapped = Gen.Select(Gen.Int[0, keys.Length - 1], Gen.Int[0, keys.Length - 1], (i, j) =>
        {
            JsonObject copy = JsonNode.Parse(valid)!.AsObject();
            JsonNode? a = copy[keys[i]]?.DeepClone(), b = copy[keys[j]]?.DeepClone();
            copy[keys[i]] = b;
            copy[keys[j]] = a;
            return copy.ToJsonString();
        });
        Gen<string> generator = Gen.OneOf(Mutated(valid, "0123456789.-eE\"[]{},:truefalsn \n"), swapped, Edited(valid));
        generator.Sample(text => LoadsOrFailsCleanly(() =>
        {
            Model m = ModelJson.Parse(text, "generated.json");
            Assert.All(m.A, v => Assert.True(double.IsFinite(v)));
            ModelJson.ParseWeights(text, "generated.json");
        }, e => InOwnTerms(e, "generated.json")), iter: Cases);
    }

    /// <summary>Every field name of docs/trace.schema.json: what a path of a trace refusal may name.</summary>
    private static readonly Lazy<HashSet<string>> TraceFields = new(() =>
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        void Collect(JsonNode? node)
        {
            if (node is JsonObject o)
            {
                if (o["properties"] is JsonObject properties) names.UnionWith(properties.Select(p => p.Key));
                foreach (var (_, child) in o) Collect(child);
            }
            else if (node is JsonArray a)
            {
                foreach (JsonNode? child in a) Collect(child);
            }
        }
        Collect(JsonNode.Parse(File.ReadAllText(Path.Combine(Repo.Root, "docs", "trace.schema.json"))));
        return names;
    });

    [Fact]
    public void Mutated_and_edited_trace_json_loads_or_fails_naming_only_fields_of_the_format()
    {
        string valid = TraceJsonTests.Small.Value;
        Gen<string> generator = Gen.OneOf(Mutated(valid, "0123456789.-eE\"[]{},:truefalsn \n"), Edited(valid));
        generator.Sample(text => LoadsOrFailsCleanly(() => TraceJson.Parse(text, "generated.json"), e =>
        {
            InOwnTerms(e, "generated.json");
            string path = Assert.IsType<TraceFileException>(e).JsonPath;
            Assert.StartsWith("$", path, StringComparison.Ordinal);
            // An unknown field is named as the file spells it (['name'] when it is not a plain name); every other
            // part of a path is a field of the format or an index.
            string fields = Regex.Replace(path[1..], @"\[\d+\]|\['(?:[^'\\]|\\.)*'\]", "");
            foreach (string field in fields.Split('.', StringSplitOptions.RemoveEmptyEntries))
            {
                if (!e.Message.Contains($"unknown field \"{field}\"", StringComparison.Ordinal))
                    Assert.True(TraceFields.Value.Contains(field),
                        $"'{field}' is not a field of the format: {e.Message}");
            }
        }), iter: Cases);
    }
}
