using System.Globalization;
using System.Text;

namespace IrisNet.Cli.Output;

/// <summary>
/// Makes text from files (class names, label values, column names, paths) safe to print on a terminal.
/// Control characters (C0 such as ESC, BEL, CR and LF; DEL; C1) and the invisible Unicode direction
/// overrides would otherwise act on the terminal: retitle it, recolour it, move the cursor, break a
/// one-line error into two, or reorder what is shown. Each is written as a visible escape (\e, \n, \x7F,
/// \u202E) instead. JSON output does not use this:
/// its encoder writes such characters as \u escapes, which decode to the exact text.
/// </summary>
public static class Terminal
{
    /// <summary>The text with every control and direction-override character made visible.</summary>
    public static string Escape(string? text)
    {
        if (string.IsNullOrEmpty(text)) return text ?? "";
        int i = 0;
        while (i < text.Length && !NeedsEscape(text[i])) i++;
        if (i == text.Length) return text;
        var sb = new StringBuilder(text.Length + 16);
        sb.Append(text, 0, i);
        for (; i < text.Length; i++)
        {
            char c = text[i];
            if (!NeedsEscape(c))
            {
                sb.Append(c);
                continue;
            }
            sb.Append(c switch
            {
                '\n' => @"\n",
                '\r' => @"\r",
                '\t' => @"\t",
                '\u001B' => @"\e",
                '\a' => @"\a",
                '\b' => @"\b",
                _ when c < 0x100 => @"\x" + ((int)c).ToString("X2", CultureInfo.InvariantCulture),
                _ => @"\u" + ((int)c).ToString("X4", CultureInfo.InvariantCulture),
            });
        }
        return sb.ToString();
    }

    /// <summary><see cref="Escape"/> and then Spectre.Console's markup escape, for table cells and titles.</summary>
    public static string Markup(string? text) => Spectre.Console.Markup.Escape(Escape(text));

    private static bool NeedsEscape(char c) =>
        char.IsControl(c)
        || c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069' or '\u200E' or '\u200F' or '\u061C';
}
