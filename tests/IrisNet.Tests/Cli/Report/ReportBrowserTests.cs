using System.Globalization;
using Microsoft.Playwright;
using Xunit;

namespace IrisNet.Tests;

/// <summary>
/// irisnet report's pages opened in headless Chromium, checked as a person sees them: curves drawn
/// (pixels of their colour on the canvas), the hover readout, drag-to-zoom, toggles, the log axis,
/// smoothing, no script error and no request off the machine. Screenshots go to the test output folder
/// (report-*.png) for a person to look at.
/// </summary>
[Collection("report")]
public sealed class ReportBrowserTests : IClassFixture<ReportBrowser>
{
    private const string Blue = "#1f77b4", Orange = "#ff7f0e", Green = "#2ca02c", Purple = "#9467bd";

    private readonly ReportRuns _runs;
    private readonly ReportBrowser _browser;

    public ReportBrowserTests(ReportRuns runs, ReportBrowser browser)
    {
        _runs = runs;
        _browser = browser;
    }

    private static string Shot(string name) => Path.Combine(AppContext.BaseDirectory, $"report-{name}.png");

    [SkippableFact]
    public async Task A_run_report_draws_its_curves_offline_without_script_errors()
    {
        ReportBrowser.SkipUnlessInstalled();
        await using OpenReport page = await _browser.Open(_runs.Report("short", _runs.P("short")));
        Assert.True(await page.Pixels("loss", Blue) > 200, "the train loss curve is not drawn");
        Assert.True(await page.Pixels("loss", Orange) > 200, "the test loss curve is not drawn");
        Assert.True(await page.Pixels("accuracy", Blue) > 200, "the train accuracy curve is not drawn");
        Assert.False(await page.Page.IsVisibleAsync("#chart-lr"),
            "a run with a constant learning rate shows an lr chart");
        // The network is really blocked: a request from the page fails, and the page made none of its own.
        bool fetched = await page.Page.EvaluateAsync<bool>(
            "() => fetch('http://127.0.0.1:9/x').then(() => true, () => false)");
        Assert.False(fetched);
        page.Requests.Clear();
        page.Errors.RemoveAll(e => e.Contains("net::ERR_FAILED", StringComparison.Ordinal)); // that fetch's own failure
        page.AssertClean();
        await page.Page.ScreenshotAsync(new PageScreenshotOptions { Path = Shot("run"), FullPage = true });
    }

    [SkippableFact]
    public async Task The_hover_readout_shows_metrics_csv_values_at_the_epoch_under_the_cursor()
    {
        ReportBrowser.SkipUnlessInstalled();
        var metrics = ReportRuns.Metrics(_runs.P("short", "metrics.csv"));
        await using OpenReport page = await _browser.Open(_runs.Report("hover", _runs.P("short")));
        foreach (int epoch in new[] { 1, 137, 300 })
        {
            await page.HoverEpoch("loss", epoch);
            var (shown, values) = await page.Readout("loss");
            Assert.Equal($"epoch {epoch}", shown);
            Assert.Equal(metrics[epoch]["train_loss"], Parse(values["train"]));
            Assert.Equal(metrics[epoch]["test_loss"], Parse(values["test"]));
            // The accuracy chart's cursor follows: its readout is at the same epoch.
            var (accuracyEpoch, accuracy) = await page.Readout("accuracy");
            Assert.Equal($"epoch {epoch}", accuracyEpoch);
            Assert.Equal(metrics[epoch]["train_accuracy"], Parse(accuracy["train"]));
            Assert.Equal(metrics[epoch]["test_accuracy"], Parse(accuracy["test"]));
        }
        await page.Page.ScreenshotAsync(new PageScreenshotOptions { Path = Shot("hover") });
        page.AssertClean();
    }

