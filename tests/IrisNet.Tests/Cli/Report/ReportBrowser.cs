using Microsoft.Playwright;
using Xunit;

namespace IrisNet.Tests;

/// <summary>
/// Debian's chromium, headless, driven by Playwright (its own browser download is never used): one
/// browser with a fresh profile per test class, every request that is not file:// aborted, and each
/// page's console errors, uncaught exceptions, dialogs and attempted requests recorded.
/// </summary>
public sealed class ReportBrowser : IAsyncLifetime
{
    public const string Chromium = "/usr/bin/chromium";

    private readonly string _profile =
        Path.Combine(Path.GetTempPath(), "irisnet-chromium-" + Guid.NewGuid().ToString("N"));
    private IPlaywright? _playwright;
    private IBrowserContext? _context;

    /// <summary>Skips the test without chromium, unless IRISNET_REQUIRE_BROWSER is set (as .ci/run does).</summary>
    public static void SkipUnlessInstalled()
    {
        bool required = Environment.GetEnvironmentVariable("IRISNET_REQUIRE_BROWSER") is { Length: > 0 } and not "0";
        if (!File.Exists(Chromium) && required)
            Assert.Fail($"{Chromium} is missing and IRISNET_REQUIRE_BROWSER is set: apt-get install chromium.");
        Skip.IfNot(File.Exists(Chromium),
            $"{Chromium} is not installed (apt-get install chromium); the report's browser tests need it.");
    }

    public async Task InitializeAsync()
    {
        if (!File.Exists(Chromium)) return;
        _playwright = await Playwright.CreateAsync();
        var options = new BrowserTypeLaunchPersistentContextOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run"],
            ViewportSize = new ViewportSize { Width = 1200, Height = 900 },
        };
        _context = await _playwright.Chromium.LaunchPersistentContextAsync(_profile, options);
        await _context.RouteAsync("**/*", route =>
            route.Request.Url.StartsWith("file:", StringComparison.Ordinal)
                ? route.ContinueAsync() : route.AbortAsync());
    }

    public async Task DisposeAsync()
    {
        if (_context is not null) await _context.CloseAsync();
        _playwright?.Dispose();
        try
        {
            Directory.Delete(_profile, recursive: true);
        }
        catch (IOException)
        {
            // chromium may still be writing its profile as it exits; the folder is in the temporary directory
        }
    }

    /// <summary>Opens the report and waits until its charts are drawn (the page sets html's data-drawn).</summary>
    public async Task<OpenReport> Open(string htmlPath)
    {
        var page = new OpenReport(await _context!.NewPageAsync());
        await page.Page.GotoAsync(new Uri(htmlPath).AbsoluteUri);
        await page.Page.WaitForSelectorAsync("html[data-drawn]", new PageWaitForSelectorOptions { Timeout = 15_000 });
        return page;
    }
}

/// <summary>An open report and what it did: errors, dialogs, requests other than file://.</summary>
public sealed class OpenReport : IAsyncDisposable
{
    public OpenReport(IPage page)
    {
        Page = page;
        page.Console += (_, m) => { if (m.Type == "error") Errors.Add("console error: " + m.Text); };
        page.PageError += (_, e) => Errors.Add("page error: " + e);
        page.Dialog += (_, d) =>
        {
            Errors.Add("dialog: " + d.Message);
            _ = d.DismissAsync();
        };
        page.Request += (_, r) =>
        {
            bool local = r.Url.StartsWith("file:", StringComparison.Ordinal)
                || r.Url.StartsWith("data:", StringComparison.Ordinal);
            if (!local) Requests.Add(r.Url);
        };
    }

    public IPage Page { get; }

    public List<string> Errors { get; } = [];

    public List<string> Requests { get; } = [];

    public void AssertClean()
    {
        Assert.True(Errors.Count == 0, "the page reported: " + string.Join(" | ", Errors));
        Assert.True(Requests.Count == 0, "the page asked the network for: " + string.Join(", ", Requests));
    }

    /// <summary>Pixels of the chart's canvas within a small distance of a colour ("#rrggbb"), as drawn.</summary>
    public Task<int> Pixels(string chart, string color) => Page.EvaluateAsync<int>(@"([chart, color]) => {
        const canvas = document.querySelector('#chart-' + chart + ' canvas');
        const ctx = canvas.getContext('2d');
        const d = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
        const [r, g, b] = [1, 3, 5].map(i => parseInt(color.slice(i, i + 2), 16));
        let n = 0;
        for (let i = 0; i < d.length; i += 4) {
            const near = Math.abs(d[i] - r) < 24 && Math.abs(d[i + 1] - g) < 24 && Math.abs(d[i + 2] - b) < 24;
            if (d[i + 3] > 200 && near) n++;
        }
        return n;
    }", new[] { chart, color });

    /// <summary>Moves the mouse over a chart at an epoch (the x pixel from the chart's scale), halfway up.</summary>
    public async Task HoverEpoch(string chart, double epoch)
    {
        var (x, y) = await Point(chart, epoch);
        await Page.Mouse.MoveAsync(x, y);
    }

    /// <summary>Scrolls the chart into view; the page coordinates of an epoch on it, inside its plot area.</summary>
    public async Task<(float X, float Y)> Point(string chart, double epoch)
    {
        float[] p = await Page.EvaluateAsync<float[]>(@"([chart, epoch]) => {
            const u = window.irisReport.charts[chart];
            u.root.scrollIntoView({ block: 'center' });
            const r = u.over.getBoundingClientRect();
            const x = Math.min(Math.max(r.left + u.valToPos(epoch, 'x'), r.left + 0.5), r.right - 0.5);
            return [x, r.top + r.height / 2];
        }", new object[] { chart, epoch });
        return (p[0], p[1]);
    }

    /// <summary>The readout under a chart: its epoch line and each row's name and value, as shown.</summary>
    public async Task<(string Epoch, Dictionary<string, string> Values)> Readout(string chart)
    {
        string epoch = await Page.InnerTextAsync($"#readout-{chart} .readout-epoch");
        var values = new Dictionary<string, string>();
        foreach (IElementHandle row in await Page.QuerySelectorAllAsync($"#readout-{chart} .readout-row"))
        {
            string name = await (await row.QuerySelectorAsync(".readout-name"))!.InnerTextAsync();
            values[name] = await (await row.QuerySelectorAsync(".readout-value"))!.InnerTextAsync();
        }
        return (epoch, values);
    }

    /// <summary>The names beside the curve-set toggles, as shown.</summary>
    public async Task<string[]> SetLabels() =>
        (await Page.Locator("#set-toggles label").AllInnerTextsAsync()).Select(l => l.Trim()).ToArray();

    public Task<double[]> XRange(string chart) =>
        Page.EvaluateAsync<double[]>(
            "c => { const x = window.irisReport.charts[c].scales.x; return [x.min, x.max]; }", chart);

    public async ValueTask DisposeAsync() => await Page.CloseAsync();
}
