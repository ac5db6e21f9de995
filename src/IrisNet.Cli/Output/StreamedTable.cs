using System.Text;
using Spectre.Console;

namespace IrisNet.Cli.Output;

/// <summary>
/// A table written a row at a time, in the look of Spectre.Console's default table, for output of
/// any length. Spectre.Console lays a table out once it holds every row (each column is as wide as its
/// widest cell), so a table of predict's 200,000 rows held every cell as text first; here the widths
/// are fixed before the first row (a cell wider than its column widens that line only). Cells are plain
/// text, already made safe with <see cref="Terminal.Escape"/>.
/// </summary>
internal sealed class StreamedTable
{
    private readonly TextWriter _out;
    private readonly int[] _widths;
    private readonly bool[] _right;
    private readonly StringBuilder _line = new();

    /// <param name="output">Where the lines go.</param>
    /// <param name="columns">Each column's header, its width in terminal cells (at least the header's) and whether it
    /// is right-aligned.</param>
    public StreamedTable(TextWriter output, IReadOnlyList<(string Header, int Width, bool Right)> columns)
    {
        _out = output;
        _widths = columns.Select(c => Math.Max(c.Width, c.Header.GetCellWidth())).ToArray();
        _right = columns.Select(c => c.Right).ToArray();
        Border('┌', '┬', '┐');
        // Headers are left-aligned over left-aligned columns and right-aligned over right-aligned ones, as Spectre
        // does.
        Row([.. columns.Select(c => c.Header)]);
        Border('├', '┼', '┤');
    }

    /// <summary>Writes one row: a cell per column.</summary>
    public void Row(params string[] cells)
    {
        _line.Clear().Append('│');
        for (int c = 0; c < _widths.Length; c++)
        {
            string cell = cells[c];
            int pad = Math.Max(0, _widths[c] - cell.GetCellWidth());
            _line.Append(' ');
            if (_right[c]) _line.Append(' ', pad).Append(cell);
            else _line.Append(cell).Append(' ', pad);
            _line.Append(" │");
        }
        _out.Write(_line.Append('\n'));
    }

    /// <summary>Closes the table with its bottom border.</summary>
    public void End() => Border('└', '┴', '┘');

    private void Border(char left, char middle, char right)
    {
        _line.Clear().Append(left);
        for (int c = 0; c < _widths.Length; c++)
        {
            if (c > 0) _line.Append(middle);
            _line.Append('─', _widths[c] + 2);
        }
        _out.Write(_line.Append(right).Append('\n'));
    }
}
