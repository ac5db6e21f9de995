using System.Text;
using System.Text.Json.Nodes;
using CsCheck;

namespace IrisNet.Tests;

/// <summary>
/// Generated inputs: random and mutated CSV text and model JSON must either load or fail with the
/// project's own <see cref="IrisNetException"/> — never another exception, a hang or a crash.
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
        Gen.Select(Gen.Int[0, 3], Gen.Int[0, valid.Length - 1], Gen.Char[alphabet], Gen.Int[1, 4], (kind, at, c, times) =>
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

    private static void LoadsOrFailsCleanly(Action load)
    {
        try
        {
            load();
        }
        catch (IrisNetException)
        {
            // the project's own, one-line error: the expected failure
        }
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
        Gen<string> generator = Gen.OneOf(Mutated(valid, "0123456789.-eE\"[]{},:truefalsn \n"), swapped);
        generator.Sample(text => LoadsOrFailsCleanly(() =>
        {
            Model m = ModelJson.Parse(text, "generated.json");
            Assert.All(m.A, v => Assert.True(double.IsFinite(v)));
            ModelJson.ParseWeights(text, "generated.json");
        }), iter: Cases);
    }
}
