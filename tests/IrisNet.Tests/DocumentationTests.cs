using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace IrisNet.Tests;

public sealed partial class DocumentationTests() : TempDirectoryTest("doc")
{
    private static string Derivation => File.ReadAllText(Path.Combine(Repo.Root, "docs", "derivation.md"));

    /// <summary>Equations are numbered 1..K in order, and each links to at least one member that exists.</summary>
    [Fact]
    public void Every_equation_links_to_a_member_that_exists()
    {
        string doc = Derivation;
        MatchCollection tags = EquationTag().Matches(doc);
        int[] numbers = tags.Select(m => int.Parse(m.Groups[1].Value,
            System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(Enumerable.Range(1, numbers.Length), numbers);
        Assert.True(numbers.Length >= 16);
        Assembly[] assemblies = [typeof(Network<,>).Assembly];
        for (int i = 0; i < tags.Count; i++)
        {
            int start = tags[i].Index;
            int end = i + 1 < tags.Count ? tags[i + 1].Index : doc.Length;
            int heading = doc.IndexOf("\n## ", start, StringComparison.Ordinal);
            if (heading > 0 && heading < end) end = heading;
            string block = doc[start..end];
            MatchCollection links = MemberLink().Matches(block);
            Assert.True(links.Count > 0, $"equation ({numbers[i]}) has no 'Implemented by' link");
            foreach (Match link in links)
            {
                string typeName = link.Groups[1].Value, member = link.Groups[2].Value, file = link.Groups[3].Value;
                string path = Path.GetFullPath(Path.Combine(Repo.Root, "docs", file));
                Assert.True(File.Exists(path), $"({numbers[i]}) links to {file}, which does not exist");
                Type? type = assemblies.SelectMany(a => a.GetTypes()).FirstOrDefault(t => t.Name.Split('`')[0]
                    == typeName);
                Assert.True(type is not null, $"({numbers[i]}) names type {typeName}, which does not exist");
                Assert.True(type!.GetMember(member, BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static |
                    BindingFlags.Instance).Length > 0,
                    $"({numbers[i]}) names {typeName}.{member}, which does not exist");
                Assert.Contains(member, File.ReadAllText(path), StringComparison.Ordinal);
            }
        }
    }

    /// <summary>
    /// Each equation names its member in the one home of the math first (<see cref="Equations"/>, or
    /// <see cref="GradientDescent"/>, <see cref="Nesterov"/>, <see cref="Adam"/> for the updates,
    /// <see cref="LearningRateSchedules"/> for the schedules) and then, except (6) and the schedules, a
    /// fast-path member.
    /// </summary>
    [Fact]
    public void Every_equation_links_the_reference_first_and_the_fast_path_second()
    {
        string doc = Derivation;
        MatchCollection tags = EquationTag().Matches(doc);
        for (int i = 0; i < tags.Count; i++)
        {
            int end = i + 1 < tags.Count ? tags[i + 1].Index : doc.IndexOf("\n## References", StringComparison.Ordinal);
            string block = doc[tags[i].Index..end];
            Match[] links = MemberLink().Matches(block).ToArray();
            string first = links[0].Groups[1].Value;
            // (17)–(22) are the optimizers beside GradientDescent, (23)–(28) the schedules.
            Assert.True(first is "Equations" or "GradientDescent" or "Nesterov" or "Adam" or "LearningRateSchedules",
                $"({i + 1}) links {first} before its member in the reference");
            Assert.StartsWith("../src/IrisNet/Reference/", links[0].Groups[3].Value, StringComparison.Ordinal);
            int reference = block.IndexOf("Reference:", StringComparison.Ordinal);
            Assert.True(reference >= 0 && reference < links[0].Index,
                $"({i + 1}) needs 'Reference:' before its first link");
            if (i + 1 == 6) continue; // (6): the full Jacobian exists only for one sample, in the reference
            if (i + 1 >= 23) continue; // (23)–(28): one scalar per epoch, the trainer calls the reference itself
            Assert.True(links.Any(l => l.Groups[1].Value is "VectorKernels" or "Network" or "FusedSweep"),
                $"({i + 1}) has no fast-path link");
            int fast = block.IndexOf("Fast path:", StringComparison.Ordinal);
            Assert.True(fast > reference, $"({i + 1}) needs 'Reference:' and then 'Fast path:'");
        }
        Assert.Contains("## References", doc, StringComparison.Ordinal);
        Assert.Matches(@"\*\*\[R1\]\*\*[^\n]*\n[^\n]*<https://", doc);
    }

    [Fact]
    public void The_readme_links_the_derivation_and_the_explain_command()
    {
        string readme = File.ReadAllText(Path.Combine(Repo.Root, "README.md"));
        Assert.Contains("(docs/derivation.md)", readme, StringComparison.Ordinal);
        Assert.Contains("irisnet explain", readme, StringComparison.Ordinal);
        Assert.Contains("bias-vs-nobias.png", Derivation, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(Repo.Root, "docs", "images", "bias-vs-nobias.png")));
        Assert.DoesNotContain("BIAS_TABLE", Derivation, StringComparison.Ordinal);
    }

    [Fact]
    public void Explainer_gradients_equal_the_network_and_the_finite_differences()
    {
        Dataset iris = Repo.Iris();
        var shape = new NetworkShape(4, 5, 3, true, Activation.Tanh);
        InitialWeights w = GradientTests.RandomWeights(4, 5, 3, true, seed: 3);
        Standardization st = Standardization.Fit(iris);
        double[] x = iris.Features[60].Select((v, d) => st.Apply(v, d)).ToArray();
        Explanation e = Explainer.Explain(shape, w, x, iris.Labels[60], iris.FeatureNames, iris.ClassNames);

        using var net = new Network<double, VectorKernels<double>>(shape, 1);
        Trainer.Load(w, net);
        var single = new Dataset(iris.FeatureNames, iris.ClassNames, [x], [iris.Labels[60]]);
        var (X, Y) = FeatureMajor.Build<double>(single, Standardization.None(4));
        double loss = net.ForwardBackward(X, Y, 0, 1, 1).LossSum;

        Assert.Equal(loss, e.Loss, 1e-14);
        Quantity dB = e.Backward.Single(q => q.Symbol.StartsWith("∂ℓ/∂B", StringComparison.Ordinal));
        Quantity dA = e.Backward.Single(q => q.Symbol.StartsWith("∂ℓ/∂A", StringComparison.Ordinal));
        for (int i = 0; i < dB.Value.Length; i++) Assert.Equal(net.dB[i], dB.Value[i], 1e-14);
        for (int i = 0; i < dA.Value.Length; i++) Assert.Equal(net.dA[i], dA.Value[i], 1e-14);
        Assert.All(e.Backward, q => Assert.True(q.MaxAbsDifference < 1e-8, $"{q.Symbol}: {q.MaxAbsDifference}"));
        Assert.True(e.Shortcut[0].MaxAbsDifference > 1e-3, "the shortcut should differ from the correct ∂ℓ/∂s");
    }

    [Fact]
    public void Explain_command_prints_every_factor_with_equation_numbers_from_the_derivation()
    {
        Cli.Result r = Cli.Run(_dir, "explain", "--sample", "75", "--json");
        Assert.Equal(0, r.ExitCode);
        using JsonDocument doc = JsonDocument.Parse(r.Stdout);
        JsonElement root = doc.RootElement;
        Assert.Equal("versicolor", root.GetProperty("class").GetString());
        string derivation = Derivation;
        foreach (JsonElement q in root.GetProperty("backward").EnumerateArray())
        {
            Assert.True(q.GetProperty("max_abs_difference").GetDouble() < 1e-8, q.GetProperty("symbol").GetString());
            Assert.Contains($"**({q.GetProperty("equation").GetInt32()})**", derivation, StringComparison.Ordinal);
        }
        string[] symbols = root.GetProperty("backward").EnumerateArray().Select(q
            => q.GetProperty("symbol").GetString()!).ToArray();
        Assert.Contains(symbols, s => s.StartsWith("∂ŷ/∂s", StringComparison.Ordinal));
        Assert.Contains(symbols, s => s.StartsWith("∂ℓ/∂b", StringComparison.Ordinal));
        Assert.True(root.GetProperty("diagonal_only_shortcut")[0].GetProperty("max_abs_difference").GetDouble() > 1e-3);

        Cli.Result text = Cli.Run(_dir, "explain");
        Assert.Equal(0, text.ExitCode);
        Assert.Contains("(6) ∂ŷ/∂s = Diag(ŷ) − ŷŷᵀ   [3×3]", text.Stdout, StringComparison.Ordinal);
        Assert.Contains("setosa", text.Stdout, StringComparison.Ordinal);
        Assert.Equal(2, Cli.Run(_dir, "explain", "--sample", "151").ExitCode);
    }

    /// <summary>The library example of docs/library.md is compiled against the built libraries and run.</summary>
    [Fact]
    public void The_library_example_compiles_and_runs()
    {
        string section = File.ReadAllText(Path.Combine(Repo.Root, "docs", "library.md"));
        Assert.Single(CSharpFence().Matches(section));
        int open = section.IndexOf("```csharp", StringComparison.Ordinal) + "```csharp".Length;
        string code = section[open..section.IndexOf("```", open, StringComparison.Ordinal)];
        File.WriteAllText(Path.Combine(_dir, "Program.cs"), code);
        string bin = AppContext.BaseDirectory;
        string references = string.Concat(new[] { "IrisNet", "IrisNet.Data", "CsvHelper" }.Select(n =>
            $"<Reference Include=\"{n}\"><HintPath>{Path.Combine(bin, n + ".dll")}</HintPath></Reference>"));
        File.WriteAllText(Path.Combine(_dir, "Example.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup><OutputType>Exe</OutputType><TargetFramework>net10.0</TargetFramework><Nullable>enable</Nullable>
              <ImplicitUsings>enable</ImplicitUsings><TreatWarningsAsErrors>true</TreatWarningsAsErrors></PropertyGroup>
              <ItemGroup>{references}</ItemGroup>
            </Project>
            """);
        Run("dotnet", ["build", Path.Combine(_dir, "Example.csproj"), "-o", Path.Combine(_dir, "out"), "--nologo", "-v",
            "q"], _dir);
        string output = Run("dotnet", [Path.Combine(_dir, "out", "Example.dll")], Repo.Root);
        Assert.Matches(@"test accuracy 0\.9\d*|test accuracy 1", output);
        Assert.Contains("gradient check", output, StringComparison.Ordinal);
    }

    private static string Run(string file, string[] args, string workingDirectory)
    {
        var info = new ProcessStartInfo(file)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true
        };
        foreach (string a in args) info.ArgumentList.Add(a);
        using Process p = Process.Start(info)!;
        Task<string> stdout = p.StandardOutput.ReadToEndAsync(), stderr = p.StandardError.ReadToEndAsync();
        Assert.True(p.WaitForExit(TimeSpan.FromMinutes(3)), $"{file} {string.Join(' ', args)} timed out");
        string output = stdout.GetAwaiter().GetResult();
        Assert.True(p.ExitCode == 0,
            $"{file} {string.Join(' ', args)} exited {p.ExitCode}\n{output}\n{stderr.GetAwaiter().GetResult()}");
        return output;
    }

    [GeneratedRegex("^```csharp$", RegexOptions.Multiline)]
    private static partial Regex CSharpFence();

    [GeneratedRegex(@"^\*\*\((\d+)\)\*\*", RegexOptions.Multiline)]
    private static partial Regex EquationTag();

    [GeneratedRegex(@"\[`(\w+)\.(\w+)`\]\((\.\./src/[^)]+)\)")]
    private static partial Regex MemberLink();
}
