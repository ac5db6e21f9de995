using System.Reflection;
using Xunit;

namespace IrisNet.Tests;

/// <summary>Dependencies point inward: the reference implementation uses the base library only.</summary>
public class ArchitectureTests
{
    [Fact]
    public void The_core_library_references_no_package_assemblies()
    {
        AssemblyName[] references = typeof(Network<,>).Assembly.GetReferencedAssemblies();
        Assert.NotEmpty(references);
        string[] foreign = references.Select(r => r.Name!).Where(n => !(n.StartsWith("System", StringComparison.Ordinal) || n is "netstandard" or "mscorlib" or "Microsoft.Win32.Primitives")).ToArray();
        Assert.Empty(foreign);
    }

    [Fact]
    public void The_data_edge_draws_nothing_and_prints_nothing()
    {
        string[] names = typeof(IrisNet.Data.CsvLoader).Assembly.GetReferencedAssemblies().Select(r => r.Name!).ToArray();
        Assert.Contains("CsvHelper", names);
        Assert.DoesNotContain(names, n => n.StartsWith("ScottPlot", StringComparison.Ordinal) || n.StartsWith("Spectre", StringComparison.Ordinal) || n.StartsWith("SkiaSharp", StringComparison.Ordinal));
    }
}
