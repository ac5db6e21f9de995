using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace IrisNet.Tests;

/// <summary>irisnet sweep end to end: its files in the shapes `report` reads, the honest test score, bad input, Ctrl+C
/// and --resume.</summary>
public sealed class SweepCommandTests() : TempDirectoryTest("sweep")
{
    private static readonly string[] Grid = ["sweep", "--lr", "0.1,1", "--hidden", "4,8", "--epochs", "150", "--folds",
        "3"];

    [Fact]
    public void A_grid_writes_its_leaderboard_folds_summary_model_and_heatmap_and_report_reads_them()
    {
        Ok([.. Grid, "--out", P("g")]);
        string[] board = File.ReadAllLines(P("g", "leaderboard.csv"));
        Assert.Equal("rank,config,hidden,lr,heldout_accuracy_mean,heldout_accuracy_sd,heldout_loss_mean,heldout_loss_sd,fit_seconds",
            board[0]);
        Assert.Equal(4, board.Length - 1);
        Assert.Equal(["c1", "c2", "c3", "c4"], board.Skip(1).Select(l => l.Split(',')[1]).Order());
        // Every configuration has 3 folds × 150 epochs in folds.csv, its held-out accuracy at the last epoch averaging
        // to the leaderboard's.
        string[] folds = File.ReadAllLines(P("g", "folds.csv"));
        Assert.Equal("config,repeat,fold,epoch,train_loss,train_accuracy,heldout_loss,heldout_accuracy", folds[0]);
        Assert.Equal(4 * 3 * 150, folds.Length - 1);
        foreach (string row in board.Skip(1))
        {
            string[] f = row.Split(',');
            double[] last = folds.Skip(1).Select(l => l.Split(',')).Where(c => c[0] == f[1] && c[3] == "150")
                .Select(c => double.Parse(c[7], CultureInfo.InvariantCulture)).ToArray();
            Assert.Equal(3, last.Length);
            Assert.Equal(CrossValidation.MeanAndSd(last).Mean, double.Parse(f[4], CultureInfo.InvariantCulture));
        }
        using JsonDocument summary = JsonDocument.Parse(File.ReadAllText(P("g", "summary.json")));
        JsonElement best = summary.RootElement.GetProperty("best");
        Assert.Equal("completed", summary.RootElement.GetProperty("status").GetString());
        Assert.Equal(board[1].Split(',')[1], best.GetProperty("config").GetString());
        Assert.InRange(best.GetProperty("test_accuracy").GetDouble(), 0, 1);
        Assert.Equal(30, best.GetProperty("test_rows").GetInt32());
        Assert.Equal((900, 540), Png.Size(P("g", "sweep.png")));
        Ok("report", P("g"));
        Assert.True(File.Exists(P("g", "report.html")));

        // The best configuration retrained on the training rows only is the model train makes with its options.
        string hidden = best.GetProperty("options").GetProperty("hidden").GetString()!;
        string lr = best.GetProperty("options").GetProperty("lr").GetString()!;
        Ok("train", "--hidden", hidden, "--lr", lr, "--epochs", "150", "--out", P("t"), "--quiet");
        Assert.Equal(File.ReadAllBytes(P("t", "model.json")), File.ReadAllBytes(P("g", "model.json")));
    }

    [Fact]
    public void A_random_search_is_the_same_for_the_same_seed_and_draws_inside_its_ranges()
    {
        string[] args = ["sweep", "--trials", "6", "--lr", "1e-3:1", "--hidden", "2:9", "--activation", "tanh,relu",
            "--epochs", "20"];
        Ok([.. args, "--out", P("a"), "--threads", "1"]);
        Ok([.. args, "--out", P("b"), "--threads", "2"]);
        string[] a = File.ReadAllLines(P("a", "leaderboard.csv")), b = File.ReadAllLines(P("b", "leaderboard.csv"));
        Assert.Equal(a.Select(l => l[..l.LastIndexOf(',')]), b.Select(l => l[..l.LastIndexOf(',')]));
        Assert.Equal(File.ReadAllBytes(P("a", "folds.csv")), File.ReadAllBytes(P("b", "folds.csv")));
        Assert.Equal(7, a.Length);
        foreach (string[] f in a.Skip(1).Select(l => l.Split(',')))
        {
            Assert.InRange(int.Parse(f[2], CultureInfo.InvariantCulture), 2, 9);
            Assert.Contains(f[3], new[] { "tanh", "relu" });
            Assert.InRange(double.Parse(f[4], CultureInfo.InvariantCulture), 1e-3, 1);
        }
    }

