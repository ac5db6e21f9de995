using System.Buffers;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using IrisNet.Models;

namespace IrisNet.Tracing;

/// <summary>
/// A trace's numbers as JSON holds them: a number, an array of numbers, or an array of rows (arrays of
/// numbers), decided by the JSON itself. It is the "value" of every entry and data.X, the standardization's
/// mean and scale. Exactly one of the three is set; whether rows are equally long, whether the shape is the
/// one a field needs and whether every number is finite, <see cref="TraceJson"/> checks with the path.
/// </summary>
[JsonConverter(typeof(Converter))]
internal sealed record TraceValue
{
    /// <summary>The number of a scalar.</summary>
    public double Number { get; init; }

    /// <summary>The numbers of a vector, or null.</summary>
    public double[]? Numbers { get; init; }

    /// <summary>The rows of a matrix, or null.</summary>
    public double[][]? Rows { get; init; }

    /// <summary>0 for a number, 1 for an array of numbers, 2 for an array of rows.</summary>
    public int Rank => Rows is not null ? 2 : Numbers is not null ? 1 : 0;

    /// <summary>The value of a tensor of this shape ([], [n] or [rows, cols]) and row-major values.</summary>
    public static TraceValue Of(int[] shape, double[] values) => shape.Length switch
    {
        0 => new TraceValue { Number = values[0] },
        1 => new TraceValue { Numbers = values },
        _ => new TraceValue { Rows = [.. values.Chunk(shape[1])] },
    };

    /// <summary>
    /// Reads the value by the kind of JSON it is; writes a vector on one line and a matrix one row per
    /// line (indented as the writer indents), each number in shortest round-trip form, the layout of
    /// docs/trace-format.md that the writer's own indentation would spread over a line per number.
    /// </summary>
    internal sealed class Converter : JsonConverter<TraceValue>
    {
        /// <summary>A null is read here too, so that its refusal says what a value is.</summary>
        public override bool HandleNull => true;

        public override TraceValue Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType == JsonTokenType.Number) return new TraceValue { Number = Number(ref reader, "") };
            if (reader.TokenType != JsonTokenType.StartArray)
            {
                string given = StrictJson.Describe(ref reader);
                throw new JsonValueException($"must be a number, an array of numbers or an array of rows, not {given}");
            }
            reader.Read();
            if (reader.TokenType != JsonTokenType.StartArray)
                return new TraceValue { Numbers = Numbers(ref reader, "") };
            var rows = new List<double[]>();
            while (reader.TokenType != JsonTokenType.EndArray)
            {
                string at = $"[{rows.Count}]";
                if (reader.TokenType != JsonTokenType.StartArray)
                {
                    string given = StrictJson.Describe(ref reader);
                    throw new JsonValueException($"must be an array of numbers, not {given}", at,
                        reader.TokenStartIndex);
                }
                reader.Read();
                rows.Add(Numbers(ref reader, at));
                reader.Read();
            }
            return new TraceValue { Rows = [.. rows] };
        }

        /// <summary>The numbers from the reader's token to the end of the array (left on its ]).</summary>
        private static double[] Numbers(ref Utf8JsonReader reader, string at)
        {
            var values = new List<double>();
            while (reader.TokenType != JsonTokenType.EndArray)
            {
                values.Add(Number(ref reader, $"{at}[{values.Count}]"));
                reader.Read();
            }
            return [.. values];
        }

        private static double Number(ref Utf8JsonReader reader, string at)
        {
            if (reader.TokenType == JsonTokenType.Number && reader.TryGetDouble(out double v)) return v;
            string given = StrictJson.Describe(ref reader);
            throw new JsonValueException($"must be a number, not {given}", at, reader.TokenStartIndex);
        }

        public override void Write(Utf8JsonWriter writer, TraceValue value, JsonSerializerOptions options)
        {
            switch (value.Rank)
            {
                case 0:
                    writer.WriteNumberValue(value.Number);
                    break;
                case 1:
                    WriteRow(writer, value.Numbers!, ownLine: false);
                    break;
                default:
                    writer.WriteStartArray();
                    foreach (double[] row in value.Rows!) WriteRow(writer, row, ownLine: true);
                    writer.WriteEndArray();
                    break;
            }
        }
    }

    /// <summary>
    /// Reads and writes an int[] (labels, rows, a batch, a shape) as whole numbers, written on one line.
    /// </summary>
    internal sealed class IntegersConverter : JsonConverter<int[]>
    {
        public override int[] Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType != JsonTokenType.StartArray)
            {
                string given = StrictJson.Describe(ref reader);
                throw new JsonValueException($"must be an array of whole numbers, not {given}");
            }
            var values = new List<int>();
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out int v))
                {
                    string given = StrictJson.Describe(ref reader);
                    throw new JsonValueException($"must be a whole number, not {given}", $"[{values.Count}]",
                        reader.TokenStartIndex);
                }
                values.Add(v);
            }
            return [.. values];
        }

        public override void Write(Utf8JsonWriter writer, int[] value, JsonSerializerOptions options) =>
            WriteRow(writer, value.Select(v => (double)v).ToArray(), ownLine: false);
    }

    /// <summary>
    /// "[a, b, c]" as one raw value; <paramref name="ownLine"/> for an element of an array, which the
    /// writer does not indent when it is raw: the new line and indentation are written before it.
    /// </summary>
    private static void WriteRow(Utf8JsonWriter writer, double[] values, bool ownLine)
    {
        JsonWriterOptions o = writer.Options;
        int indent = ownLine ? writer.CurrentDepth * o.IndentSize : 0;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(o.NewLine.Length + indent + 2 + values.Length * 34);
        try
        {
            int n = 0;
            if (ownLine)
            {
                foreach (char c in o.NewLine) buffer[n++] = (byte)c;
                buffer.AsSpan(n, indent).Fill((byte)o.IndentCharacter);
                n += indent;
            }
            buffer[n++] = (byte)'[';
            for (int i = 0; i < values.Length; i++)
            {
                if (i > 0)
                {
                    buffer[n++] = (byte)',';
                    buffer[n++] = (byte)' ';
                }
                if (!double.IsFinite(values[i]))
                    throw new ArgumentException($"{values[i]} is not a JSON number.", nameof(values));
                // The invariant shortest round-trip form: what Utf8JsonWriter.WriteNumberValue writes.
                values[i].TryFormat(buffer.AsSpan(n), out int written, default, CultureInfo.InvariantCulture);
                n += written;
            }
            buffer[n++] = (byte)']';
            writer.WriteRawValue(buffer.AsSpan(0, n), skipInputValidation: true);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
