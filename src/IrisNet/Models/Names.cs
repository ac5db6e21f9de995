using System.Reflection;
using System.Text.Json.Serialization;
using IrisNet.Data;
using IrisNet.FastPath;
using IrisNet.Reference;

namespace IrisNet.Models;

/// <summary>
/// The one place that spells the names of <see cref="Activation"/>, <see cref="Precision"/> and
/// <see cref="StandardizationKind"/> values: each enum member carries its name in a
/// <see cref="JsonStringEnumMemberNameAttribute"/>, read here for model files, summary.json, the
/// command-line options and every message.
/// </summary>
public static class Names
{
    /// <summary>The name of <paramref name="value"/>, as written in files and on the command line (for example
    /// "float64").</summary>
    public static string Of<T>(T value) where T : struct, Enum
    {
        foreach (var (v, name) in Table<T>.Entries)
        {
            if (EqualityComparer<T>.Default.Equals(v, value)) return name;
        }
        throw new ArgumentOutOfRangeException(nameof(value), value, $"not a defined {typeof(T).Name}.");
    }

    /// <summary>Every name of <typeparamref name="T"/>, in declaration order.</summary>
    public static IReadOnlyList<string> All<T>() where T : struct, Enum => Table<T>.Names;

    /// <summary>The value named exactly (case included) <paramref name="name"/>.</summary>
    public static bool TryParse<T>(string? name, out T value) where T : struct, Enum
    {
        foreach (var (v, n) in Table<T>.Entries)
        {
            if (string.Equals(n, name, StringComparison.Ordinal))
            {
                value = v;
                return true;
            }
        }
        value = default;
        return false;
    }

    /// <summary>"identity, tanh or relu": the names for a message.</summary>
    public static string Choices<T>() where T : struct, Enum
    {
        IReadOnlyList<string> names = All<T>();
        return names.Count == 1 ? names[0] : $"{string.Join(", ", names.Take(names.Count - 1))} or {names[^1]}";
    }

    private static class Table<T> where T : struct, Enum
    {
        public static readonly (T Value, string Name)[] Entries = typeof(T)
            .GetFields(BindingFlags.Public | BindingFlags.Static)
            .Select(f => ((T)f.GetValue(null)!, f.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name
                ?? throw new InvalidOperationException($"{typeof(T).Name}.{f.Name} has no name attribute.")))
            .ToArray();

        public static readonly string[] Names = Entries.Select(e => e.Name).ToArray();
    }
}
