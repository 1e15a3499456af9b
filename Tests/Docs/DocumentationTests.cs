using System.Text.RegularExpressions;
using NUnit.Framework;
using Traceability.Tests.Support;

namespace Traceability.Tests.Docs;

/// <summary>The README and docs/ are what a newcomer reads: every link and every path they name resolves, and the
/// recipes that tests run are taken from them (the example session by .ci/first-run, the nginx recipe, which
/// docs/operations.md shows as it is, by Tests/Support/Nginx.cs).</summary>
public sealed partial class DocumentationTests
{
    private static readonly string Root = TestPaths.RepoRoot();

    public static IEnumerable<string> Documents() =>
        new[] { "README.md", "bench/NOTES.md" }.Concat(Directory.EnumerateFiles(Path.Combine(Root, "docs"), "*.md")
            .Select(f => "docs/" + Path.GetFileName(f)).Order(StringComparer.Ordinal));

    [TestCaseSource(nameof(Documents))]
    public void EveryLink_Resolves(string document)
    {
        var text = File.ReadAllText(Path.Combine(Root, document));
        var folder = Path.GetDirectoryName(Path.Combine(Root, document))!;
        var broken = new List<string>();
        foreach (Match m in MarkdownLink().Matches(text))
        {
            var target = m.Groups[1].Value;
            if (target.StartsWith("http", StringComparison.Ordinal) || target.StartsWith("mailto:", StringComparison.Ordinal)) continue;
            var (path, anchor) = target.Split('#', 2) is [var p, var a] ? (p, a) : (target, null);
            var file = path.Length == 0 ? Path.Combine(Root, document) : Path.GetFullPath(Path.Combine(folder, path));
            if (!File.Exists(file) && !Directory.Exists(file)) { broken.Add($"{target}: no such file"); continue; }
            if (anchor is not null && !Headings(File.ReadAllText(file)).Contains(anchor)) broken.Add($"{target}: no heading #{anchor}");
        }
        Assert.That(broken, Is.Empty);
    }

    [TestCaseSource(nameof(Documents))]
    public void EveryPathItNames_Exists(string document)
    {
        var missing = RepoPath().Matches(File.ReadAllText(Path.Combine(Root, document))).Select(m => m.Groups[1].Value)
            .Where(p => !p.Contains('{') && !p.Contains('…') && !p.Contains('*') && !p.StartsWith("Api/data", StringComparison.Ordinal))
            .Where(p => !File.Exists(Path.Combine(Root, p)) && !Directory.Exists(Path.Combine(Root, p)))
            .Distinct();
        Assert.That(missing, Is.Empty);
    }

    [Test]
    public void TheNginxRecipe_IsShownAsItIs_AndReplacesTheForwardedAddress()
    {
        var recipe = File.ReadAllText(Path.Combine(Root, NginxRecipe));
        Assert.That(File.ReadAllText(Path.Combine(Root, "docs", "operations.md")), Does.Contain("```nginx\n" + recipe + "```"),
            "docs/operations.md shows deploy/nginx/ocop-traceability.conf as it is");
        Assert.That(recipe, Does.Contain("proxy_set_header X-Forwarded-For $remote_addr;"));
    }

    /// <summary>The production recipe that the nginx tests run (Tests/Support/Nginx.cs).</summary>
    public const string NginxRecipe = "deploy/nginx/ocop-traceability.conf";

    /// <summary>GitHub's anchors: a heading in lower case, its punctuation dropped, spaces as hyphens.</summary>
    private static HashSet<string> Headings(string markdown) =>
        Heading().Matches(markdown).Select(m => Regex.Replace(m.Groups[1].Value.Trim().ToLowerInvariant(), @"[^\p{L}\p{N} _-]", "").Replace(' ', '-')).ToHashSet();

    [GeneratedRegex(@"\]\(([^)\s]+)\)")]
    private static partial Regex MarkdownLink();

    [GeneratedRegex(@"^#{1,6} (.+)$", RegexOptions.Multiline)]
    private static partial Regex Heading();

    [GeneratedRegex(@"`((?:Api|Domain|Infrastructure|Tests|docs|bench|scripts|deploy|\.ci|clients)/[^`\s]*)`")]
    private static partial Regex RepoPath();

}