    [SkippableFact]
    public async Task Dragging_zooms_both_charts_to_the_epochs_dragged_over_and_reset_shows_all()
    {
        ReportBrowser.SkipUnlessInstalled();
        await using OpenReport page = await _browser.Open(_runs.Report("zoom", _runs.P("short")));
        Assert.Equal(new double[] { 1, 300 }, await page.XRange("loss"));
        var (x1, y) = await page.Point("loss", 100);
        var (x2, _) = await page.Point("loss", 200);
        await page.Page.Mouse.MoveAsync(x1, y);
        await page.Page.Mouse.DownAsync();
        await page.Page.Mouse.MoveAsync((x1 + x2) / 2, y, new MouseMoveOptions { Steps = 5 });
        await page.Page.Mouse.MoveAsync(x2, y, new MouseMoveOptions { Steps = 5 });
        await page.Page.Mouse.UpAsync();
        double[] loss = await page.XRange("loss"), accuracy = await page.XRange("accuracy");
        Assert.InRange(loss[0], 99, 101);
        Assert.InRange(loss[1], 199, 201);
        Assert.Equal(loss, accuracy);
        await page.Page.ScreenshotAsync(new PageScreenshotOptions { Path = Shot("zoomed") });
        await page.Page.ClickAsync("#reset-zoom");
        Assert.Equal(new double[] { 1, 300 }, await page.XRange("loss"));
        Assert.Equal(new double[] { 1, 300 }, await page.XRange("accuracy"));
        page.AssertClean();
    }

    [SkippableFact]
    public async Task A_series_toggle_hides_that_series_on_every_chart_and_in_the_readout()
    {
        ReportBrowser.SkipUnlessInstalled();
        await using OpenReport page = await _browser.Open(_runs.Report("toggle", _runs.P("short")));
        await page.Page.UncheckAsync("#kind-toggles input[data-kind=test]");
        Assert.Equal(0, await page.Pixels("loss", Orange));
        Assert.Equal(0, await page.Pixels("accuracy", Orange));
        Assert.True(await page.Pixels("loss", Blue) > 200, "hiding the test curve hid the train curve too");
        await page.HoverEpoch("loss", 50);
        var (_, values) = await page.Readout("loss");
        Assert.Equal(["train"], values.Keys);
        await page.Page.CheckAsync("#kind-toggles input[data-kind=test]");
        Assert.True(await page.Pixels("loss", Orange) > 200, "the test curve did not come back");
        page.AssertClean();
    }

    [SkippableFact]
    public async Task The_log_toggle_puts_the_loss_axis_on_powers_of_ten()
    {
        ReportBrowser.SkipUnlessInstalled();
        await using OpenReport page = await _browser.Open(_runs.Report("log", _runs.P("short")));
        const string ticks =
            "() => { const u = window.irisReport.charts.loss; return [u.scales.y.distr, ...u.axes[1]._splits]; }";
        double[] linear = await page.Page.EvaluateAsync<double[]>(ticks);
        Assert.Equal(1, linear[0]);
        await page.Page.CheckAsync("#log-y");
        double[] log = await page.Page.EvaluateAsync<double[]>(ticks);
        Assert.Equal(3, log[0]);
        // Every tick of a base-10 log axis is a digit times a power of ten, spanning more than one decade.
        double[] splits = log[1..];
        foreach (double t in splits)
        {
            double digit = t / Math.Pow(10, Math.Floor(Math.Log10(t)));
            Assert.Equal(Math.Round(digit), digit, 9);
        }
        Assert.True(splits.Max() / splits.Min() >= 10, "the log axis spans less than a decade: " +
            string.Join(", ", splits));
        Assert.True(await page.Pixels("loss", Blue) > 200, "the curve vanished on the log axis");
        Assert.Equal(1, await page.Page.EvaluateAsync<int>("() => window.irisReport.charts.accuracy.scales.y.distr"));
        await page.Page.CheckAsync("#log-x");
        Assert.Equal(3, await page.Page.EvaluateAsync<int>("() => window.irisReport.charts.loss.scales.x.distr"));
        await page.Page.ScreenshotAsync(new PageScreenshotOptions { Path = Shot("log") });
        page.AssertClean();
    }

