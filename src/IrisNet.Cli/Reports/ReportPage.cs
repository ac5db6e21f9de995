using System.Text;

namespace IrisNet.Cli.Reports;

/// <summary>What one page shows: its curve sets and the sections around the charts (<see cref="Html"/>).</summary>
/// <param name="Kind">run, runs, cv or sweep.</param>
/// <param name="Title">The page's heading.</param>
/// <param name="Subtitle">A line under the heading (markup).</param>
/// <param name="TestName">What the test columns hold: "test" for a run, "held-out" for cross-validation.</param>
/// <param name="Sets">The curve sets drawn, in the order the page lists them.</param>
/// <param name="Before">Sections before the charts (a sweep's leaderboard).</param>
/// <param name="After">Sections after the charts (tables and pictures).</param>
internal sealed record ReportContent(string Kind, string Title, string Subtitle, string TestName,
    IReadOnlyList<CurveSet> Sets, string Before, string After);

/// <summary>
/// The self-contained HTML file: every style and script inline (the vendored uPlot and the page's own),
/// the names as JSON and the numbers as gzip'd JSON in script elements; nothing is loaded from anywhere.
/// </summary>
internal static class ReportPage
{
    public static string Build(ReportContent c)
    {
        var b = new StringBuilder(1 << 18);
        b.Append("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<meta name=\"generator\" content=\"irisnet ").Append(Html.Encode(Program.Version)).Append("\">\n")
            .Append("<title>").Append(Html.Encode(c.Title)).Append("</title>\n")
            .Append("<style>").Append(PageAssets.UPlotStyle).Append("</style>\n")
            .Append("<style>").Append(PageAssets.PageStyle).Append("</style>\n")
            .Append("</head>\n<body>\n<header><h1>").Append(Html.Encode(c.Title)).Append("</h1>\n")
            .Append("<p class=\"sub\">").Append(c.Subtitle).Append("</p></header>\n")
            .Append("<div id=\"report-error\" role=\"alert\" hidden></div>\n")
            .Append("<noscript><p>The charts need JavaScript; the tables below do not.</p></noscript>\n")
            .Append(c.Before)
            .Append(Curves(c))
            .Append(c.After)
            .Append("<footer>Written by irisnet ").Append(Html.Encode(Program.Version))
            .Append(" report. Charts drawn with uPlot 1.6.32 (MIT licence, in this file). Drag on a chart to zoom, ")
            .Append("double-click or \"reset zoom\" to see every epoch.</footer>\n")
            .Append("<script type=\"application/json\" id=\"report-meta\">")
            .Append(PageData.Meta(c.Kind, c.Title, c.TestName, c.Sets)).Append("</script>\n")
            .Append("<script type=\"text/plain\" id=\"report-series\">").Append(PageData.Series(c.Sets))
            .Append("</script>\n")
            .Append("<script>/*! uPlot 1.6.32, https://github.com/leeoniya/uPlot\n")
            .Append(PageAssets.UPlotLicence.Replace("*/", "* /")).Append("\n*/\n")
            .Append(PageAssets.UPlotScript).Append("</script>\n")
            .Append("<script>").Append(PageAssets.PageScript).Append("</script>\n")
            .Append("</body>\n</html>\n");
        return b.ToString();
    }

    private static string Curves(ReportContent c)
    {
        int epochs = c.Sets.Count == 0 ? 0 : c.Sets.Max(s => s.Rows.Count == 0 ? 0 : s.Rows[^1].Epoch);
        int rows = c.Sets.Count == 0 ? 0 : c.Sets.Max(s => s.Rows.Count);
        var h = new Html();
        h.Raw("<section id=\"curves\"><h2>Loss and accuracy</h2>\n<div class=\"controls\">")
            .Raw("<label>smoothing ")
            .Raw("<input type=\"range\" id=\"smoothing\" min=\"0\" max=\"0.999\" step=\"0.001\" value=\"0\"> ")
            .Raw("<output id=\"smoothing-value\">0.000</output></label>")
            .Raw("<label><input type=\"checkbox\" id=\"log-x\"> log epoch axis</label>")
            .Raw("<label><input type=\"checkbox\" id=\"log-y\"> log loss axis</label>")
            .Raw("<button type=\"button\" id=\"reset-zoom\">reset zoom</button>")
            .Raw("<fieldset id=\"kind-toggles\"><legend>series</legend></fieldset>")
            .Raw("<fieldset id=\"set-toggles\"><legend>").Text(c.Kind == "cv" ? "curves" : "runs")
            .Raw("</legend></fieldset>")
            .Raw("</div>\n");
        if (rows < epochs)
        {
            h.Raw("<p class=\"note\">").Text($"{SummaryJson.I(epochs)} epochs are drawn from {SummaryJson.I(rows)} " +
                "rows: every one of the first epochs, then the lowest and highest value of each column in each " +
                "run of consecutive epochs, and the last epoch (the rows the PNGs are drawn from). A readout in " +
                "that part shows a bucket's extreme, at its first or last epoch.").Raw("</p>\n");
        }
        h.Raw("<p class=\"note\">Smoothing is TensorBoard's: an exponential moving average over the rows, debiased, " +
            "with the raw curve faint behind it.</p>\n");
        foreach (string key in new[] { "loss", "accuracy", "lr" })
        {
            h.Raw($"<div class=\"chart\" id=\"chart-{key}\"></div>")
                .Raw($"<div class=\"readout\" id=\"readout-{key}\"></div>\n");
        }
        return h.Raw("</section>\n").ToString();
    }
}
