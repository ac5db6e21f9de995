using System.Text;
using IrisNet.Cli.Runs;
using IrisNet.Errors;

namespace IrisNet.Cli.Output;

/// <summary>
/// Standard output could not be written (it goes to a full disk, or to /dev/full): one line, exit 2.
/// Not an <see cref="IOException"/>, so that no command takes it for a failure of one of its own files.
/// </summary>
public sealed class StandardOutputException(IOException inner) : IrisNetException(Describe(inner), inner)
{
    private static string Describe(IOException e) => RunWriteException.IsDiskFull(e)
        ? "cannot write the standard output: no space left on the device; free some space or send the output elsewhere."
        : $"cannot write the standard output: {e.Message.TrimEnd('.')}.";
}

/// <summary>
/// The process's standard output, as a writer and as a stream, each turning a failed write into a
/// <see cref="StandardOutputException"/>. <see cref="ConsoleSetup"/> installs the writer as Console.Out.
/// </summary>
internal static class StandardOutput
{
    /// <summary>The raw standard output stream (for --json and predict's rows), with write failures made
    /// clear.</summary>
    public static Stream Open() => new GuardedStream(Console.OpenStandardOutput());

    /// <summary>Wraps a writer of standard output (Console.Out).</summary>
    public static TextWriter Guard(TextWriter inner) => new GuardedWriter(inner);

    private sealed class GuardedWriter(TextWriter inner) : TextWriter
    {
        public override Encoding Encoding => inner.Encoding;

        public override IFormatProvider FormatProvider => inner.FormatProvider;

        public override string NewLine
        {
#pragma warning disable CS8765 // TextWriter.NewLine's setter accepts null
            get => inner.NewLine;
            set => inner.NewLine = value;
#pragma warning restore CS8765
        }

        public override void Write(char value)
        {
            try { inner.Write(value); }
            catch (IOException e) { throw new StandardOutputException(e); }
        }

        public override void Write(string? value)
        {
            try { inner.Write(value); }
            catch (IOException e) { throw new StandardOutputException(e); }
        }

        public override void Write(char[] buffer, int index, int count)
        {
            try { inner.Write(buffer, index, count); }
            catch (IOException e) { throw new StandardOutputException(e); }
        }

        public override void Write(ReadOnlySpan<char> buffer)
        {
            try { inner.Write(buffer); }
            catch (IOException e) { throw new StandardOutputException(e); }
        }

        public override void WriteLine(string? value)
        {
            try { inner.WriteLine(value); }
            catch (IOException e) { throw new StandardOutputException(e); }
        }

        public override void Flush()
        {
            try { inner.Flush(); }
            catch (IOException e) { throw new StandardOutputException(e); }
        }
    }

    private sealed class GuardedStream(Stream inner) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException(); set
            => throw new NotSupportedException();
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            try { inner.Write(buffer); }
            catch (IOException e) { throw new StandardOutputException(e); }
        }

        public override void Flush()
        {
            try { inner.Flush(); }
            catch (IOException e) { throw new StandardOutputException(e); }
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
