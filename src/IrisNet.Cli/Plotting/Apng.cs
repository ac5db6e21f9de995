using System.Buffers.Binary;

namespace IrisNet.Cli.Plotting;

/// <summary>
/// Assembles an animated PNG (APNG) from PNG images of one size, each encoded by the plotting library:
/// the signature and IHDR, <c>acTL</c> (the frame count, looping forever), the text chunks, the default
/// image as IDAT (what a viewer without APNG support shows: it is not one of the frames), then per frame
/// an <c>fcTL</c> (size, offset 0, its delay, dispose "none", blend "source" or "over") and its image data as
/// <c>fdAT</c> chunks (a sequence number before the IDAT bytes), and IEND. Sequence numbers count the
/// fcTL and fdAT chunks from 0.
/// </summary>
internal static class Apng
{
    /// <summary>
    /// The APNG of <paramref name="frames"/>, each shown for its delay in milliseconds; a frame that is not
    /// <paramref name="whole"/> is drawn over the one before (blend "over": its transparent pixels keep it).
    /// </summary>
    public static byte[] Write(byte[] defaultImage, IReadOnlyList<byte[]> frames, IReadOnlyList<int> delays,
        IReadOnlyList<bool> whole,
        IEnumerable<(string Keyword, string Text)> text)
    {
        var first = PngText.Chunks(defaultImage);
        ReadOnlyMemory<byte> header = first.First(c => c.Type == "IHDR").Data;
        using var output = new MemoryStream();
        output.Write(defaultImage, 0, 8);
        PngText.WriteChunk(output, "IHDR", header.Span);
        Span<byte> control = stackalloc byte[26];
        BinaryPrimitives.WriteUInt32BigEndian(control, (uint)frames.Count);
        BinaryPrimitives.WriteUInt32BigEndian(control[4..], 0); // plays: 0 = forever
        PngText.WriteChunk(output, "acTL", control[..8]);
        PngText.WriteText(output, text);
        foreach (var (type, data) in first.Where(c => c.Type == "IDAT")) PngText.WriteChunk(output, type, data.Span);
        uint sequence = 0;
        for (int f = 0; f < frames.Count; f++)
        {
            var chunks = PngText.Chunks(frames[f]);
            if (!chunks.First(c => c.Type == "IHDR").Data.Span.SequenceEqual(header.Span))
                throw new
                    InvalidOperationException("The frames of an animated PNG must have one size and pixel format.");
            BinaryPrimitives.WriteUInt32BigEndian(control, sequence++);
            header.Span[..8].CopyTo(control[4..]); // width and height
            BinaryPrimitives.WriteUInt32BigEndian(control[12..], 0); // x offset
            BinaryPrimitives.WriteUInt32BigEndian(control[16..], 0); // y offset
            BinaryPrimitives.WriteUInt16BigEndian(control[20..], (ushort)delays[f]);
            BinaryPrimitives.WriteUInt16BigEndian(control[22..], 1000); // the delay in milliseconds
            control[24] = 0; // dispose: none
            control[25] = (byte)(whole[f] ? 0 : 1); // blend: source, or over the frame before
            PngText.WriteChunk(output, "fcTL", control);
            foreach (var (_, data) in chunks.Where(c => c.Type == "IDAT"))
            {
                var fdat = new byte[4 + data.Length];
                BinaryPrimitives.WriteUInt32BigEndian(fdat, sequence++);
                data.Span.CopyTo(fdat.AsSpan(4));
                PngText.WriteChunk(output, "fdAT", fdat);
            }
        }
        PngText.WriteChunk(output, "IEND", []);
        return output.ToArray();
    }
}
