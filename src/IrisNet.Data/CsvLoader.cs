using System.Globalization;
using IrisNet.Errors;

namespace IrisNet.Data;

/// <summary>
/// Reads numeric CSV files into <see cref="Dataset"/>: a header row, numeric feature columns and one
/// label column (the last unless named). Culture-invariant ('.' decimals, ',' between fields); quoted
/// fields, a UTF-8 byte-order mark, CRLF line ends and blank lines are accepted. Every other problem is
/// a <see cref="DataException"/> naming the file, line and column and what would fix it.
/// </summary>
/// <remarks>
/// The file is read once, as a stream: each row is parsed straight into its final feature array and
/// class index, so memory holds the numbers (8 bytes each plus one array per row) and never the text.
/// The SHA-256 of the bytes is computed from the same single read, so it is the hash of exactly the
/// bytes that were parsed, also for a pipe such as /dev/stdin.
/// </remarks>
public static class CsvLoader
{
    /// <summary>The longest field accepted; a number never needs more.</summary>
    public const int MaxFieldLength = 10_000;

    /// <summary>
    /// The label column is refused as an identifier when it has more than this fraction of the rows as
    /// distinct values (fewer than two rows per class on average), and more than two classes.
    /// </summary>
    public const double MaxClassesPerRow = 0.5;

    /// <summary>At most this many names are listed in a message; the rest are counted.</summary>
    private const int ListedNames = 12;

    /// <summary>Loads labelled data for training: every column but the label is a feature; classes are the distinct
    /// labels in ordinal order.</summary>
    /// <param name="path">The CSV file.</param>
    /// <param name="labelColumn">The label column's name, or null for the last column.</param>
    public static Dataset LoadLabelled(string path, string? labelColumn = null) => LoadLabelledWithHash(path,
        labelColumn).Data;

    /// <summary>As <see cref="LoadLabelled(string, string?)"/>, from a stream (for example an embedded resource) shown
    /// as <paramref name="name"/> in errors.</summary>
    public static Dataset LoadLabelled(Stream stream, string name, string? labelColumn = null)
        => LoadLabelledWithHash(stream, name, labelColumn).Data;

    /// <summary>As <see cref="LoadLabelled(string, string?)"/>, with the lower-case hex SHA-256 of the bytes parsed
    /// (the file is read once).</summary>
    public static (Dataset Data, string Sha256) LoadLabelledWithHash(string path, string? labelColumn = null)
    {
        using FileStream file = Open(path);
        return LoadLabelledWithHash(file, path, labelColumn);
    }

    /// <summary>As <see cref="LoadLabelledWithHash(string, string?)"/>, from a stream shown as <paramref name="name"/>
    /// in errors.</summary>
    public static (Dataset Data, string Sha256) LoadLabelledWithHash(Stream stream, string name,
        string? labelColumn = null)
    {
        using var reader = new CsvRowReader(stream, name);
        Dataset data = ReadLabelled(reader, name, labelColumn);
        return (data, reader.FinishHash());
    }

    /// <summary>Loads labelled data for a model: its features by name (any column order) and its classes; an unknown
    /// label is an error.</summary>
    public static Dataset LoadForModel(string path, IReadOnlyList<string> featureNames,
        IReadOnlyList<string> classNames, string labelColumn) =>
        LoadForModelWithHash(path, featureNames, classNames, labelColumn).Data;

    /// <summary>As <see cref="LoadForModel(string, IReadOnlyList{string}, IReadOnlyList{string}, string)"/>, from a
    /// stream shown as <paramref name="name"/>.</summary>
    public static Dataset LoadForModel(Stream stream, string name, IReadOnlyList<string> featureNames,
        IReadOnlyList<string> classNames, string labelColumn) =>
        LoadForModelWithHash(stream, name, featureNames, classNames, labelColumn).Data;

    /// <summary>
    /// As <see cref="LoadForModel(string, IReadOnlyList{string}, IReadOnlyList{string}, string)"/>, with the
    /// lower-case hex SHA-256 of the bytes parsed: the file is read once, so a pipe (/dev/stdin) is hashed as read.
    /// </summary>
    public static (Dataset Data, string Sha256) LoadForModelWithHash(string path, IReadOnlyList<string> featureNames,
        IReadOnlyList<string> classNames, string labelColumn)
    {
        using FileStream file = Open(path);
        return LoadForModelWithHash(file, path, featureNames, classNames, labelColumn);
    }

