using System.Globalization;
using System.Runtime.InteropServices;
using IrisNet.Data;
using IrisNet.Models;
using ScottPlot;
using SkiaSharp;

namespace IrisNet.Cli.Plotting;

/// <summary>The decision regions while the network learns: regions.apng.</summary>
public static partial class Plots
{
    /// <summary>At most this many frames, the starting weights and the final model included.</summary>
    public const int MaxFrames = 48;

    /// <summary>The grid of every frame but the last (which is regions.png's, 300 × 180): a quarter of the
    /// cells.</summary>
    public const int FrameColumns = 150, FrameRows = 90;

    /// <summary>The strip under each frame's regions picture that says the epoch and the accuracies.</summary>
    public const int CaptionHeight = 28;

    /// <summary>The keyword of the text chunk that lists each frame's epoch, in frame order.</summary>
    public const string FramesKeyword = "irisnet frames";

    /// <summary>k, the epochs between frames: at most <see cref="MaxFrames"/> frames for <paramref name="epochs"/>
    /// epochs, epoch 0 and the last included.</summary>
    public static int FrameEvery(int epochs) => Math.Max(1, (epochs + MaxFrames - 3) / (MaxFrames - 2));

    /// <summary>One frame: the model of the weights after <paramref name="Epoch"/> (0: the starting weights) and their
    /// accuracies.</summary>
    public sealed record Frame(int Epoch, Model Model, double? TrainAccuracy, double? TestAccuracy,
        string? Note = null);

    /// <summary>
    /// Writes the animated PNG of <paramref name="frames"/>: each frame is the decision-regions picture of
    /// its model (<see cref="Regions"/>, on a grid of <see cref="FrameColumns"/> × <see cref="FrameRows"/>
    /// cells, the last on regions.png's own grid, so its pixels are regions.png's) above a caption strip:
    /// the epoch, a bar of the epochs done, the training and test accuracy. Frames are drawn two at a time,
    /// each half on its own surface; a frame stores the pixels that changed since the one before it,
    /// drawn over it. The default image (shown where APNG is not understood) is the last frame. The data-area
    /// chunk is regions.png's; a second chunk lists the frames' epochs. Over <paramref name="maxBytes"/>, every
    /// other frame is dropped (the first and last kept) and the rest drawn again, until it fits.
    /// </summary>
    public static void Animation(IReadOnlyList<Frame> frames, int epochs, Dataset train, Dataset? test, string path,
        int maxBytes = MaxAnimationBytes)
    {
        byte[] apng = AnimationBytes(frames, epochs, train, test);
        // A data set whose boundaries move everywhere at once can outgrow the budget: every other frame
        // is dropped (the first and the last kept) until the file fits, or only those two are left.
        while (apng.Length > maxBytes && frames.Count > 2)
        {
            frames = frames.Where((_, f) => f % 2 == 0 || f == frames.Count - 1).ToArray();
            apng = AnimationBytes(frames, epochs, train, test);
        }
        File.WriteAllBytes(path, apng);
    }

    /// <summary>regions.apng stays under this many bytes (5 MB), dropping frames when it must.</summary>
    public const int MaxAnimationBytes = 5_000_000;

