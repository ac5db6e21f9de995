using System.Globalization;

namespace IrisNet.Interop.NumPy;

/// <summary>
/// The arrays of one .npz file read as named values of known kinds (a matrix, a vector, a scalar,
/// integers, names), each failing with an error that names the array and what it should be. Records
/// which arrays were asked for, so a reader can refuse the rest (a misspelt name is never ignored).
/// </summary>
internal sealed class NpzMembers(IReadOnlyDictionary<string, NpyArray> arrays, Func<string, string, Exception> error)
{
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    public Exception Error(string name, string message) => error(name, message);

    public IEnumerable<string> Names => arrays.Keys;

    public bool Has(string name) => arrays.ContainsKey(name);

    public NpyArray? Find(string name)
    {
        if (!arrays.TryGetValue(name, out NpyArray? a)) return null;
        _used.Add(name);
        return a;
    }

    public NpyArray Require(string name, string what) =>
        Find(name) ?? throw error(name, $"is missing; it must hold {what}.");

    /// <summary>The arrays never asked for.</summary>
    public IEnumerable<string> Unused => arrays.Keys.Where(k => !_used.Contains(k));

    /// <summary>The values of a numeric (float or integer) array, every one finite.</summary>
    public double[] Numbers(string name, NpyArray a)
    {
        double[] values = a.ToDoubles() ?? (a.ToInt64() is long[] ints ? Array.ConvertAll(ints, i => (double)i) : null)
            ?? throw error(name, $"holds {NpyArray.Name(a.Dtype)} values; it must hold numbers (float64 or float32).");
        for (int i = 0; i < values.Length; i++)
        {
            if (!double.IsFinite(values[i]))
                throw error(name, $"holds {Format(values[i])} at {Index(a.Shape, i)}; every number must be finite.");
        }
        return values;
    }

    /// <summary>A 2-D numeric array as rows.</summary>
    public double[][] Matrix(string name, string what)
    {
        NpyArray a = Require(name, what);
        if (a.Shape.Count != 2 || a.Shape[0] == 0 || a.Shape[1] == 0)
            throw error(name, $"has shape {a.ShapeText}; it must be {what}, a matrix with at least one row and "
                + $"column.");
        double[] flat = Numbers(name, a);
        int rows = a.Shape[0], cols = a.Shape[1];
        var result = new double[rows][];
        for (int r = 0; r < rows; r++) result[r] = flat.AsSpan(r * cols, cols).ToArray();
        return result;
    }

    /// <summary>A 1-D numeric array, or null when absent.</summary>
    public double[]? Vector(string name, string what)
    {
        NpyArray? a = Find(name);
        if (a is null) return null;
        if (a.Shape.Count != 1) throw error(name, $"has shape {a.ShapeText}; it must be {what}, a vector.");
        return Numbers(name, a);
    }

    /// <summary>A number given as a 0-d array (np.savez's form of a Python float) or a one-element vector, or null when
    /// absent.</summary>
    public double? Scalar(string name)
    {
        NpyArray? a = Find(name);
        if (a is null) return null;
        if (a.Count != 1 || a.Shape.Count > 1) throw error(name, $"has shape {a.ShapeText}; it must be one number.");
        return Numbers(name, a)[0];
    }

    /// <summary>An integer array (any NumPy integer dtype), or null when absent.</summary>
    public long[]? Integers(string name, string what)
    {
        NpyArray? a = Find(name);
        if (a is null) return null;
        if (a.Shape.Count != 1) throw error(name, $"has shape {a.ShapeText}; it must be {what}, a vector.");
        return a.ToInt64() ?? throw error(name,
            $"holds {NpyArray.Name(a.Dtype)} values; it must hold integers ({what}), for example np.asarray(x, "
            + $"dtype=np.int64).");
    }

    /// <summary>One integer (0-d or one element), or null when absent.</summary>
    public long? Integer(string name)
    {
        NpyArray? a = Find(name);
        if (a is null) return null;
        if (a.Count != 1 || a.Shape.Count > 1) throw error(name, $"has shape {a.ShapeText}; it must be one integer.");
        return a.ToInt64() is [long v] ? v
            : throw error(name, $"holds {NpyArray.Name(a.Dtype)}; it must be an integer.");
    }

    /// <summary>A 1-D unicode array of distinct names, or null when absent.</summary>
    public string[]? NameList(string name, int count, string symbol)
    {
        NpyArray? a = Find(name);
        if (a is null) return null;
        string[] names = a.ToStrings()
            ?? throw error(name, $"holds {NpyArray.Name(a.Dtype)} values; names must be a unicode array, "
            + $"np.array(names, dtype=str).");
        if (a.Shape.Count != 1) throw error(name,
            $"has shape {a.ShapeText}; it must be a vector of {symbol} = {count} names.");
        if (names.Length != count) throw error(name, $"lists {names.Length} names, but {symbol} = {count}.");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (string n in names)
        {
            if (!seen.Add(n)) throw error(name, $"lists '{n}' twice; names must be distinct.");
        }
        return names;
    }

    /// <summary>One string (a 0-d unicode array, np.savez's form of a Python str), or null when absent.</summary>
    public string? Text(string name)
    {
        NpyArray? a = Find(name);
        if (a is null) return null;
        if (a.Count != 1 || a.Shape.Count > 1 || a.ToStrings() is not [string s])
            throw error(name, $"is {a.Describe()}; it must be one string.");
        return s;
    }

    /// <summary>Refuses every array no reader asked for, naming the first and the names that are read.</summary>
    public void RefuseOthers(string allowed)
    {
        string? other = Unused.FirstOrDefault();
        if (other is not null) throw error(other,
            $"is not an array this file may hold; {allowed}. Check its spelling.");
    }

    private static string Format(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    private static string Index(IReadOnlyList<int> shape, int flat)
    {
        if (shape.Count == 0) return "the scalar";
        var index = new int[shape.Count];
        for (int j = shape.Count - 1; j >= 0; j--)
        {
            index[j] = flat % shape[j];
            flat /= shape[j];
        }
        return "[" + string.Join(", ", index) + "]";
    }
}