    /// <summary>The smoothed curve is TensorBoard's debiased EMA of metrics.csv, computed here by definition.</summary>
    [SkippableFact]
    public async Task Smoothing_draws_the_debiased_moving_average_with_the_raw_curve_faint_behind()
    {
        ReportBrowser.SkipUnlessInstalled();
        var metrics = ReportRuns.Metrics(_runs.P("short", "metrics.csv"));
        await using OpenReport page = await _browser.Open(_runs.Report("smooth", _runs.P("short")));
        await page.Page.Locator("#smoothing").FillAsync("0.9");
        double w = 0.9, average = 0;
        var expected = new List<double>();
        for (int e = 1; e <= 300; e++)
        {
            average = w * average + (1 - w) * metrics[e]["train_loss"];
            expected.Add(average / (1 - Math.Pow(w, e)));
        }
        // Series 1 is the raw train loss (faint), 2 its smoothed curve.
        double[] smoothed = await page.Page.EvaluateAsync<double[]>("() => window.irisReport.charts.loss.data[2]");
        Assert.Equal(300, smoothed.Length);
        for (int i = 0; i < 300; i++) Assert.Equal(expected[i], smoothed[i], 1e-12);
        Assert.True(await page.Page.EvaluateAsync<bool>("() => window.irisReport.charts.loss.series[1].show"),
            "the raw curve is not shown");
        await page.HoverEpoch("loss", 10);
        var (_, values) = await page.Readout("loss");
        Assert.Equal(metrics[10]["train_loss"], Parse(values["train"])); // the readout keeps the recorded value
        Assert.Contains("smoothed " + expected[9].ToString("G6", CultureInfo.InvariantCulture),
            await page.Page.InnerTextAsync("#readout-loss .readout-row[data-kind=train]"));
        await page.Page.ScreenshotAsync(new PageScreenshotOptions { Path = Shot("smoothed") });
        page.AssertClean();
    }

    [SkippableFact]
    public async Task Several_runs_are_overlaid_and_named_by_the_option_in_which_they_differ()
    {
        ReportBrowser.SkipUnlessInstalled();
        await using OpenReport page = await _browser.Open(_runs.Report("compare", _runs.P("short"), _runs.P("slow")));
        Assert.Equal(["lr=0.1", "lr=0.05"], await page.SetLabels());
        // Several runs: a colour per run (blue, orange), a dash per series.
        Assert.True(await page.Pixels("loss", Orange) > 100, "the second run is not drawn");
        await page.Page.UncheckAsync("#set-toggles input[data-set='1']");
        Assert.Equal(0, await page.Pixels("loss", Orange));
        Assert.True(await page.Pixels("loss", Blue) > 100);
        var metrics = ReportRuns.Metrics(_runs.P("slow", "metrics.csv"));
        await page.Page.CheckAsync("#set-toggles input[data-set='1']");
        await page.HoverEpoch("loss", 42);
        var (_, values) = await page.Readout("loss");
        Assert.Equal(metrics[42]["train_loss"], Parse(values["lr=0.05 · train"]));
        await page.Page.ScreenshotAsync(new PageScreenshotOptions { Path = Shot("compare"), FullPage = true });
        page.AssertClean();
    }

    [SkippableFact]
    public async Task A_validation_run_draws_its_validation_curves()
    {
        ReportBrowser.SkipUnlessInstalled();
        var metrics = ReportRuns.Metrics(_runs.P("val", "metrics.csv"));
        await using OpenReport page = await _browser.Open(_runs.Report("val", _runs.P("val")));
        Assert.True(await page.Pixels("loss", Green) > 200, "the validation loss curve is not drawn");
        await page.HoverEpoch("accuracy", 77);
        var (_, values) = await page.Readout("accuracy");
        Assert.Equal(metrics[77]["val_accuracy"], Parse(values["validation"]));
        page.AssertClean();
    }

