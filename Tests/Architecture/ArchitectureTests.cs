using System.Reflection;
using System.Text.RegularExpressions;
using NUnit.Framework;
using Traceability.Infrastructure;
using Traceability.Tests.Support;

namespace Traceability.Tests.Architecture;

/// <summary>Guards of the layout README's "Where things are" describes: each names the files that break its rule.</summary>
public sealed partial class ArchitectureTests
{
    private static readonly string Root = TestPaths.RepoRoot();

    /// <summary>The production source files of a project, as paths relative to the repository (bin and obj left out).</summary>
    private static IEnumerable<string> Sources(string project, string pattern = "*.cs") =>
        Directory.EnumerateFiles(Path.Combine(Root, project), pattern, SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Root, f).Replace('\\', '/'))
            .Where(f => !f.Contains("/bin/") && !f.Contains("/obj/"))
            .Order(StringComparer.Ordinal);

    private static string Read(string relative) => File.ReadAllText(Path.Combine(Root, relative));

    private static IEnumerable<string> SolutionReferences(Assembly assembly) =>
        assembly.GetReferencedAssemblies().Select(a => a.Name!).Where(n => n.StartsWith("Traceability.", StringComparison.Ordinal));

    [Test]
    public void Domain_ReferencesNothingElseInTheSolution() =>
        Assert.That(SolutionReferences(typeof(Traceability.Domain.Batch).Assembly), Is.Empty);

    [Test]
    public void Infrastructure_ReferencesDomainOnly_NeverTheApi() =>
        Assert.That(SolutionReferences(typeof(Database).Assembly), Is.EquivalentTo(new[] { "Traceability.Domain" }));

    [Test]
    public void EveryNamespace_IsItsFolder()
    {
        var wrong = new[] { "Api", "Domain", "Infrastructure" }.SelectMany(p => Sources(p))
            .Where(f => f != "Api/Program.cs")
            .Select(f => (File: f, Declared: NamespaceDeclaration().Match(Read(f)).Groups[1].Value,
                Expected: "Traceability." + Path.GetDirectoryName(f)!.Replace('\\', '/').Replace('/', '.')))
            .Where(x => x.Declared != x.Expected)
            .Select(x => $"{x.File}: namespace {x.Declared}, folder says {x.Expected}");
        Assert.That(wrong, Is.Empty);
    }

    /// <summary>Where SQLite and SQL Server differ is said once, in their dialects: no code outside them asks which
    /// database it runs on or uses a driver's own types. Database.CreateDialect picks the dialect; DatabaseOptions names the default.</summary>
    [Test]
    public void DatabaseDifferences_LiveOnlyInTheDialects()
    {
        string[] dialects = ["Infrastructure/Sqlite/", "Infrastructure/SqlServer/"];
        string[] chooses = ["Infrastructure/Database.cs", "Infrastructure/DatabaseOptions.cs"];
        var branches = new[] { "Api", "Infrastructure" }.SelectMany(p => Sources(p))
            .Where(f => !dialects.Any(f.StartsWith) && !chooses.Contains(f))
            .SelectMany(f => ProviderBranch().Matches(Read(f)).Select(m => $"{f}: {m.Value}"));
        Assert.That(branches, Is.Empty, "a provider branch outside the dialects");
        var drivers = new[] { "Api", "Infrastructure" }.SelectMany(p => Sources(p))
            .SelectMany(f => DriverUsing().Matches(Read(f)).Select(m => (File: f, Driver: m.Groups[1].Value)))
            .Where(x => !x.File.StartsWith(x.Driver == "Microsoft.Data.Sqlite" ? dialects[0] : dialects[1], StringComparison.Ordinal))
            .Select(x => $"{x.File}: using {x.Driver}");
        Assert.That(drivers, Is.Empty, "a driver's types outside its dialect");
    }

    /// <summary>Every URL the API hands out is made in the Api (PublicLinks and the endpoints), so none can drift in storage.</summary>
    [Test]
    public void Infrastructure_BuildsNoUrl()
    {
        var urls = Sources("Infrastructure")
            .SelectMany(f => Read(f).Split('\n').Select((line, i) => (File: f, Line: i + 1, Text: line)))
            .Where(l => !l.Text.TrimStart().StartsWith("//", StringComparison.Ordinal))
            .Where(l => UrlLiteral().IsMatch(l.Text))
            .Select(l => $"{l.File}:{l.Line}: {l.Text.Trim()}");
        Assert.That(urls, Is.Empty);
    }

    /// <summary>From 0024 on, both databases number their migrations alike (an empty script where one has nothing to
    /// do), so a migration is one number and one name on either.</summary>
    [Test]
    public void Migrations_FromLockstepOn_HaveTheSameNumbersAndNames_OnBothDatabases()
    {
        static List<string> Names(DatabaseProvider provider) =>
            Infrastructure.Migrations.ScriptRunner.ScriptNames(provider).Select(n => n.Split('.')[^2]).ToList();
        var (sqlite, sqlServer) = (Names(DatabaseProvider.Sqlite), Names(DatabaseProvider.SqlServer));
        Assert.That(sqlServer[^1][..4], Is.EqualTo(sqlite[^1][..4]), "the latest migration has one number on both");
        Assert.That(sqlServer.Where(n => string.CompareOrdinal(n, "0025") >= 0), Is.EqualTo(sqlite.Where(n => string.CompareOrdinal(n, "0025") >= 0)));
    }

    [GeneratedRegex(@"^namespace ([\w.]+);", RegexOptions.Multiline)]
    private static partial Regex NamespaceDeclaration();

    [GeneratedRegex(@"DatabaseProvider\.(Sqlite|SqlServer)|\.Provider\s*(==|!=|is\b|switch)")]
    private static partial Regex ProviderBranch();

    [GeneratedRegex(@"^using (Microsoft\.Data\.Sqlite|Microsoft\.Data\.SqlClient);", RegexOptions.Multiline)]
    private static partial Regex DriverUsing();

    [GeneratedRegex("\"[^\"]*(https?://|/api/v1|/p/\\{)")]
    private static partial Regex UrlLiteral();
}
