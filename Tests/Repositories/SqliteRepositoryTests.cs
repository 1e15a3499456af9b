using Microsoft.Data.Sqlite;
using NUnit.Framework;
using Traceability.Infrastructure;
using Traceability.Infrastructure.Sqlite;
using Traceability.Tests.Support;

namespace Traceability.Tests.Repositories;

[TestFixture]
public sealed class SqliteRepositoryTests : RepositoryContract
{
    private readonly string _path = TestPaths.NewDatabaseFile();

    protected override ISqlDialect CreateDialect() => new SqliteDialect($"Data Source={_path}");

    protected override void DropDatabase()
    {
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" }) File.Delete(_path + suffix);
    }

    [Test]
    public async Task Database_IsInWalMode_WithForeignKeysOn()
    {
        await using var connection = await CreateDialect().OpenAsync(default);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        Assert.That(await command.ExecuteScalarAsync(), Is.EqualTo("wal"));
        command.CommandText = "PRAGMA foreign_keys";
        Assert.That(await command.ExecuteScalarAsync(), Is.EqualTo(1L));
    }
}
