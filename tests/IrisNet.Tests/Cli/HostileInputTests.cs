using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace IrisNet.Tests;

/// <summary>
/// Extreme and hostile input at the data edge: values near the double and float32 limits, piped data,
/// identifier-like labels, wide headers, terminal control characters in names, broken quoting, and
/// option values of the wrong kind. Each either works correctly or is refused with one clear line.
/// </summary>
public sealed class HostileInputTests() : TempDirectoryTest("hostile")
{
    private string Write(string name, string text)
    {
        File.WriteAllText(P(name), text, new UTF8Encoding(false));
        return P(name);
    }

    /// <summary>The Iris file with the first feature multiplied by <paramref name="factor"/>.</summary>
    private string ScaledIris(string name, double factor)
    {
        string[] lines = File.ReadAllLines(Repo.IrisCsv);
        var sb = new StringBuilder(lines[0]).Append('\n');
        foreach (string line in lines.Skip(1).Where(l => l.Length > 0))
        {
            string[] f = line.Split(',');
            f[0] = (double.Parse(f[0], CultureInfo.InvariantCulture) * factor).ToString("R",
                CultureInfo.InvariantCulture);
            sb.Append(string.Join(',', f)).Append('\n');
        }
        return Write(name, sb.ToString());
    }

    private static void OneErrorLine(Cli.Result r, string expected)
    {
        Assert.Equal(2, r.ExitCode);
        string[] lines = r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, $"expected one line on stderr, got:\n{r.Stderr}");
        Assert.StartsWith("irisnet: error: ", lines[0], StringComparison.Ordinal);
        Assert.Contains(expected, lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("System.", lines[0], StringComparison.Ordinal);
    }

    // ---- values near the limits of the representation ----

    [Theory]
    [InlineData(5e200)]
    [InlineData(1e300)]
    [InlineData(1e-300)]
    public void Standardization_of_huge_and_tiny_features_matches_the_unscaled_statistics(double factor)
    {
        Dataset iris = Repo.Iris();
        var scaled = new Dataset(iris.FeatureNames, iris.ClassNames,
            iris.Features.Select(r => r.Select(v => v * factor).ToArray()).ToArray(), iris.Labels);
        Standardization plain = Standardization.Fit(iris), big = Standardization.Fit(scaled);
        for (int d = 0; d < iris.FeatureCount; d++)
        {
            Assert.True(double.IsFinite(big.Scale[d]) && big.Scale[d] > 0, $"σ_{d} = {big.Scale[d]}");
            Assert.Equal(plain.Mean[d] * factor, big.Mean[d], Math.Abs(plain.Mean[d] * factor) * 1e-12);
            Assert.Equal(plain.Scale[d] * factor, big.Scale[d], plain.Scale[d] * factor * 1e-12);
            for (int n = 0; n < iris.Count; n += 7)
                Assert.Equal(plain.Apply(iris.Features[n][d], d), big.Apply(scaled.Features[n][d], d), 1e-9);
        }
    }

    [Fact]
    public void Standardization_of_ordinary_data_is_bit_identical_to_the_two_pass_formula()
    {
        Dataset iris = Repo.Iris();
        Standardization st = Standardization.Fit(iris);
        for (int d = 0; d < iris.FeatureCount; d++)
        {
            double mu = iris.Features.Sum(r => r[d]) / iris.Count;
            double ss = 0;
            foreach (double[] r in iris.Features) ss += (r[d] - mu) * (r[d] - mu);
            Assert.Equal(mu, st.Mean[d]);
            Assert.Equal(Math.Sqrt(ss / iris.Count), st.Scale[d]);
        }
    }

