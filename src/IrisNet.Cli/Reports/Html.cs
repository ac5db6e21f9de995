using System.Text;
using System.Text.Encodings.Web;
using IrisNet.Cli.Output;

namespace IrisNet.Cli.Reports;

/// <summary>One table cell: its text (escaped when written), and for numbers the value it sorts by.</summary>
internal readonly record struct Cell(string Text, string? Sort = null, string? Class = null)
{
    public static implicit operator Cell(string text) => new(text);

    /// <summary>A right-aligned number cell that sorts by <paramref name="sort"/>.</summary>
    public static Cell Number(string text, double sort) =>
        new(text, double.IsFinite(sort) ? Format.R(sort) : null, "num");
}

/// <summary>
/// A page under construction. Every piece of text from a file (class, feature and option names, run
/// directory names, values) goes through <see cref="Text"/>, which escapes it with the platform's
/// <see cref="HtmlEncoder"/>: a class named <c>&lt;script&gt;</c> stays text.
/// </summary>
internal sealed class Html
{
    private readonly StringBuilder _b = new(1 << 16);

    public static string Encode(string text) => HtmlEncoder.Default.Encode(text);

    /// <summary>Markup written by this program, never text from a file.</summary>
    public Html Raw(string markup)
    {
        _b.Append(markup);
        return this;
    }

    public Html Text(string text)
    {
        _b.Append(Encode(text));
        return this;
    }

    /// <summary>&lt;tag&gt;text&lt;/tag&gt; with the text escaped.</summary>
    public Html Element(string tag, string text, string? cls = null)
    {
        _b.Append('<').Append(tag);
        if (cls is not null) _b.Append(" class=\"").Append(cls).Append('"');
        _b.Append('>').Append(Encode(text)).Append("</").Append(tag).Append('>');
        return this;
    }

    /// <summary>A table: an optional caption, one header row, then the rows; every cell's text escaped.</summary>
    /// <remarks>A header whose first cell is empty makes each row's first cell a row heading.</remarks>
    public Html Table(string? caption, IReadOnlyList<Cell> head, IEnumerable<IReadOnlyList<Cell>> rows,
        string? id = null, Func<int, string?>? rowAttributes = null, Func<int, string?>? rowClass = null)
    {
        _b.Append("<table");
        if (id is not null) _b.Append(" id=\"").Append(id).Append('"');
        _b.Append('>');
        if (caption is not null) _b.Append("<caption>").Append(Encode(caption)).Append("</caption>");
        _b.Append("<thead><tr>");
        foreach (Cell h in head) Cell("th", h);
        _b.Append("</tr></thead><tbody>");
        bool rowHeadings = head.Count > 0 && head[0].Text.Length == 0;
        int i = 0;
        foreach (IReadOnlyList<Cell> row in rows)
        {
            _b.Append("<tr");
            if (rowClass?.Invoke(i) is string cls) _b.Append(" class=\"").Append(cls).Append('"');
            if (rowAttributes?.Invoke(i) is string attributes) _b.Append(' ').Append(attributes);
            _b.Append('>');
            for (int c = 0; c < row.Count; c++) Cell(c == 0 && rowHeadings ? "th" : "td", row[c]);
            _b.Append("</tr>");
            i++;
        }
        _b.Append("</tbody></table>");
        return this;
    }

    private void Cell(string tag, Cell c)
    {
        _b.Append('<').Append(tag);
        if (c.Class is not null) _b.Append(" class=\"").Append(c.Class).Append('"');
        if (c.Sort is not null) _b.Append(" data-sort=\"").Append(Encode(c.Sort)).Append('"');
        _b.Append('>').Append(Encode(c.Text)).Append("</").Append(tag).Append('>');
    }

    public override string ToString() => _b.ToString();
}
