using System.Text;

namespace IrisNet.Cli.Reports;

/// <summary>
/// The files every report inlines, embedded into this assembly at build time (IrisNet.Cli.csproj): the
/// vendored uPlot (script, style, licence) and the page's own script and style.
/// </summary>
internal static class PageAssets
{
    public static string UPlotScript => Read("uPlot.js");

    public static string UPlotStyle => Read("uPlot.css");

    public static string UPlotLicence => Read("uPlot.LICENSE");

    public static string PageScript => Read("report.js");

    public static string PageStyle => Read("report.css");

    private static string Read(string name)
    {
        using Stream stream = typeof(PageAssets).Assembly.GetManifestResourceStream("IrisNet.Cli.Reports." + name)
            ?? throw new InvalidOperationException($"The report's {name} is missing from this build.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