    /// <summary>As <see cref="LoadForModelWithHash(string, IReadOnlyList{string}, IReadOnlyList{string}, string)"/>,
    /// from a stream shown as <paramref name="name"/>.</summary>
    public static (Dataset Data, string Sha256) LoadForModelWithHash(Stream stream, string name,
        IReadOnlyList<string> featureNames,
        IReadOnlyList<string> classNames, string labelColumn)
    {
        using var reader = new CsvRowReader(stream, name);
        Dictionary<string, int> columns = ColumnIndex(reader.Header);
        int label = LabelIndex(reader.Header, columns, labelColumn, name);
        int[] featureColumns = FeatureIndices(reader.Header, columns, featureNames, name);
        var index = new Dictionary<string, int>(classNames.Count, StringComparer.Ordinal);
        for (int k = 0; k < classNames.Count; k++) index.TryAdd(classNames[k], k);
        var rows = new List<double[]>();
        var labels = new List<int>();
        while (reader.Next())
        {
            rows.Add(Features(reader, featureColumns, name, null));
            string value = LabelValue(reader, label, name);
            if (!index.TryGetValue(value, out int k))
                throw new DataException(name, reader.Line, label + 1,
                    $"the label '{Shorten(value)}' is not one of the model's classes ({List(classNames)}).");
            labels.Add(k);
        }
        var data = new Dataset(featureColumns.Select(c => reader.Header[c]).ToArray(), classNames.ToArray(),
            rows.ToArray(), labels.ToArray(), reader.Header[label], name);
        return (data, reader.FinishHash());
    }

    /// <summary>Loads the feature columns named by a model (any other column, such as a label, is ignored).</summary>
    public static double[][] LoadFeatures(string path, IReadOnlyList<string> featureNames) =>
        [.. ReadFeatureBlocks(path, featureNames, 4096).SelectMany(block => block)];