    [SkippableFact]
    public async Task Hostile_class_and_option_names_stay_text_and_run_no_script()
    {
        ReportBrowser.SkipUnlessInstalled();
        // Two copies of the hostile run whose summary.json gives an option a value that closes a script element.
        string a = _runs.P("hostile-a"), b = _runs.P("hostile-b");
        foreach (var (dir, value) in new[] { (a, "</script><script>alert(2)</script>\u2028x"), (b, "plain") })
        {
            if (Directory.Exists(dir)) continue;
            Directory.CreateDirectory(dir);
            foreach (string f in Directory.GetFiles(_runs.P("hostile")))
                File.Copy(f, Path.Combine(dir, Path.GetFileName(f)));
            string summary = File.ReadAllText(Path.Combine(dir, "summary.json"));
            File.WriteAllText(Path.Combine(dir, "summary.json"), summary.Replace("\"activation\": \"identity\"",
                "\"activation\": " + System.Text.Json.JsonSerializer.Serialize(value)));
        }
        string[] reports = [_runs.Report("hostile", _runs.P("hostile")), _runs.Report("hostile-pair", a, b)];
        foreach (string html in reports)
        {
            await using OpenReport page = await _browser.Open(html);
            page.AssertClean(); // no alert dialog, no script error
            string cells = string.Join("\n", await page.Page.Locator("table th, table td").AllTextContentsAsync());
            foreach (string c in ReportRuns.HostileClasses.Select(c => c.Replace("\u2028", "")))
                Assert.Contains(c, cells.Replace("\u2028", ""), StringComparison.Ordinal);
            Assert.Equal(0, await page.Page.Locator("table script, table b").CountAsync());
        }
        await using OpenReport pair = await _browser.Open(_runs.P("hostile-pair.html"));
        string label = await pair.Page.Locator("#set-toggles label").First.TextContentAsync() ?? "";
        Assert.Equal("activation=</script><script>alert(2)</script>\u2028x", label);
        await pair.Page.ScreenshotAsync(new PageScreenshotOptions { Path = Shot("hostile"), FullPage = true });
    }

