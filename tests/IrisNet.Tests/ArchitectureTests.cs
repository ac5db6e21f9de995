using System.Reflection;
using IrisNet.FastPath;
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

    [Fact]
    public void No_public_type_has_members_or_parameters_whose_names_differ_only_by_case()
    {
        const BindingFlags Public = BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        var clashes = new List<string>();
        Type[] types = [.. typeof(Network<,>).Assembly.GetExportedTypes(), .. typeof(IrisNet.Data.CsvLoader).Assembly.GetExportedTypes()];
        Assert.NotEmpty(types);
        foreach (Type type in types)
        {
            // Members of one type (overloads share a name exactly, so they are not clashes).
            foreach (var group in type.GetMembers(Public).Select(m => m.Name).Distinct().GroupBy(n => n.ToUpperInvariant()).Where(g => g.Count() > 1))
                clashes.Add($"{type.FullName}: {string.Join(", ", group)}");
            // Parameters of each public method or constructor (named arguments are case-insensitive in some languages).
            foreach (MethodBase method in type.GetMethods(Public).Cast<MethodBase>().Concat(type.GetConstructors()))
            {
                foreach (var group in method.GetParameters().Select(p => p.Name ?? "").GroupBy(n => n.ToUpperInvariant()).Where(g => g.Count() > 1))
                    clashes.Add($"{type.FullName}.{method.Name}({string.Join(", ", group)})");
            }
        }
        Assert.Empty(clashes);
    }

    [Fact]
    public void The_core_library_speaks_of_its_own_properties_not_of_command_line_flags()
    {
        // The command line maps property names to its options (ModelOptionSet.Describe); a flag in a
        // core message would be wrong for every other caller of the library.
        string core = Path.Combine(Repo.Root, "src", "IrisNet");
        var flags = new List<string>();
        foreach (string file in Directory.EnumerateFiles(core, "*.cs", SearchOption.AllDirectories).Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)))
        {
            string[] lines = File.ReadAllLines(file);
            for (int i = 0; i < lines.Length; i++)
            {
                string code = lines[i].TrimStart();
                if (code.StartsWith("//", StringComparison.Ordinal)) continue;
                if (System.Text.RegularExpressions.Regex.IsMatch(code, "\"[^\"]*--[a-z]"))
                    flags.Add($"{Path.GetRelativePath(core, file)}:{i + 1}: {code}");
            }
        }
        Assert.NotEmpty(Directory.EnumerateFiles(core, "*.cs", SearchOption.AllDirectories)); // the core's files live in folders by role
        Assert.Empty(flags);
    }
}
