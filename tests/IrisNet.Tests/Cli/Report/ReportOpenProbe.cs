using System.Globalization;
using Xunit;
using Xunit.Abstractions;

namespace IrisNet.Tests;

/// <summary>
/// Not a test: a measurement run by hand. With IRISNET_REPORT_PROBE=FILE.html (and optionally
/// IRISNET_REPORT_PROBE_RUNS=N, default 10) it opens the report N times in headless chromium, each in a new
/// page, and prints the milliseconds from the start of navigation to the charts drawn (the page's
/// data-drawn-ms, taken from performance.now() when every chart has drawn). It asserts only that the page
/// drew; the figures are for docs/report.md, measured on whatever else the machine is doing.
/// </summary>
public sealed class ReportOpenProbe : IClassFixture<ReportBrowser>
{
    private readonly ReportBrowser _browser;
    private readonly ITestOutputHelper _output;

    public ReportOpenProbe(ReportBrowser browser, ITestOutputHelper output) => (_browser, _output) = (browser, output);

    [SkippableFact]
    public async Task Time_from_navigation_to_charts_drawn()
    {
        string? html = Environment.GetEnvironmentVariable("IRISNET_REPORT_PROBE");
        Skip.If(string.IsNullOrEmpty(html), "a measurement: set IRISNET_REPORT_PROBE=FILE.html to run it");
        ReportBrowser.SkipUnlessInstalled();
        int runs = int.TryParse(Environment.GetEnvironmentVariable("IRISNET_REPORT_PROBE_RUNS"), out int n) ? n : 10;
        var times = new List<double>();
        for (int i = 0; i < runs; i++)
        {
            await using OpenReport page = await _browser.Open(Path.GetFullPath(html));
            string? drawn = await page.Page.GetAttributeAsync("html", "data-drawn-ms");
            Assert.NotNull(drawn);
            times.Add(double.Parse(drawn, CultureInfo.InvariantCulture));
            page.AssertClean();
        }
        string line = string.Create(CultureInfo.InvariantCulture,
            $"{html}: {new FileInfo(html).Length} bytes; navigation to charts drawn, ms, {runs} opens: " +
            $"{string.Join(", ", times.Select(t => t.ToString("F0", CultureInfo.InvariantCulture)))}; " +
            $"first {times[0]:F0}, median {times.Order().ElementAt(times.Count / 2):F0}, max {times.Max():F0}");
        _output.WriteLine(line);
        File.AppendAllText(Path.Combine(Path.GetTempPath(), "irisnet-report-probe.txt"), line + "\n");
    }
}
