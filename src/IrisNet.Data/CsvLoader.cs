using System.Globalization;
using System.Text;
using CsvHelper;
using CsvHelper.Configuration;

namespace IrisNet.Data;

/// <summary>
/// Reads numeric CSV files into <see cref="Dataset"/>: a header row, numeric feature columns and one
/// label column (the last unless named). Culture-invariant ('.' decimals, ',' between fields); quoted
/// fields, a UTF-8 byte-order mark, CRLF line ends and blank lines are accepted. Every other problem is
/// a <see cref="DataException"/> naming the file, line and column and what would fix it.
/// </summary>
public static class CsvLoader
{
    /// <summary>The longest field accepted; a number never needs more.</summary>
    public const int MaxFieldLength = 10_000;

    /// <summary>Loads labelled data for training: every column but the label is a feature; classes are the distinct labels in ordinal order.</summary>
    /// <param name="path">The CSV file.</param>
    /// <param name="labelColumn">The label column's name, or null for the last column.</param>
    public static Dataset LoadLabelled(string path, string? labelColumn = null) => LoadLabelled(Read(path), path, labelColumn);

    /// <summary>As <see cref="LoadLabelled(string, string?)"/>, from a stream (for example an embedded resource) shown as <paramref name="name"/> in errors.</summary>
    public static Dataset LoadLabelled(Stream stream, string name, string? labelColumn = null) => LoadLabelled(Read(stream, name), name, labelColumn);

    private static Dataset LoadLabelled(Table table, string path, string? labelColumn)
    {
        int label = LabelIndex(table, labelColumn, path);
        int[] featureColumns = Enumerable.Range(0, table.Header.Length).Where(c => c != label).ToArray();
        if (featureColumns.Length == 0)
            throw new DataException(path, 1, 0, "the header has only the label column; at least one numeric feature column is needed.");
        string[] classes = table.Rows.Select(r => r.Fields[label]).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        return Build(table, path, featureColumns, label, classes);
    }

    /// <summary>Loads labelled data for a model: its features by name (any column order) and its classes; an unknown label is an error.</summary>
    public static Dataset LoadForModel(string path, IReadOnlyList<string> featureNames, IReadOnlyList<string> classNames, string labelColumn) =>
        LoadForModel(Read(path), path, featureNames, classNames, labelColumn);

    /// <summary>As <see cref="LoadForModel(string, IReadOnlyList{string}, IReadOnlyList{string}, string)"/>, from a stream shown as <paramref name="name"/>.</summary>
    public static Dataset LoadForModel(Stream stream, string name, IReadOnlyList<string> featureNames, IReadOnlyList<string> classNames, string labelColumn) =>
        LoadForModel(Read(stream, name), name, featureNames, classNames, labelColumn);

    private static Dataset LoadForModel(Table table, string path, IReadOnlyList<string> featureNames, IReadOnlyList<string> classNames, string labelColumn)
    {
        int label = LabelIndex(table, labelColumn, path);
        int[] featureColumns = FeatureIndices(table, featureNames, path);
        return Build(table, path, featureColumns, label, classNames.ToArray());
    }

    /// <summary>Loads the feature columns named by a model (any other column, such as a label, is ignored).</summary>
    public static double[][] LoadFeatures(string path, IReadOnlyList<string> featureNames)
    {
        Table table = Read(path);
        int[] columns = FeatureIndices(table, featureNames, path);
        return table.Rows.Select(r => columns.Select(c => Number(r, c, table, path)).ToArray()).ToArray();
    }