    [SkippableFact]
    public async Task A_cv_report_draws_the_mean_and_each_fold()
    {
        ReportBrowser.SkipUnlessInstalled();
        await using OpenReport page = await _browser.Open(_runs.Report("cv", _runs.P("cv")));
        Assert.Equal(["mean over 3 folds", "repeat 1 fold 1", "repeat 1 fold 2", "repeat 1 fold 3"],
            await page.SetLabels());
        // The mean curve's held-out loss at an epoch is the mean of the folds' values in folds.csv.
        var folds = File.ReadAllLines(_runs.P("cv", "folds.csv")).Skip(1).Select(l => l.Split(','))
            .Where(f => f[2] == "60").Select(f => double.Parse(f[5], CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(3, folds.Length);
        await page.HoverEpoch("loss", 60);
        var (_, values) = await page.Readout("loss");
        Assert.Equal(folds.Sum() / 3, Parse(values["mean over 3 folds · held-out"]), 1e-15);
        Assert.True(await page.Pixels("loss", Blue) > 100);
        await page.Page.ScreenshotAsync(new PageScreenshotOptions { Path = Shot("cv"), FullPage = true });
        page.AssertClean();
    }

    [SkippableFact]
    public async Task A_sweep_leaderboard_sorts_and_selecting_a_configuration_draws_its_curves()
    {
        ReportBrowser.SkipUnlessInstalled();
        await using OpenReport page = await _browser.Open(_runs.Report("sweep", ReportRuns.Fixture("sweep")));
        async Task<string[]> Configs() =>
            (await page.Page.Locator("#leaderboard tbody tr td:nth-child(2)").AllInnerTextsAsync()).ToArray();
        Assert.Equal(["c2", "c1", "c3"], await Configs()); // by rank
        await page.Page.ClickAsync("#leaderboard thead th:has-text('held-out loss')");
        Assert.Equal(["c2", "c1", "c3"], await Configs()); // ascending loss
        await page.Page.ClickAsync("#leaderboard thead th:has-text('held-out loss')");
        Assert.Equal(["c3", "c1", "c2"], await Configs()); // descending
        await page.Page.ClickAsync("#leaderboard thead th:has-text('activation')");
        Assert.Equal(["c2", "c3", "c1"], await Configs()); // identity, relu, tanh
        // Rank 1 is drawn first; a click on c3 draws c3 alone; its held-out loss is the mean of its folds.
        await page.HoverEpoch("loss", 5);
        Assert.Contains("held-out", (await page.Readout("loss")).Values.Keys);
        await page.Page.ClickAsync("#leaderboard tbody tr:has(td:text-is('c3'))");
        var expected = File.ReadAllLines(Path.Combine(ReportRuns.Fixture("sweep"), "folds.csv")).Skip(1)
            .Select(l => l.Split(',')).Where(f => f[0] == "c3" && f[3] == "5")
            .Select(f => double.Parse(f[6], CultureInfo.InvariantCulture)).ToArray();
        await page.HoverEpoch("loss", 5);
        var (epoch, values) = await page.Readout("loss");
        Assert.Equal("epoch 5", epoch);
        Assert.Equal(expected.Sum() / expected.Length, Parse(values["held-out"]), 1e-15);
        const string c3 = "#leaderboard tbody tr:has(td:text-is('c3'))";
        Assert.Equal("true", await page.Page.GetAttributeAsync(c3, "aria-selected"));
        // Ctrl-click adds a configuration: two are drawn, each named.
        await page.Page.ClickAsync("#leaderboard tbody tr:has(td:text-is('c1'))",
            new PageClickOptions { Modifiers = [KeyboardModifier.Control] });
        await page.HoverEpoch("loss", 5);
        var (_, both) = await page.Readout("loss");
        Assert.Contains("c1 (rank 2) · held-out", both.Keys);
        Assert.Contains("c3 (rank 3) · held-out", both.Keys);
        await page.Page.ScreenshotAsync(new PageScreenshotOptions { Path = Shot("sweep"), FullPage = true });
        page.AssertClean();
    }

    [SkippableFact]
    public async Task A_learning_rate_column_gets_its_own_chart()
    {
        ReportBrowser.SkipUnlessInstalled();
        var metrics = ReportRuns.Metrics(Path.Combine(ReportRuns.Fixture("lr-run"), "metrics.csv"));
        await using OpenReport page = await _browser.Open(_runs.Report("lr", ReportRuns.Fixture("lr-run")));
        Assert.True(await page.Page.IsVisibleAsync("#chart-lr"));
        Assert.True(await page.Pixels("lr", Purple) > 100, "the learning-rate curve is not drawn");
        await page.HoverEpoch("lr", 31);
        var (epoch, values) = await page.Readout("lr");
        Assert.Equal("epoch 31", epoch);
        Assert.Equal(metrics[31]["lr"], Parse(values["learning rate"]));
        await page.Page.ScreenshotAsync(new PageScreenshotOptions { Path = Shot("lr"), FullPage = true });
        page.AssertClean();
    }

    /// <summary>A run longer than the series keeps row by row: the page carries the bounded rows, drawn.</summary>
    [SkippableFact]
    public async Task A_long_run_carries_the_bounded_rows_and_draws_them()
    {
        ReportBrowser.SkipUnlessInstalled();
        string dir = _runs.P("long");
        Directory.CreateDirectory(dir);
        using (var w = new StreamWriter(Path.Combine(dir, "metrics.csv")))
        {
            w.Write("epoch,train_loss,train_accuracy,test_loss,test_accuracy\n");
            for (int e = 1; e <= 100_000; e++)
            {
                double loss = 0.05 + Math.Exp(-e / 5000.0) + (e == 77_777 ? 3 : 0); // one spike the buckets must keep
                w.Write(string.Create(CultureInfo.InvariantCulture,
                    $"{e},{loss},{1 - loss / 4},{loss + 0.5},{0.8 - loss / 5}\n"));
            }
        }
        await using OpenReport page = await _browser.Open(_runs.Report("long", dir));
        await page.Page.ScreenshotAsync(new PageScreenshotOptions { Path = Shot("long") });
        int rows = await page.Page.EvaluateAsync<int>("() => window.irisReport.meta.sets[0].rows");
        Assert.InRange(rows, 2048, 512 + 2 * 2048 + 1);
        Assert.Equal(new double[] { 1, 100_000 }, await page.XRange("loss"));
        double top = await page.Page.EvaluateAsync<double>(
            "() => Math.max(...window.irisReport.series.sets[0].train_loss)");
        Assert.Equal(3.05 + Math.Exp(-77_777 / 5000.0), top, 1e-12);
        Assert.True(await page.Pixels("loss", Blue) > 200);
        Assert.Contains("100000 epochs are drawn from", await page.Page.InnerTextAsync("#curves"));
        page.AssertClean();
    }

    private static double Parse(string text) => double.Parse(text, CultureInfo.InvariantCulture);
}
