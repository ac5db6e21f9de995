using IrisNet.Data;
using IrisNet.Models;

namespace IrisNet.Cli.Options;

/// <summary>Labelled data with where it came from and the SHA-256 of its bytes.</summary>
public sealed record DataSource(Dataset Data, string Name, string Sha256)
{
    public const string BundledName = "iris.csv (bundled)";

    public static Stream OpenBundled() =>
        typeof(DataSource).Assembly.GetManifestResourceStream("IrisNet.Cli.iris.csv")
        ?? throw new InvalidOperationException("The bundled Iris data is missing from this build.");

    /// <summary>Loads labelled data from <paramref name="path"/>, or the bundled data when null; the file is read once
    /// and the hash is of the bytes parsed.</summary>
    public static DataSource Load(string? path, string? label)
    {
        if (path is null)
        {
            using Stream s = OpenBundled();
            var (bundled, bundledHash) = CsvLoader.LoadLabelledWithHash(s, BundledName, label);
            return new DataSource(bundled, BundledName, bundledHash);
        }
        var (data, hash) = CsvLoader.LoadLabelledWithHash(path, label);
        return new DataSource(data, path, hash);
    }

    /// <summary>Loads labelled data for a saved model (its features and classes), from --data or the bundled
    /// data.</summary>
    public static Dataset LoadForModel(string? path, Model model, string? label) => LoadForModelWithHash(path, model,
        label).Data;

    /// <summary>As <see cref="LoadForModel"/>, with the name and SHA-256 of the bytes (to recognise the model's own
    /// data).</summary>
    public static DataSource LoadForModelWithHash(string? path, Model model, string? label)
    {
        string column = label ?? model.LabelName;
        // The file is read once and hashed as it is parsed: a pipe such as /dev/stdin has no second reading.
        if (path is not null)
        {
            var (data, hash) = CsvLoader.LoadForModelWithHash(path, model.FeatureNames, model.ClassNames, column);
            return new DataSource(data, path, hash);
        }
        using Stream s = OpenBundled();
        var (bundled, bundledHash) = CsvLoader.LoadForModelWithHash(s, BundledName, model.FeatureNames,
            model.ClassNames, column);
        return new DataSource(bundled, BundledName, bundledHash);
    }
}