    /// <summary>
    /// The feature columns named by a model, <paramref name="blockRows"/> rows at a time (the last block
    /// shorter), read as the blocks are asked for: a file of any length is read in the memory of one block.
    /// A problem in the file is thrown when the block holding it is asked for, so the blocks before it
    /// may already have been used.
    /// </summary>
    /// <param name="path">The CSV file (a pipe such as /dev/stdin too).</param>
    /// <param name="featureNames">The model's features, found by name in any column order.</param>
    /// <param name="blockRows">Rows per block.</param>
    public static IEnumerable<double[][]> ReadFeatureBlocks(string path, IReadOnlyList<string> featureNames,
        int blockRows)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(blockRows);
        using FileStream file = Open(path);
        using var reader = new CsvRowReader(file, path);
        int[] columns = FeatureIndices(reader.Header, ColumnIndex(reader.Header), featureNames, path);
        var block = new List<double[]>(blockRows);
        while (reader.Next())
        {
            block.Add(Features(reader, columns, path, null));
            if (block.Count == blockRows)
            {
                yield return [.. block];
                block.Clear();
            }
        }
        if (block.Count > 0) yield return [.. block];
    }

    private static Dataset ReadLabelled(CsvRowReader reader, string path, string? labelColumn)
    {
        string[] header = reader.Header;
        Dictionary<string, int> columns = ColumnIndex(header);
        int label = LabelIndex(header, columns, labelColumn, path);
        int[] featureColumns = Enumerable.Range(0, header.Length).Where(c => c != label).ToArray();
        if (featureColumns.Length == 0)
            throw new DataException(path, 1, 0,
                "the header has only the label column; at least one numeric feature column is needed.");
        // Classes get provisional numbers in order of first appearance and are renumbered in ordinal
        // order at the end, so the rows are parsed in one pass without keeping their text.
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var rows = new List<double[]>();
        var labels = new List<int>();
        var firstLine = new List<long>();
        while (reader.Next())
        {
            rows.Add(Features(reader, featureColumns, path, labelColumn is null ? label : null));
            string value = LabelValue(reader, label, path);
            if (!seen.TryGetValue(value, out int k))
            {
                k = seen.Count;
                seen.Add(value, k);
                firstLine.Add(reader.Line);
            }
            labels.Add(k);
        }
        string[] classes = seen.Keys.Order(StringComparer.Ordinal).ToArray();
        RefuseIdentifierLabel(header, label, labelColumn, classes.Length, rows.Count, path);
        var rank = new int[classes.Length];
        for (int k = 0; k < classes.Length; k++) rank[seen[classes[k]]] = k;
        int[] y = labels.ToArray();
        for (int n = 0; n < y.Length; n++) y[n] = rank[y[n]];
        return new Dataset(featureColumns.Select(c => header[c]).ToArray(), classes, rows.ToArray(), y, header[label],
            path);
    }

    /// <summary>
    /// A label with (nearly) one class per row is an identifier or a measurement, not a class: training
    /// on it would need C output units for N rows and learns nothing. Refused before any work.
    /// </summary>
    private static void RefuseIdentifierLabel(string[] header, int label, string? labelColumn, int classes, int rows,
        string path)
    {
        if (classes <= 2 || classes <= MaxClassesPerRow * rows) return;
        string how = labelColumn is null ? $"the label is the last column, '{header[label]}'"
            : $"the label column is '{header[label]}'";
        throw new DataException(path, 1, label + 1,
            string.Create(CultureInfo.InvariantCulture,
                $"{how}, which has {classes:N0} distinct values in {rows:N0} rows: it looks like an identifier or a " +
                $"measurement, not a class (at most one class per {1 / MaxClassesPerRow:0} rows is accepted). Name " +
                $"the class column with --label COLUMN; the columns are {List(header)}."));
    }

    private static Dictionary<string, int> ColumnIndex(string[] header)
    {
        var index = new Dictionary<string, int>(header.Length, StringComparer.Ordinal);
        for (int c = 0; c < header.Length; c++) index.TryAdd(header[c], c);
        return index;
    }

    private static int LabelIndex(string[] header, Dictionary<string, int> columns, string? labelColumn, string path)
    {
        if (labelColumn is null) return header.Length - 1;
        if (!columns.TryGetValue(labelColumn, out int i))
            throw new DataException(path, 1, 0,
                $"there is no label column named '{Shorten(labelColumn)}'; the columns are {List(header)}. Name one " +
                $"of them with --label.");
        return i;
    }

    private static int[] FeatureIndices(string[] header, Dictionary<string, int> columns, IReadOnlyList<string> names,
        string path)
    {
        var result = new int[names.Count];
        for (int d = 0; d < names.Count; d++)
        {
            if (!columns.TryGetValue(names[d], out result[d]))
            {
                throw new DataException(path, 1, 0,
                    $"the model needs the feature column '{names[d]}' but the header has {header.Length} column(s): " +
                        $"{List(header)}. The model expects {names.Count} features: {List(names)}.");
            }
        }
        return result;
    }

    private static double[] Features(CsvRowReader reader, int[] columns, string path, int? defaultLabel)
    {
        var x = new double[columns.Length];
        for (int d = 0; d < columns.Length; d++) x[d] = Number(reader, columns[d], path, defaultLabel);
        return x;
    }

    private static string LabelValue(CsvRowReader reader, int label, string path)
    {
        string value = reader.Fields[label];
        if (value.Length == 0)
            throw new DataException(path, reader.Line, label + 1,
                $"the label ('{reader.Header[label]}') is empty; every row needs a class.");
        return value;
    }

    private static double Number(CsvRowReader reader, int column, string path, int? defaultLabel)
    {
        string text = reader.Fields[column];
        string name = reader.Header[column];
        if (text.Length == 0)
            throw new DataException(path, reader.Line, column + 1, $"'{name}' is empty; every feature needs a number.");
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture,
            out double value) || double.IsNaN(value))
        {
            string hint = text.Contains(',', StringComparison.Ordinal)
                ? " Decimal commas are not read: write 5.1, not 5,1."
                : " Features must be numbers such as 5.1 or -2.5e-3.";
            if (double.IsNaN(value) && text.Trim().Equals("NaN", StringComparison.OrdinalIgnoreCase))
                hint = " NaN is not a usable value: fill in the measurement or drop the row.";
            else if (defaultLabel is int last && double.TryParse(reader.Fields[last], NumberStyles.Float,
                CultureInfo.InvariantCulture, out _))
                hint += $" The label is taken from the last column, '{reader.Header[last]}', which holds numbers; if " +
                    $"'{name}' holds the classes, add --label {name}.";
            throw new DataException(path, reader.Line, column + 1,
                $"'{name}' is '{Shorten(text)}', not a number.{hint}");
        }
        if (!double.IsFinite(value))
        {
            bool literal = text.Contains("inf", StringComparison.OrdinalIgnoreCase) || text.Contains('∞',
                StringComparison.Ordinal);
            throw new DataException(path, reader.Line, column + 1, literal
                ? $"'{name}' is '{Shorten(text)}'; features must be finite numbers."
                : $"'{name}' is '{Shorten(text)}', beyond the range of a double (about ±1.8e308).");
        }
        return value;
    }

    internal static string Shorten(string s) => s.Length > 40 ? s[..40] + "…" : s;

    /// <summary>The first few names, comma-separated, and how many more there are.</summary>
    internal static string List(IReadOnlyList<string> names) =>
        names.Count <= ListedNames
            ? string.Join(", ", names.Select(Shorten))
            : string.Join(", ", names.Take(ListedNames).Select(Shorten)) + string.Create(CultureInfo.InvariantCulture,
                $", … ({names.Count - ListedNames:N0} more)");

    private static FileStream Open(string path)
    {
        if (Directory.Exists(path)) throw new DataException(path, 0, 0,
            "is a directory, not a CSV file; give the path of a .csv file.");
        if (!File.Exists(path)) throw new DataException(path, 0, 0,
            "file not found; check the path (the bundled data is data/iris.csv).");
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataException(path, 0, 0, $"cannot be read: {e.Message}", e);
        }
    }

    /// <summary>Lower-case hex SHA-256 of <paramref name="bytes"/>.</summary>
    public static string Sha256(ReadOnlySpan<byte> bytes) => ContentHash.Of(bytes);
}