    private static byte[] AnimationBytes(IReadOnlyList<Frame> frames, int epochs, Dataset train, Dataset? test)
    {
        int height = Height + CaptionHeight;
        var pngs = new byte[frames.Count][];
        var full = new bool[frames.Count];
        string area = "";
        // Each worker draws a contiguous half, keeping its previous frame: a frame after the first of its
        // half stores only the pixels that changed (the rest transparent, drawn over the frame before),
        // which the boundaries' slow movement makes a small part of it. The last frame is stored whole.
        int split = (frames.Count + 1) / 2;
        Parallel.For(0, 2, new ParallelOptions { MaxDegreeOfParallelism = 2 }, half =>
        {
            var info = new SKImageInfo(Width, height, SKColorType.Bgra8888, SKAlphaType.Premul);
            using SKSurface surface = SKSurface.Create(info);
            var previous = new uint[Width * height];
            var current = new uint[Width * height];
            var changed = new uint[Width * height];
            int start = half == 0 ? 0 : split, end = half == 0 ? split : frames.Count;
            for (int f = start; f < end; f++)
            {
                bool last = f == frames.Count - 1;
                Frame frame = frames[f];
                surface.Canvas.Clear(SKColors.White);
                var picture = RegionsPicture(frame.Model, train, test, null, null, last ? RegionColumns : FrameColumns,
                    last ? RegionRows : FrameRows);
                // Each plot clears what it is given: clip it to its own part of the frame.
                if (last)
                {
                    // regions.png's own rendering and encoding, decoded: the last frame is its pixels exactly.
                    using (picture.Grid)
                    {
                        using SKBitmap regions = SKBitmap.Decode(Png(picture.Plot, Width, Height));
                        surface.Canvas.DrawBitmap(regions, 0, 0);
                    }
                    area = Area(picture.Plot, "regions", 0, picture.Extra);
                }
                else
                {
                    surface.Canvas.Save();
                    surface.Canvas.ClipRect(new SKRect(0, 0, Width, Height));
                    using (picture.Grid) picture.Plot.Render(surface.Canvas, new PixelRect(0, Width, Height, 0));
                    surface.Canvas.Restore();
                }
                surface.Canvas.Save();
                surface.Canvas.ClipRect(new SKRect(0, Height, Width, height));
                Caption(frame, epochs).Render(surface.Canvas, new PixelRect(0, Width, height, Height));
                surface.Canvas.Restore();
                var pinned = GCHandle.Alloc(current, GCHandleType.Pinned);
                try
                {
                    surface.ReadPixels(info, pinned.AddrOfPinnedObject(), info.RowBytes, 0, 0);
                }
                finally
                {
                    pinned.Free();
                }
                full[f] = f == start || last;
                if (!full[f])
                    for (int i = 0; i < current.Length; i++) changed[i] = current[i] == previous[i] ? 0 : current[i];
                pngs[f] = Encode(full[f] ? current : changed, info);
                (previous, current) = (current, previous);
            }
        });
        int[] delays = frames.Select((_, f) => f == frames.Count - 1 ? 3000 : 100).ToArray();
        string list = string.Join(' ', frames.Select(f => f.Epoch.ToString(CultureInfo.InvariantCulture)));
        return Apng.Write(pngs[^1], pngs, delays, full, [(AreaKeyword, area), (FramesKeyword, list)]);
    }

    /// <summary>PNG of BGRA pixels (transparent where 0), up filter, zlib level 6.</summary>
    private static byte[] Encode(uint[] pixels, SKImageInfo info)
    {
        var handle = GCHandle.Alloc(pixels, GCHandleType.Pinned);
        try
        {
            using var pixmap = new SKPixmap(info, handle.AddrOfPinnedObject(), info.RowBytes);
            using SKData data = pixmap.Encode(new SKPngEncoderOptions(SKPngEncoderFilterFlags.Up, 6))!;
            return data.ToArray();
        }
        finally
        {
            handle.Free();
        }
    }

    /// <summary>The caption strip: "epoch e of E", a bar e/E long, the accuracies of the frame's weights.</summary>
    private static Plot Caption(Frame frame, int epochs)
    {
        var plot = new Plot();
        plot.HideAxesAndGrid();
        plot.Layout.Frameless();
        plot.FigureBackground.Color = new Color(245, 245, 245);
        plot.DataBackground.Color = new Color(245, 245, 245);
        double done = epochs > 0 ? Math.Clamp(frame.Epoch / (double)epochs, 0, 1) : 1;
        var track = plot.Add.Rectangle(200, 420, 9, 19);
        track.FillColor = Colors.White;
        track.LineColor = Colors.Gray;
        var bar = plot.Add.Rectangle(200, 200 + 220 * done, 9, 19);
        bar.FillColor = new Color(31, 119, 180);
        bar.LineWidth = 0;
        var epoch = plot.Add.Text($"epoch {frame.Epoch} of {epochs}", 12, 14);
        epoch.LabelFontSize = 14;
        epoch.LabelBold = true;
        epoch.LabelAlignment = Alignment.MiddleLeft;
        static string Percent(double? a) => a is double v ? (100 * v).ToString("0.0",
            CultureInfo.InvariantCulture) + " %" : "–";
        string accuracies = $"train accuracy {Percent(frame.TrainAccuracy)}" + (frame.TestAccuracy is null
            && frame.TrainAccuracy is not null ? "" : $"   test accuracy {Percent(frame.TestAccuracy)}");
        var text = plot.Add.Text(accuracies + (frame.Note is null ? "" : "   " + frame.Note), 436, 14);
        text.LabelFontSize = 13;
        text.LabelAlignment = Alignment.MiddleLeft;
        plot.Axes.SetLimits(0, Width, 0, CaptionHeight);
        return plot;
    }
}
