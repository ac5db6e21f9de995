using System.Text;
using System.Text.RegularExpressions;

namespace IrisNet.Tests;

/// <summary>
/// The README is a short page for a newcomer that links every page of docs/; every relative link and
/// #anchor of the README and of docs/*.md leads somewhere.
/// </summary>
public sealed partial class DocumentationLinkTests() : TempDirectoryTest("links")
{
    private static string Readme => Path.Combine(Repo.Root, "README.md");

    private static string[] Pages =>
        [Readme, .. Directory.GetFiles(Path.Combine(Repo.Root, "docs"), "*.md").Order(StringComparer.Ordinal)];

    [Fact]
    public void The_readme_is_at_most_250_lines_and_opens_with_the_two_fresh_machine_commands()
    {
        string[] lines = File.ReadAllLines(Readme);
        Assert.True(lines.Length <= 250, $"README.md has {lines.Length} lines; reference material belongs in docs/");
        // .ci/run runs the lines of the first fenced block: the train command, then the test command.
        int open = Array.FindIndex(lines, l => l.StartsWith("```", StringComparison.Ordinal));
        int close = Array.FindIndex(lines, open + 1, l => l.StartsWith("```", StringComparison.Ordinal));
        string[] commands = ["dotnet run -c Release --project src/IrisNet.Cli -- train", "dotnet test"];
        Assert.Equal(commands, lines[(open + 1)..close]);
    }

    [Fact]
    public void The_readme_links_every_page_of_docs()
    {
        var targets = Links(Readme).Select(l => l.Target.Split('#')[0]).ToHashSet(StringComparer.Ordinal);
        string[] pages = Pages[1..].Select(p => "docs/" + Path.GetFileName(p)).ToArray();
        Assert.True(pages.Length >= 10, string.Join(", ", pages));
        Assert.All(pages, p => Assert.True(targets.Contains(p), $"README.md does not link {p}"));
    }

    /// <summary>
    /// Each link that is not a URL names a file or folder that exists, relative to its page; an anchor
    /// (#section) names a heading of the Markdown page it points to, spelt as GitHub spells heading
    /// anchors. Links inside code (fenced blocks, `spans`) are not links.
    /// </summary>
    [Fact]
    public void Every_relative_link_and_anchor_of_the_readme_and_docs_resolves()
    {
        var broken = new List<string>();
        int relative = 0, anchors = 0;
        foreach (string page in Pages)
        {
            foreach (var (line, target) in Links(page))
            {
                if (UrlScheme().IsMatch(target)) continue;
                relative++;
                int hash = target.IndexOf('#', StringComparison.Ordinal);
                string path = hash < 0 ? target : target[..hash];
                string file = path.Length == 0
                    ? page
                    : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(page)!, Uri.UnescapeDataString(path)));
                string where = $"{Path.GetRelativePath(Repo.Root, page)}:{line}: ({target})";
                if (!File.Exists(file) && !Directory.Exists(file))
                {
                    broken.Add($"{where}: {Path.GetRelativePath(Repo.Root, file)} does not exist");
                    continue;
                }
                if (hash < 0) continue;
                anchors++;
                string anchor = target[(hash + 1)..];
                if (!file.EndsWith(".md", StringComparison.Ordinal) || !Anchors(file).Contains(anchor))
                    broken.Add($"{where}: {Path.GetRelativePath(Repo.Root, file)} has no heading #{anchor}");
            }
        }
        Assert.True(relative > 100 && anchors > 5,
            $"only {relative} relative links and {anchors} anchors found: is the link pattern right?");
        Assert.True(broken.Count == 0, string.Join('\n', broken));
    }

    /// <summary>
    /// Each anchor is GitHub's: the heading's text in lower case, without punctuation, spaces as hyphens,
    /// repeats numbered.
    /// </summary>
    [Fact]
    public void Anchors_are_spelt_as_github_spells_them()
    {
        string page = P("page.md");
        File.WriteAllText(page, """
            # Title
            ## `irisnet diff THEIRS.json [--tolerance T]`
            ```text
            # not a heading
            ```
            ## Why (written by hand)
            ## Title
            """);
        string[] expected = ["title", "irisnet-diff-theirsjson---tolerance-t", "why-written-by-hand", "title-1"];
        Assert.Equal(expected, Anchors(page));
    }

    /// <summary>The link targets of a Markdown page with their line numbers, outside code blocks and spans.</summary>
    private static IEnumerable<(int Line, string Target)> Links(string page)
    {
        foreach (var (number, text) in Prose(page))
        {
            foreach (Match m in Link().Matches(CodeSpan().Replace(text, "")))
                yield return (number, m.Groups["target"].Value);
        }
    }

    /// <summary>The anchors of a page's headings, in order.</summary>
    private static List<string> Anchors(string page)
    {
        var anchors = new List<string>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (_, text) in Prose(page))
        {
            Match heading = Heading().Match(text);
            if (!heading.Success) continue;
            // A link in a heading keeps its text: "[text](target)" → "text".
            string title = Link().Replace(heading.Groups[1].Value, m => m.Groups["text"].Value);
            var slug = new StringBuilder();
            foreach (char c in title.ToLowerInvariant())
            {
                if (c == ' ') slug.Append('-');
                else if (char.IsLetterOrDigit(c) || c is '-' or '_') slug.Append(c);
            }
            string anchor = slug.ToString();
            int repeats = seen.GetValueOrDefault(anchor);
            seen[anchor] = repeats + 1;
            anchors.Add(repeats == 0 ? anchor : $"{anchor}-{repeats}");
        }
        return anchors;
    }

    /// <summary>The lines of a page that are not inside a fenced code block, numbered from 1.</summary>
    private static IEnumerable<(int Number, string Text)> Prose(string page)
    {
        string[] lines = File.ReadAllLines(page);
        bool fenced = false;
        for (int i = 0; i < lines.Length; i++)
        {
            if (lines[i].TrimStart().StartsWith("```", StringComparison.Ordinal)) fenced = !fenced;
            else if (!fenced) yield return (i + 1, lines[i]);
        }
    }

    [GeneratedRegex(@"!?\[(?<text>[^\]]*)\]\((?<target>[^)\s]+)(?:\s+""[^""]*"")?\)")]
    private static partial Regex Link();

    [GeneratedRegex("`[^`]*`")]
    private static partial Regex CodeSpan();

    [GeneratedRegex(@"^#{1,6}\s+(.*?)\s*#*\s*$")]
    private static partial Regex Heading();

    [GeneratedRegex("^[a-z][a-z0-9+.-]*:", RegexOptions.IgnoreCase)]
    private static partial Regex UrlScheme();
}