    [Fact]
    public void Features_near_5e200_train_and_save_a_finite_model()
    {
        string data = ScaledIris("huge.csv", 5e200);
        Cli.Result r = Cli.Run(_dir, "train", "--data", data, "--epochs", "50", "--out", P("run"), "--quiet");
        Assert.True(r.ExitCode == 0, r.Stderr);
        JsonNode model = JsonNode.Parse(File.ReadAllText(Path.Combine(P("run"), "model.json")))!;
        string text = model.ToJsonString();
        Assert.DoesNotContain("Infinity", text, StringComparison.Ordinal);
        Assert.DoesNotContain("NaN", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Data_beyond_float32_range_is_refused_before_a_run_directory_exists()
    {
        string data = ScaledIris("f32.csv", 1e39);
        Cli.Result r = Cli.Run(_dir, "train", "--data", data, "--precision", "float32", "--standardize", "none",
            "--out", P("run"));
        OneErrorLine(r, "float32");
        Assert.Contains("sepal_length", r.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(P("run")));
        // Standardized, the same data is representable in float32 and trains.
        Cli.Result ok = Cli.Run(_dir, "train", "--data", data, "--precision", "float32", "--epochs", "20", "--out",
            P("ok"), "--quiet");
        Assert.True(ok.ExitCode == 0, ok.Stderr);
    }

    [Fact]
    public void Data_whose_standardized_values_overflow_a_double_is_refused()
    {
        Dataset iris = Repo.Iris();
        double[][] rows = iris.Features.Select(r => r.ToArray()).ToArray();
        foreach (double[] row in rows) row[0] = -double.MaxValue;
        rows[0][0] = double.MaxValue; // x − μ ≈ 1.99 · 1.8e308
        var d = new Dataset(iris.FeatureNames, iris.ClassNames, rows, iris.Labels, source: "x.csv");
        var e = Assert.Throws<DataException>(() => Standardization.Fit(d));
        Assert.Contains("sepal_length", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1e-46, 0, 0, nameof(TrainingOptions.LearningRate))]
    [InlineData(0.1, 1e-50, 0, nameof(TrainingOptions.L2))]
    [InlineData(0.1, 0, 1e-50, nameof(TrainingOptions.Momentum))]
    [InlineData(0.1, 0, 0.999999999, nameof(TrainingOptions.Momentum))]
    public void Options_that_vanish_or_round_away_in_float32_are_refused(double lr, double l2, double momentum,
        string option)
    {
        var o = new TrainingOptions { LearningRate = lr, L2 = l2, Momentum = momentum, Precision = Precision.Float32 };
        Assert.Equal(option, Assert.Throws<OptionException>(o.Validate).Option);
        (o with { Precision = Precision.Float64 }).Validate(); // representable in float64
    }

    // ---- piped data ----

    [Fact]
    public async Task Data_read_from_a_pipe_is_hashed_from_the_bytes_parsed()
    {
        byte[] bytes = File.ReadAllBytes(Repo.IrisCsv);
        Cli.Result r = await Cli.RunWithInput(_dir, bytes, "train", "--data", "/dev/stdin", "--epochs", "5", "--out",
            P("run"), "--quiet");
        Assert.True(r.ExitCode == 0, r.Stderr + r.Stdout);
        JsonNode summary = JsonNode.Parse(File.ReadAllText(Path.Combine(P("run"), "summary.json")))!;
        string expected = Convert.ToHexStringLower(SHA256.HashData(bytes));
        Assert.Contains($"\"{expected}\"", summary.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_hash_is_of_every_byte_of_a_stream_that_cannot_seek()
    {
        byte[] bytes = File.ReadAllBytes(Repo.IrisCsv);
        using var pipe = new ForwardOnlyStream(bytes);
        var (data, sha) = CsvLoader.LoadLabelledWithHash(pipe, "pipe");
        Assert.Equal(150, data.Count);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), sha);
    }

    // ---- cost in classes, columns and rows ----

    [Fact]
    public void A_label_column_with_a_class_per_row_is_refused_with_a_hint_to_use_label()
    {
        var sb = new StringBuilder("a,b,kind,id\n");
        for (int n = 0; n < 1000; n++) sb.Append(CultureInfo.InvariantCulture, $"{n % 7}.5,{n % 3},{n % 2},{n}\n");
        string path = Write("ids.csv", sb.ToString());
        var e = Assert.Throws<DataException>(() => CsvLoader.LoadLabelled(path));
        Assert.Contains("'id'", e.Message, StringComparison.Ordinal);
        Assert.Contains("1,000 distinct values in 1,000 rows", e.Message, StringComparison.Ordinal);
        Assert.Contains("--label", e.Message, StringComparison.Ordinal);
        Assert.Equal(["0", "1"], CsvLoader.LoadLabelled(path, "kind").ClassNames);
        Cli.Result r = Cli.Run(_dir, "train", "--data", path, "--out", P("run"));
        OneErrorLine(r, "--label");
        Assert.DoesNotContain("MiB", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Many_classes_give_a_summary_and_pictures_that_grow_with_the_rows_not_with_C_squared()
    {
        // 400 classes of 2 rows: not an identifier column, but a 160,000-cell confusion matrix.
        const int C = 400;
        var sb = new StringBuilder("a,b,c,d,kind\n");
        for (int n = 0; n < 2 * C; n++)
            sb.Append(CultureInfo.InvariantCulture,
                $"{n % C % 17 + n % 3 * 0.1},{n % C / 17 + n % 5 * 0.1},{n % 7 * 0.1},{n % 11 * 0.1},k{n % C}\n");
        string data = Write("classes.csv", sb.ToString());
        Cli.Result r = Cli.Run(_dir, "train", "--data", data, "--test-fraction", "0", "--epochs", "2", "--hidden", "4",
            "--out", P("run"));
        Assert.True(r.ExitCode == 0, r.Stderr);

        // summary.json: every class's scores, but only the nonzero confusion cells, which sum to the rows.
        string summaryPath = Path.Combine(P("run"), "summary.json");
        long bytes = new FileInfo(summaryPath).Length;
        Assert.True(bytes < 400L * C, $"summary.json is {bytes:N0} bytes for {C} classes and {2 * C} rows");
        JsonNode train = JsonNode.Parse(File.ReadAllText(summaryPath))!["final"]!["train"]!;
        Assert.Null(train["confusion"]);
        JsonArray cells = train["confusion_cells"]!.AsArray();
        Assert.InRange(cells.Count, 1, 2 * C);
        Assert.Equal(2 * C, cells.Sum(c => c![2]!.GetValue<int>()));
        Assert.All(cells, c => Assert.InRange(c![0]!.GetValue<int>(), 0, C - 1));
        Assert.Equal(C, train["per_class"]!.AsObject().Count);

        // The terminal table and confusion.png show the classes with the most errors and pool the rest.
        string text = string.Join(' ', r.Stdout.Split((char[])[' ', '\n', '\r'],
            StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("the 11 classes with the most errors of 400", text, StringComparison.Ordinal);
        Assert.Contains("'other' pools 389 classes", text, StringComparison.Ordinal);
        Assert.True(r.Stdout.Length < 20_000, $"{r.Stdout.Length} characters on stdout");
        DataArea area = PngImage.Load(Path.Combine(P("run"), "confusion.png")).Area("confusion");
        Assert.Equal(C.ToString(CultureInfo.InvariantCulture), area.All["classes"]);
        Assert.Equal("30", area.All["shown"]);
        Assert.Equal(29.5, area.XMax);

        // plot --confusion reads the cells back.
        Cli.Result plot = Cli.Run(_dir, "plot", "--confusion", P("run"), "--out", P("again.png"));
        Assert.True(plot.ExitCode == 0, plot.Stderr);
        Assert.Equal("30", PngImage.Load(P("again.png")).Area("confusion").All["shown"]);
    }

    [Fact]
    public void A_wide_header_loads_and_duplicate_names_far_apart_are_found()
    {
        const int D = 20_000;
        string header = string.Join(',', Enumerable.Range(0, D).Select(d => $"f{d}")) + ",label\n";
        string row = string.Join(',', Enumerable.Range(0, D).Select(d
            => (d % 10).ToString(CultureInfo.InvariantCulture)));
        Dataset wide = CsvLoader.LoadLabelled(Write("wide.csv", header + row + ",a\n" + row + ",b\n"));
        Assert.Equal(D, wide.FeatureCount);
        Assert.Equal("f19999", wide.FeatureNames[^1]);
        string dup = header.Replace($",f{D - 1},", ",f3,", StringComparison.Ordinal);
        var e = Assert.Throws<DataException>(() => CsvLoader.LoadLabelled(Write("dup.csv", dup + row + ",a\n")));
        Assert.Contains($"columns 4 and {D}", e.Message, StringComparison.Ordinal);
        // A missing label column lists a few names, not all twenty thousand.
        var missing = Assert.Throws<DataException>(() => CsvLoader.LoadLabelled(P("wide.csv"), "species"));
        Assert.True(missing.Message.Length < 1000, $"{missing.Message.Length} characters");
        Assert.Contains("more)", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Loading_allocates_little_more_per_row_than_the_numbers_themselves()
    {
        const int N = 50_000;
        var sb = new StringBuilder("sepal_length,sepal_width,petal_length,petal_width,species\n");
        string[] classes = ["setosa", "versicolor", "virginica"];
        for (int n = 0; n < N; n++) sb.Append(CultureInfo.InvariantCulture,
            $"{5 + n % 30 / 10.0},{3 + n % 11 / 10.0},{1 + n % 50 / 10.0},{n % 25 / 10.0},{classes[n % 3]}\n");
        string path = Write("rows.csv", sb.ToString());
        long lineBytes = new FileInfo(path).Length / N;
        CsvLoader.LoadLabelled(path); // warm up
        long before = GC.GetAllocatedBytesForCurrentThread();
        Dataset d = CsvLoader.LoadLabelled(path);
        long perRow = (GC.GetAllocatedBytesForCurrentThread() - before) / N;
        Assert.Equal(N, d.Count);
        // What must stay: 4 doubles in an array (24 + 32 bytes), a label and a reference (12 bytes), each
        // list's doubling (another 12 bytes amortized); the text of a row is transient and about
        // 2 bytes per character. Keeping every field as a string object (as the loader once did) costs
        // far more than this bound.
        Assert.True(perRow < 100 + 3 * lineBytes, $"{perRow} bytes allocated per row of {lineBytes} bytes");
    }

    // ---- names from files reach the terminal escaped ----

    [Fact]
    public void Control_characters_in_class_names_never_reach_the_terminal_but_stay_exact_in_json()
    {
        const string title = "\u001B]0;owned\u0007", red = "\u001B[31mred";
        var sb = new StringBuilder("x,y,label\n");
        for (int n = 0; n < 40; n++) sb.Append(CultureInfo.InvariantCulture,
            $"{n % 2 * 3 + n % 5 * 0.1},{n % 3},\"{(n % 2 == 0 ? title : red)}\"\n");
        string data = Write("evil.csv", sb.ToString());
        Cli.Result train = Cli.Run(_dir, "train", "--data", data, "--epochs", "30", "--out", P("run"));
        Assert.True(train.ExitCode == 0, train.Stderr);
        AssertNoControl(train.Stdout + train.Stderr);
        Assert.Contains(@"\e[31mred", train.Stdout, StringComparison.Ordinal);

        string model = Path.Combine(P("run"), "model.json");
        Cli.Result table = Cli.Run(_dir, "predict", "--model", model, "--features", "0,1");
        Assert.Equal(0, table.ExitCode);
        AssertNoControl(table.Stdout);
        Assert.Contains(@"p(\e]0;owned\a)", table.Stdout, StringComparison.Ordinal);

        Cli.Result json = Cli.Run(_dir, "predict", "--model", model, "--features", "0,1", "--json");
        Assert.Equal(0, json.ExitCode);
        JsonNode doc = JsonNode.Parse(json.Stdout)!;
        Assert.Equal([red, title], doc["classes"]!.AsArray().Select(c
            => c!.GetValue<string>()).Order(StringComparer.Ordinal).ToArray());

        string bad = Write("bad.csv", "x,y,label\n1,2,\"\u001B[2Jgone\u0007\u0008\"\n");
        Cli.Result error = Cli.Run(_dir, "evaluate", "--model", model, "--data", bad);
        OneErrorLine(error, "bad.csv:2:3");
        Assert.Contains(@"'\e[2Jgone\a\b' is not one of the model's classes", error.Stderr, StringComparison.Ordinal);
        AssertNoControl(error.Stderr.TrimEnd('\n'));
    }

    [Fact]
    public void A_label_value_with_a_newline_gives_a_one_line_error()
    {
        string data = Write("nl.csv", "a,b,label\n1,2,x\n3,4,\"y\u001B[31m\"\n5,6,\"x\ninjected: line\"\n");
        Cli.Result r = Cli.Run(_dir, "train", "--data", data, "--out", P("run"));
        OneErrorLine(r, "nl.csv:4:3: a quoted field continues onto the next line");
        AssertNoControl(r.Stderr.TrimEnd('\n'));
    }

    private static void AssertNoControl(string text)
    {
        foreach (char c in text)
        {
            if (c == '\n') continue;
            Assert.False(char.IsControl(c), $"control character U+{(int)c:X4} in output:\n{text}");
        }
    }

    // ---- messages ----

    [Theory]
    [InlineData("--lr", "abc", "'abc' is not a number; use for example --lr 0.1")]
    [InlineData("--epochs", "1.5", "'1.5' is not a whole number")]
    [InlineData("--hidden", "lots", "--hidden: 'lots' is not a whole number")]
    [InlineData("--seed", "-1", "--seed: '-1' is negative")]
    [InlineData("--bias", "yes", "--bias: 'yes' is not true or false; use --bias true or --bias false")]
    public void Option_values_of_the_wrong_kind_say_what_is_expected_without_type_names(string option, string value,
        string expected)
    {
        Cli.Result r = Cli.Run(_dir, "train", option, value, "--out", P("never"));
        OneErrorLine(r, expected);
        Assert.False(Directory.Exists(P("never")));
    }

    [Fact]
    public void No_command_prints_the_command_list_and_exits_2()
    {
        Cli.Result r = Cli.Run(_dir);
        Assert.Equal(2, r.ExitCode);
        foreach (string command in new[] { "train", "evaluate", "predict", "gradcheck", "plot", "explain" })
            Assert.Contains(command, r.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void A_label_that_is_not_the_last_column_is_suggested()
    {
        var sb = new StringBuilder("species,a,b\n");
        for (int n = 0; n < 30; n++) sb.Append(CultureInfo.InvariantCulture,
            $"{(n % 2 == 0 ? "x" : "y")},{n * 0.1},{n * 0.37 % 1}\n");
        var e = Assert.Throws<DataException>(() => CsvLoader.LoadLabelled(Write("first.csv", sb.ToString())));
        Assert.Contains("--label species", e.Message, StringComparison.Ordinal);
        Assert.Equal(["x", "y"], CsvLoader.LoadLabelled(P("first.csv"), "species").ClassNames);
    }

    [Theory]
    [InlineData("a,b,label\n1,2,x\n3,\"4,y\n5,6,x\n", 3, 2)]
    [InlineData("a,b,label\n1,2,x\n\n3,4,\"y\n5,6,x\n7,8,y\n", 4, 3)]
    [InlineData("a,b,label\n1,2,x\n3,4,\"y\n", 3, 3)]
    public void An_unterminated_quote_is_reported_as_one_at_its_line(string text, int line, int column)
    {
        var e = Assert.Throws<DataException>(() => CsvLoader.LoadLabelled(Write("q.csv", text)));
        Assert.Contains("unterminated quote", e.Message, StringComparison.Ordinal);
        Assert.Equal(line, e.Line);
        Assert.Equal(column, e.Column);
    }

    /// <summary>A stream that reads forward only, like a pipe.</summary>
    private sealed class ForwardOnlyStream(byte[] bytes) : Stream
    {
        private int _at;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException(); set
            => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            int n = Math.Min(Math.Min(count, 333), bytes.Length - _at);
            Array.Copy(bytes, _at, buffer, offset, n);
            _at += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