    [Theory]
    [InlineData("--lr ,", "--lr: ',' has an empty value")]
    [InlineData("--lr 0.1,x", "--lr: in '0.1,x', 'x' is not a number")]
    [InlineData("--activation tanh,sigmoid", "'sigmoid' is not one of identity, tanh, relu")]
    [InlineData("--trials 3 --lr 1:0.1", "the low end 1 exceeds the high end 0.1")]
    [InlineData("--trials 3 --l2 0:1e-2", "through zero")]
    [InlineData("--trials 3 --hidden 4,8", "--trials: a random search draws from ranges, and none is given")]
    [InlineData("--lr 1e-3:1", "add --trials N")]
    [InlineData("--hidden 1,2,3,4,5,6,7,8,9,10,11 --lr 1,2,3,4,5,6,7,8,9,10 --epochs 1,2,3,4,5,6,7,8,9,10",
        "the grid has 1,100 configurations (11 --hidden × 10 --lr × 10 --epochs), more than the limit of 1,000; "
        + "shorten the lists, or raise the limit with --max-configs 1100.")]
    public void Bad_input_is_one_line_and_exit_2_and_writes_nothing(string args, string expected)
    {
        Cli.Result r = Cli.Run(_dir, ["sweep", .. args.Split(' '), "--out", P("bad")]);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(expected, r.Stderr, StringComparison.Ordinal);
        Assert.Single(r.Stderr.TrimEnd('\n').Split('\n'));
        Assert.False(Directory.Exists(P("bad")));
    }

    [Fact]
    public async Task Ctrl_C_keeps_the_completed_configurations_and_resume_finishes_them_as_one_run_would()
    {
        string[] args = ["sweep", "--lr", "0.1,0.3,1", "--hidden", "4,8", "--epochs", "30000", "--threads", "1"];
        using (Process p = Cli.Start(_dir, [.. args, "--out", P("i")]))
        {
            Task<string> stderr = p.StandardError.ReadToEndAsync();
            string? line = await p.StandardOutput.ReadLineAsync();
            Assert.StartsWith("1/6 c1 ", line, StringComparison.Ordinal);
            using (var kill = Process.Start("kill", ["-INT", p.Id.ToString(CultureInfo.InvariantCulture)])!)
                kill.WaitForExit();
            await p.StandardOutput.ReadToEndAsync();
            Assert.True(p.WaitForExit(TimeSpan.FromMinutes(1)));
            Assert.Equal(130, p.ExitCode);
            Assert.Contains("irisnet sweep --resume", await stderr, StringComparison.Ordinal);
        }
        int kept = File.ReadAllLines(P("i", "leaderboard.csv")).Length - 1;
        Assert.InRange(kept, 1, 5);
        Assert.Contains("\"status\": \"interrupted\"", File.ReadAllText(P("i", "summary.json")),
            StringComparison.Ordinal);
        Assert.False(File.Exists(P("i", "model.json")));
        Assert.Empty(Directory.GetFiles(P("i"), ".*"));

        Ok("sweep", "--resume", P("i"), "--quiet");
        Ok([.. args, "--out", P("whole"), "--quiet"]);
        static string[] Scores(string dir) => File.ReadAllLines(Path.Combine(dir,
            "leaderboard.csv")).Select(l => l[..l.LastIndexOf(',')]).ToArray();
        Assert.Equal(Scores(P("whole")), Scores(P("i")));
        Assert.Equal(File.ReadAllLines(P("whole", "folds.csv")).Order(), File.ReadAllLines(P("i",
            "folds.csv")).Order());
        Assert.Equal(File.ReadAllBytes(P("whole", "model.json")), File.ReadAllBytes(P("i", "model.json")));
        Cli.Result again = Cli.Run(_dir, "sweep", "--resume", P("i"));
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("nothing to resume", again.Stderr, StringComparison.Ordinal);
    }
}
