using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.SqlServer.TransactSql.ScriptDom;
using NUnit.Framework;
using Traceability.Infrastructure;
using Traceability.Infrastructure.Migrations;
using Traceability.Infrastructure.Repositories;
using Traceability.Infrastructure.SqlServer;

namespace Traceability.Tests.SqlServer;

/// <summary>SQL Server cannot run here, so every script and statement it would receive is parsed with
/// Microsoft's own T-SQL parser (SQL Server 2022 grammar) and must have no errors.</summary>
public sealed partial class TSqlParseTests
{
    private static readonly SqlServerDialect Dialect = new("Server=unused");

    public static IEnumerable<TestCaseData> MigrationScripts() =>
        ScriptRunner.ScriptNames(DatabaseProvider.SqlServer).Select(n => new TestCaseData(n).SetName($"Migration_{n.Split('.')[^2]}_Parses"));

    /// <summary>Every SQL constant in Infrastructure outside the SQLite dialect, as the SQL Server dialect renders it.</summary>
    public static IEnumerable<TestCaseData> Statements() =>
        typeof(Database).Assembly.GetTypes()
            .Where(t => t.Namespace?.EndsWith(".Sqlite", StringComparison.Ordinal) != true)
            .SelectMany(t => t.GetFields(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic)
                .Where(f => f is { IsLiteral: true } && f.FieldType == typeof(string) && !f.Name.EndsWith("Sqlite", StringComparison.Ordinal))
                .Select(f => (Name: $"{t.Name}.{f.Name}", Sql: (string)f.GetRawConstantValue()!)))
            .Where(s => StatementStart().IsMatch(s.Sql))
            .Select(s => new TestCaseData(s.Sql).SetName($"Statement_{s.Name}_Parses"));

    [TestCaseSource(nameof(MigrationScripts))]
    public void MigrationScript_ParsesAsTSql160(string resource) => AssertParses(ScriptRunner.ReadScript(resource));

    [TestCaseSource(nameof(Statements))]
    public void Statement_ParsesAsTSql160(string portable) => AssertParses(DapperExpansion(Dialect.Render(portable)));

    [Test]
    public void StatementDiscovery_FindsTheRepositories()
    {
        var names = Statements().Select(t => t.TestName).ToList();
        Assert.That(names, Has.Count.GreaterThanOrEqualTo(20));
        Assert.That(names, Has.Some.Contains("BatchRepository.ListByProductSql"));
        Assert.That(MigrationScripts().Count(), Is.GreaterThanOrEqualTo(1));
    }

    /// <summary>The EPCIS event query is put together from the conditions a query names: with every one of them.</summary>
    [Test]
    public void EpcisQuery_WithEveryCondition_ParsesAsTSql160()
    {
        var filter = new EpcisRepository.Filter(Guid.NewGuid(), DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow,
            ["packing"], [Guid.NewGuid()], ["AbC"], ["8930000000019"], ["8930000000019"], ["shipping"],
            Objects: true, Transformations: true, MadeFrom: new DateOnly(2026, 11, 1), MadeBefore: new DateOnly(2026, 12, 1));
        AssertParses(DapperExpansion(Dialect.Render(EpcisRepository.Statement(filter, (0, 0), 10, Dialect).Sql)));
        AssertParses(DapperExpansion(Dialect.Render(EpcisRepository.Statement(filter with { Objects = false }, (0, 0), 10, Dialect, recent: true).Sql)));
        AssertParses(DapperExpansion(Dialect.Render(EpcisRepository.Statement(filter with { Objects = false, Transformations = false }, (0, 0), 10, Dialect).Sql)));
        AssertParses(DapperExpansion(Dialect.Render(EpcisRepository.Statement(filter, (0, 0), 10, Dialect, recent: true).Sql)));  // a poll of recent events
    }

    [Test]
    public void Paging_RendersTopOnSqlServer() =>
        Assert.That(Dialect.Render("SELECT {top} a FROM t ORDER BY a {limit}"), Is.EqualTo("SELECT TOP (@Limit) a FROM t ORDER BY a "));

    [Test]
    public void Parser_RejectsSqliteOnlySyntax() =>
        Assert.That(Errors("SELECT a FROM t ORDER BY a LIMIT @Limit"), Is.Not.Empty, "the check can fail");

    private static void AssertParses(string sql)
    {
        var errors = Errors(sql);
        Assert.That(errors, Is.Empty, sql);
    }

    private static List<string> Errors(string sql)
    {
        new TSql160Parser(initialQuotedIdentifiers: true).Parse(new StringReader(sql), out var errors);
        return errors.Select(e => $"line {e.Line}: {e.Message}").ToList();
    }

    /// <summary>Dapper sends "IN @Ids" as "IN (@Ids1, @Ids2, …)"; parse what it sends.</summary>
    private static string DapperExpansion(string sql) => ListParameter().Replace(sql, "IN (@$1_1, @$1_2)");

    [GeneratedRegex(@"^\s*(SELECT|INSERT|UPDATE|DELETE|MERGE|WITH)\b", RegexOptions.IgnoreCase)]
    private static partial Regex StatementStart();

    [GeneratedRegex(@"\bIN\s+@(\w+)", RegexOptions.IgnoreCase)]
    private static partial Regex ListParameter();
}
