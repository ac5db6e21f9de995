using System.Reflection;

namespace IrisNet.Tests;

/// <summary>Paths and data shared by the tests.</summary>
internal static class Repo
{
    private static string Metadata(string key) =>
        typeof(Repo).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;

    public static string Root => Path.GetFullPath(Metadata("RepoRoot"));

    public static string CliPath => Path.GetFullPath(Metadata("CliPath"));

    public static string IrisCsv => Path.Combine(Root, "data", "iris.csv");

    public static Dataset Iris() => CsvLoader.LoadLabelled(IrisCsv);
}
