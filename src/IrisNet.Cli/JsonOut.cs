using System.Text.Json;

namespace IrisNet.Cli;

/// <summary>The JSON shapes the commands write more than once: name lists, count matrices, numeric rows.</summary>
internal static class JsonOut
{
    public static void Strings(Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (string v in values) w.WriteStringValue(v);
        w.WriteEndArray();
    }

    public static void Counts(Utf8JsonWriter w, string name, int[][] rows)
    {
        w.WriteStartArray(name);
        foreach (int[] row in rows)
        {
            w.WriteStartArray();
            foreach (int v in row) w.WriteNumberValue(v);
            w.WriteEndArray();
        }
        w.WriteEndArray();
    }

    /// <summary>A row-major <paramref name="rows"/>×<paramref name="cols"/> matrix as an array of rows.</summary>
    public static void Matrix(Utf8JsonWriter w, string name, double[] values, int rows, int cols)
    {
        w.WriteStartArray(name);
        for (int r = 0; r < rows; r++)
        {
            w.WriteStartArray();
            for (int c = 0; c < cols; c++) w.WriteNumberValue(values[r * cols + c]);
            w.WriteEndArray();
        }
        w.WriteEndArray();
    }
}
