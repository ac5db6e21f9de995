using System.Globalization;
using System.Text;
using CsvHelper;
using CsvHelper.Configuration;
using IrisNet.Errors;

namespace IrisNet.Data;

/// <summary>
/// One pass over a CSV stream, a row at a time: the header, then each non-blank record's fields in a
/// reused array with the line it ends on. Hashes every byte read (SHA-256) and refuses NUL bytes as it
/// goes; translates CsvHelper's exceptions into <see cref="DataException"/>s with the line.
/// </summary>
internal sealed class CsvRowReader : IDisposable
{
    private readonly string _path;
    private readonly HashingStream _bytes;
    private readonly StreamReader _text;
    private readonly CsvParser _parser;

    public CsvRowReader(Stream stream, string path)
    {
        _path = path;
        _bytes = new HashingStream(stream, path);
        _text = new StreamReader(_bytes, new UTF8Encoding(false, true), detectEncodingFromByteOrderMarks: true,
            bufferSize: 1 << 16);
        var config = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            Delimiter = ",",
            DetectDelimiter = false,
            HasHeaderRecord = true,
            IgnoreBlankLines = true,
            TrimOptions = TrimOptions.Trim,
            MaxFieldSize = CsvLoader.MaxFieldLength,
            CacheFields = true,
        };
        _parser = new CsvParser(_text, config);
        Fields = [];
        if (!ReadRecord(out string[] header)) throw new DataException(path, 0, 0,
            "the file is empty; it needs a header row and data rows.");
        Header = CheckHeader(header, Line, path);
        Fields = new string[Header.Length];
        if (!Next()) throw new DataException(path, 2, 0, "the file has a header but no data rows.");
        _pending = true;
    }

    /// <summary>The header's column names (unique, non-empty).</summary>
    public string[] Header { get; }

    /// <summary>The current row's fields, one per header column (the array is reused).</summary>
    public string[] Fields { get; private set; }

    /// <summary>The line on which the current record starts (1-based).</summary>
    public long Line { get; private set; }

    private bool _pending;

    /// <summary>Moves to the next data row; false at the end of the file.</summary>
    public bool Next()
    {
        if (_pending)
        {
            _pending = false;
            return true;
        }
        if (!ReadRecord(out string[] fields)) return false;
        if (fields.Length != Header.Length)
        {
            string hint = fields.Length > Header.Length
                ? " If the file uses decimal commas (5,1), write decimal points (5.1) instead."
                : " Fill in the missing values or drop the row.";
            throw new DataException(_path, Line, 0,
                $"{fields.Length} field(s), but the header has {Header.Length}.{hint}");
        }
        return true;
    }

    /// <summary>The SHA-256 of every byte of the stream (what was not read yet is read now).</summary>
    public string FinishHash() => _bytes.FinishHash();

    public void Dispose()
    {
        _parser.Dispose();
        _text.Dispose();
    }

    /// <summary>Reads the next record with at least one non-empty field into <see cref="Fields"/> (or a new array when
    /// its length differs).</summary>
    private bool ReadRecord(out string[] fields)
    {
        try
        {
            while (_parser.Read())
            {
                int count = _parser.Count;
                fields = count == Fields.Length ? Fields : new string[count];
                bool blank = true;
                int breaks = 0;
                int broken = -1;
                for (int i = 0; i < count; i++)
                {
                    string f = _parser[i];
                    fields[i] = f;
                    if (f.Length == 0) continue;
                    blank = false;
                    int b = LineBreaks(f);
                    if (b > 0 && broken < 0) broken = i;
                    breaks += b;
                }
                if (blank) continue;
                Line = _parser.RawRow - breaks;
                if (broken >= 0)
                {
                    throw new DataException(_path, Line, broken + 1,
                        "a quoted field continues onto the next line; every field must be on one line (is the " +
                            "closing quote (\") misplaced?).");
                }
                return true;
            }
            fields = [];
            return false;
        }
        catch (MaxFieldSizeException e)
        {
            long line = e.Context?.Parser?.RawRow ?? 0;
            string? raw = e.Context?.Parser?.RawRecord;
            if (raw is not null && raw.Contains('"', StringComparison.Ordinal) && LineBreaks(raw) > 1)
            {
                long start = Math.Max(1, line - LineBreaks(raw));
                throw new DataException(_path, start + (Unterminated(raw)?.LineOffset ?? 0),
                    Unterminated(raw)?.Column ?? 0, UnterminatedQuote, e);
            }
            throw new DataException(_path, line, 0, string.Create(CultureInfo.InvariantCulture,
                $"a field is longer than {CsvLoader.MaxFieldLength:N0} characters; this is not a numeric CSV file " +
                $"(is it the right file?)."), e);
        }
        catch (BadDataException e)
        {
            string raw = e.Context?.Parser?.RawRecord ?? e.RawRecord ?? "";
            long end = e.Context?.Parser?.RawRow ?? 0;
            long start = Math.Max(1, end - LineBreaks(raw));
            if (Unterminated(raw) is (int lineOffset, int column))
                throw new DataException(_path, start + lineOffset, column, UnterminatedQuote, e);
            throw new DataException(_path, start, 0,
                "a quote (\") inside a field that does not start with one; quote the whole field and double the " +
                    "inner quote (\"\"), or remove it.", e);
        }
        catch (CsvHelperException e)
        {
            throw new DataException(_path, e.Context?.Parser?.RawRow ?? 0, 0,
                $"malformed CSV ({FirstLine(e.Message)}); check the quotes on this line.", e);
        }
        catch (DecoderFallbackException e)
        {
            throw new DataException(_path, 0, 0, "is not UTF-8 text; save it as UTF-8 CSV.", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataException(_path, 0, 0, $"cannot be read: {e.Message}", e);
        }
    }

    private const string UnterminatedQuote =
        "unterminated quote: the quote (\") that opens this field is never closed on its line, so the field would " +
            "run on into the following lines. Close the quote, or remove it.";

    /// <summary>Where the quote that is still open at the end of <paramref name="raw"/> was opened: lines after the
    /// record's first, and its 1-based column.</summary>
    private static (int LineOffset, int Column)? Unterminated(string raw)
    {
        bool quoted = false, fieldStart = true;
        int line = 0, column = 1, openLine = 0, openColumn = 0;
        for (int i = 0; i < raw.Length; i++)
        {
            char c = raw[i];
            if (quoted)
            {
                if (c == '"')
                {
                    if (i + 1 < raw.Length && raw[i + 1] == '"') i++;
                    else quoted = false;
                }
                else if (c == '\n') line++;
                continue;
            }
            if (c == '"' && fieldStart)
            {
                quoted = true;
                openLine = line;
                openColumn = column;
            }
            else if (c == ',')
            {
                column++;
                fieldStart = true;
                continue;
            }
            else if (c == '\n')
            {
                line++;
                column = 1;
                fieldStart = true;
                continue;
            }
            if (c is not (' ' or '\t' or '\r')) fieldStart = false;
        }
        return quoted ? (openLine, openColumn) : null;
    }

    private static int LineBreaks(string s)
    {
        int n = 0;
        for (int i = 0; i < s.Length; i++)
        {
            if (s[i] == '\n' || (s[i] == '\r' && (i + 1 == s.Length || s[i + 1] != '\n'))) n++;
        }
        return n;
    }

    private static string[] CheckHeader(string[] fields, long line, string path)
    {
        var first = new Dictionary<string, int>(fields.Length, StringComparer.Ordinal);
        for (int c = 0; c < fields.Length; c++)
        {
            if (fields[c].Length == 0) throw new DataException(path, line, c + 1,
                "a header name is empty; name every column.");
            if (!first.TryAdd(fields[c], c))
                throw new DataException(path, line, c + 1,
                    $"the header names '{CsvLoader.Shorten(fields[c])}' twice (columns {first[fields[c]] + 1} and " +
                    $"{c + 1}); column names must be unique.");
        }
        if (fields.Length < 2) throw new DataException(path, line, 0,
            $"the header has {fields.Length} column; at least one feature and one label column are needed (is the " +
            $"delimiter a comma?).");
        return fields;
    }

    private static string FirstLine(string message)
    {
        int cut = message.IndexOfAny(['\r', '\n']);
        return cut > 0 ? message[..cut] : message;
    }

    /// <summary>A read-only pass-through that hashes the bytes and refuses NUL bytes (binary data).</summary>
    private sealed class HashingStream(Stream inner, string path) : Stream
    {
        private readonly ContentHash _hash = new();

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException(); set
            => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            int n = inner.Read(buffer);
            Span<byte> got = buffer[..n];
            if (got.Contains((byte)0)) throw new DataException(path, 0, 0,
                "holds binary data (NUL bytes), not CSV text.");
            _hash.Append(got);
            return n;
        }

        public string FinishHash()
        {
            var rest = new byte[81920];
            while (Read(rest) > 0)
            {
                // the parser stopped at the end of its last record; whatever follows is hashed too
            }
            return _hash.Finish();
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) _hash.Dispose();
            base.Dispose(disposing);
        }
    }
}
