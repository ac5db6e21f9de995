using System.Globalization;
using System.Text.Json;

namespace IrisNet.Bench;

/// <summary>
/// The JSON file of an interleaved check (clock, activation, thread): an indented object that starts with the
/// number of rounds and the UTC time of the measurement, then the check's own fields. The report reads the
/// files from the benchmark results folder.
/// </summary>
public static class CheckFile
{
    /// <summary>The median of per-round figures (the upper one of the middle two for an even count); the input is not
    /// changed.</summary>
    public static double Median(IEnumerable<double> values)
    {
        double[] sorted = [.. values];
        Array.Sort(sorted);
        return sorted[sorted.Length / 2];
    }

    public static void Write(string path, int rounds, DateTime utc, Action<Utf8JsonWriter> fields)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        using var stream = File.Create(path);
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteNumber("rounds", rounds);
        json.WriteString("utc", utc.ToString("O", CultureInfo.InvariantCulture));
        fields(json);
        json.WriteEndObject();
    }
}
