using System.Text;

namespace IrisNet.Tests;

public sealed class DataTests() : TempDirectoryTest("data")
{
    private string Write(string text, string name = "d.csv")
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllText(path, text, new UTF8Encoding(false));
        return path;
    }

    private DataException Fails(string text) => Assert.Throws<DataException>(() => CsvLoader.LoadLabelled(Write(text)));

    [Fact]
    public void Iris_loads_with_three_classes_in_ordinal_order()
    {
        Dataset iris = Repo.Iris();
        Assert.Equal(150, iris.Count);
        Assert.Equal(["sepal_length", "sepal_width", "petal_length", "petal_width"], iris.FeatureNames);
        Assert.Equal(["setosa", "versicolor", "virginica"], iris.ClassNames);
        Assert.Equal(50, iris.Labels.Count(l => l == 1));
        Assert.Equal(5.1, iris.Features[0][0]);
    }

    [Fact]
    public void Bom_crlf_quotes_blank_lines_and_a_named_label_column_are_accepted()
    {
        string text = "\uFEFFkind,\"x\",y\r\nb,\"1.5\",2\r\na,3,-4e-1\r\n\r\nb,5,6\r\n\r\n";
        Dataset d = CsvLoader.LoadLabelled(Write(text), "kind");
        Assert.Equal(["x", "y"], d.FeatureNames);
        Assert.Equal(["a", "b"], d.ClassNames);
        Assert.Equal([1, 0, 1], d.Labels);
        Assert.Equal(-0.4, d.Features[1][1]);
    }

    [Theory]
    [InlineData("a,b,label\n1,2,x\n3,4\n", 3, 0, "2 field(s)")]
    [InlineData("a,b,label\n1,2,x\n3,4,y,5\n", 3, 0, "decimal commas")]
    [InlineData("a,b,label\n1,2,x\n3,abc,y\n", 3, 2, "not a number")]
    [InlineData("a,b,label\n1,NaN,x\n", 2, 2, "NaN")]
    [InlineData("a,b,label\n1,Infinity,x\n", 2, 2, "finite")]
    [InlineData("a,b,label\n1,-Infinity,x\n", 2, 2, "finite")]
    [InlineData("a,b,label\n1,1e999,x\n", 2, 2, "beyond the range")]
    [InlineData("a,b,label\n1,,x\n", 2, 2, "empty")]
    [InlineData("a,b,label\n\"1,5\",2,x\n", 2, 1, "5.1, not 5,1")]
    [InlineData("a,a,label\n1,2,x\n", 1, 2, "twice")]
    [InlineData("a,b,label\n1,2,\n", 2, 3, "label")]
    public void Bad_rows_name_the_line_and_column(string text, int line, int column, string hint)
    {
        DataException e = Fails(text);
        Assert.Equal(line, e.Line);
        Assert.Equal(column, e.Column);
        Assert.Contains(hint, e.Message, StringComparison.Ordinal);
        Assert.StartsWith(Path.Combine(_dir, "d.csv") + ":" + line, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Empty_header_only_missing_directory_binary_and_huge_lines_are_errors()
    {
        Assert.Contains("empty", Fails("").Message, StringComparison.Ordinal);
        Assert.Contains("no data rows", Fails("a,b,label\n").Message, StringComparison.Ordinal);
        Assert.Contains("not found", Assert.Throws<DataException>(() => CsvLoader.LoadLabelled(Path.Combine(_dir,
            "missing.csv"))).Message, StringComparison.Ordinal);
        Assert.Contains("directory", Assert.Throws<DataException>(() => CsvLoader.LoadLabelled(_dir)).Message,
            StringComparison.Ordinal);
        string binary = Path.Combine(_dir, "b.csv");
        File.WriteAllBytes(binary, [0x50, 0x4B, 0x03, 0x04, 0x00, 0x00, 0xFF, 0xFE]);
        Assert.Contains("binary", Assert.Throws<DataException>(() => CsvLoader.LoadLabelled(binary)).Message,
            StringComparison.Ordinal);
        DataException longLine = Fails("a,b,label\n1," + new string('7', 10_000_000) + ",x\n");
        Assert.Equal(2, longLine.Line);
        Assert.Contains("longer than", longLine.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_label_column_lists_the_columns()
    {
        var e = Assert.Throws<DataException>(() => CsvLoader.LoadLabelled(Write("a,b,label\n1,2,x\n"), "species"));
        Assert.Contains("a, b, label", e.Message, StringComparison.Ordinal);
        Assert.Contains("--label", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Loading_for_a_model_maps_features_by_name_and_rejects_unknown_labels()
    {
        string path = Write("petal,label,sepal\n1,x,2\n3,y,4\n");
        Dataset d = CsvLoader.LoadForModel(path, ["sepal", "petal"], ["x", "y"], "label");
        Assert.Equal([2.0, 1.0], d.Features[0]);
        var unknown = Assert.Throws<DataException>(() => CsvLoader.LoadForModel(path, ["sepal", "petal"], ["x", "z"],
            "label"));
        Assert.Equal(3, unknown.Line);
        var missing = Assert.Throws<DataException>(() => CsvLoader.LoadFeatures(path, ["sepal", "width"]));
        Assert.Contains("'width'", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Stratified_split_keeps_class_proportions_and_is_seeded()
    {
        Dataset iris = Repo.Iris();
        var (train, test) = iris.SplitStratified(0.2, 7);
        Assert.Equal(120, train.Count);
        Assert.Equal(30, test!.Count);
        for (int c = 0; c < 3; c++) Assert.Equal(10, test.Labels.Count(l => l == c));
        var (_, again) = iris.SplitStratified(0.2, 7);
        var (_, other) = iris.SplitStratified(0.2, 8);
        Assert.Equal(test.Features, again!.Features);
        Assert.NotEqual(test.Features, other!.Features);
        var (all, none) = iris.SplitStratified(0, 7);
        Assert.Same(iris, all);
        Assert.Null(none);
    }

    [Fact]
    public void A_class_too_small_for_the_split_is_an_error()
    {
        Dataset d = CsvLoader.LoadLabelled(Write("a,label\n1,x\n2,x\n3,x\n4,x\n5,y\n"));
        var e = Assert.Throws<DataException>(() => d.SplitStratified(0.2, 1));
        Assert.Contains("'y'", e.Message, StringComparison.Ordinal);
        Assert.Throws<OptionException>(() => d.SplitStratified(1.0, 1));
    }

    [Fact]
    public void Standardization_uses_the_population_deviation_of_the_training_rows()
    {
        var d = new Dataset(["a", "b"], ["x"], [[1, 5], [3, 5]], [0, 0]);
        Standardization st = Standardization.Fit(d);
        Assert.Equal(2.0, st.Mean[0]);
        Assert.Equal(1.0, st.Scale[0]);          // sqrt(((1-2)² + (3-2)²) / 2)
        Assert.Equal(1.0, st.Scale[1]);          // constant feature: divided by 1
        Assert.Equal(-1.0, st.Apply(1, 0));
    }
}