    private static Dataset Build(Table table, string path, int[] featureColumns, int label, string[] classes)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int k = 0; k < classes.Length; k++) index[classes[k]] = k;
        var features = new double[table.Rows.Count][];
        var labels = new int[table.Rows.Count];
        for (int n = 0; n < table.Rows.Count; n++)
        {
            Row row = table.Rows[n];
            features[n] = new double[featureColumns.Length];
            for (int d = 0; d < featureColumns.Length; d++) features[n][d] = Number(row, featureColumns[d], table, path);
            string value = row.Fields[label];
            if (value.Length == 0)
                throw new DataException(path, row.Line, label + 1, $"the label ('{table.Header[label]}') is empty; every row needs a class.");
            if (!index.TryGetValue(value, out labels[n]))
                throw new DataException(path, row.Line, label + 1, $"the label '{Shorten(value)}' is not one of the model's classes ({string.Join(", ", classes)}).");
        }
        return new Dataset(featureColumns.Select(c => table.Header[c]).ToArray(), classes, features, labels, table.Header[label], path);
    }

    private static int LabelIndex(Table table, string? labelColumn, string path)
    {
        if (labelColumn is null) return table.Header.Length - 1;
        int i = Array.IndexOf(table.Header, labelColumn);
        if (i < 0)
            throw new DataException(path, 1, 0, $"there is no label column named '{labelColumn}'; the columns are {string.Join(", ", table.Header)}. Name one of them with --label.");
        return i;
    }

    private static int[] FeatureIndices(Table table, IReadOnlyList<string> names, string path)
    {
        var result = new int[names.Count];
        for (int d = 0; d < names.Count; d++)
        {
            result[d] = Array.IndexOf(table.Header, names[d]);
            if (result[d] < 0)
            {
                throw new DataException(path, 1, 0,
                    $"the model needs the feature column '{names[d]}' but the header has {table.Header.Length} column(s): {string.Join(", ", table.Header)}. The model expects {names.Count} features: {string.Join(", ", names)}.");
            }
        }
        return result;
    }

    private static double Number(Row row, int column, Table table, string path)
    {
        string text = row.Fields[column];
        string name = table.Header[column];
        if (text.Length == 0)
            throw new DataException(path, row.Line, column + 1, $"'{name}' is empty; every feature needs a number.");
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || double.IsNaN(value))
        {
            string hint = text.Contains(',', StringComparison.Ordinal)
                ? " Decimal commas are not read: write 5.1, not 5,1."
                : " Features must be numbers such as 5.1 or -2.5e-3.";
            if (double.IsNaN(value) && text.Trim().Equals("NaN", StringComparison.OrdinalIgnoreCase))
                hint = " NaN is not a usable value: fill in the measurement or drop the row.";
            throw new DataException(path, row.Line, column + 1, $"'{name}' is '{Shorten(text)}', not a number.{hint}");
        }
        if (!double.IsFinite(value))
        {
            bool literal = text.Contains("inf", StringComparison.OrdinalIgnoreCase) || text.Contains('∞', StringComparison.Ordinal);
            throw new DataException(path, row.Line, column + 1, literal
                ? $"'{name}' is '{Shorten(text)}'; features must be finite numbers."
                : $"'{name}' is '{Shorten(text)}', beyond the range of a double (about ±1.8e308).");
        }
        return value;
    }

    private static string Shorten(string s) => s.Length > 40 ? s[..40] + "…" : s;

    private sealed record Row(long Line, string[] Fields);

    private sealed record Table(string[] Header, List<Row> Rows);

    private static Table Read(string path)
    {
        if (Directory.Exists(path)) throw new DataException(path, 0, 0, "is a directory, not a CSV file; give the path of a .csv file.");
        if (!File.Exists(path)) throw new DataException(path, 0, 0, "file not found; check the path (the bundled data is data/iris.csv).");
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            return Read(stream, path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataException(path, 0, 0, $"cannot be read: {e.Message}", e);
        }
    }

    private static Table Read(Stream stream, string path)
    {
        try
        {
            RejectBinary(stream, path);
            using var reader = new StreamReader(stream, new UTF8Encoding(false, true), detectEncodingFromByteOrderMarks: true);
            var config = new CsvConfiguration(CultureInfo.InvariantCulture)
            {
                Delimiter = ",",
                DetectDelimiter = false,
                HasHeaderRecord = true,
                IgnoreBlankLines = true,
                TrimOptions = TrimOptions.Trim,
                MaxFieldSize = MaxFieldLength,
            };
            using var parser = new CsvParser(reader, config);
            string[]? header = null;
            var rows = new List<Row>();
            while (parser.Read())
            {
                string[] fields = parser.Record ?? [];
                long line = parser.RawRow;
                if (fields.All(f => f.Length == 0)) continue;
                if (header is null)
                {
                    header = CheckHeader(fields, line, path);
                    continue;
                }
                if (fields.Length != header.Length)
                {
                    string hint = fields.Length > header.Length
                        ? " If the file uses decimal commas (5,1), write decimal points (5.1) instead."
                        : " Fill in the missing values or drop the row.";
                    throw new DataException(path, line, 0, $"{fields.Length} field(s), but the header has {header.Length}.{hint}");
                }
                rows.Add(new Row(line, fields));
            }
            if (header is null) throw new DataException(path, 0, 0, "the file is empty; it needs a header row and data rows.");
            if (rows.Count == 0) throw new DataException(path, 2, 0, "the file has a header but no data rows.");
            return new Table(header, rows);
        }
        catch (MaxFieldSizeException e)
        {
            throw new DataException(path, e.Context?.Parser?.RawRow ?? 0, 0, $"a field is longer than {MaxFieldLength:N0} characters; this is not a numeric CSV file (is it the right file?).", e);
        }
        catch (CsvHelperException e)
        {
            throw new DataException(path, e.Context?.Parser?.RawRow ?? 0, 0, $"malformed CSV ({FirstLine(e.Message)}); check the quotes on this line.", e);
        }
        catch (DecoderFallbackException e)
        {
            throw new DataException(path, 0, 0, "is not UTF-8 text; save it as UTF-8 CSV.", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataException(path, 0, 0, $"cannot be read: {e.Message}", e);
        }
    }

    private static string[] CheckHeader(string[] fields, long line, string path)
    {
        for (int c = 0; c < fields.Length; c++)
        {
            if (fields[c].Length == 0) throw new DataException(path, line, c + 1, "a header name is empty; name every column.");
            int first = Array.IndexOf(fields, fields[c]);
            if (first != c) throw new DataException(path, line, c + 1, $"the header names '{fields[c]}' twice (columns {first + 1} and {c + 1}); column names must be unique.");
        }
        if (fields.Length < 2) throw new DataException(path, line, 0, $"the header has {fields.Length} column; at least one feature and one label column are needed (is the delimiter a comma?).");
        return fields;
    }

    private static void RejectBinary(Stream stream, string path)
    {
        if (!stream.CanSeek) return;
        var buffer = new byte[8192];
        int read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        stream.Position = 0;
        if (Array.IndexOf(buffer, (byte)0, 0, read) >= 0)
            throw new DataException(path, 0, 0, "holds binary data (NUL bytes), not CSV text.");
    }

    private static string FirstLine(string message)
    {
        int cut = message.IndexOfAny(['\r', '\n']);
        return cut > 0 ? message[..cut] : message;
    }
}
