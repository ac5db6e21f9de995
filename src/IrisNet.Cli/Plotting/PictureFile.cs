using IrisNet.Cli.Runs;
using IrisNet.Errors;

namespace IrisNet.Cli.Plotting;

/// <summary>A picture file named by an option (explain --graph, diff --graph): checked before any work, written
/// atomically.</summary>
internal static class PictureFile
{
    /// <summary>
    /// Refuses, before anything is computed, a <paramref name="target"/> that cannot become the picture:
    /// not ending in .png (or .svg when <paramref name="svg"/> allows it), a directory, or in a folder that
    /// does not exist. Returns whether it is SVG.
    /// </summary>
    public static bool Check(string target, string option, bool svg)
    {
        bool isSvg = svg && target.EndsWith(".svg", StringComparison.OrdinalIgnoreCase);
        if (!isSvg && !target.EndsWith(".png", StringComparison.OrdinalIgnoreCase))
            throw new OptionException(option,
                $"'{target}' does not end in .png{(svg ? " or .svg" : "")}; name the picture to write, for example " +
                $"graph.png.");
        if (Directory.Exists(target))
            throw new OptionException(option,
                $"'{target}' is a directory; give a file name ending in .png{(svg ? " or .svg" : "")}.");
        string folder = Path.GetDirectoryName(Path.GetFullPath(target))!;
        if (!Directory.Exists(folder))
            throw new OptionException(option,
                $"cannot write '{target}': the folder '{folder}' does not exist; create it first or choose another " +
                $"{option}.");
        return isSvg;
    }

    /// <summary>Writes <paramref name="target"/> through a temporary file; a disk that refuses it is one error line
    /// about the option.</summary>
    public static void Write(string target, string option, Action<string> draw)
    {
        try
        {
            AtomicFile.Write(target, draw);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OptionException(option, $"cannot write '{target}': {e.Message} Choose a writable folder.");
        }
    }
}
