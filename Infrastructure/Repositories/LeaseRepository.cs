using Dapper;

namespace Traceability.Infrastructure.Repositories;

/// <summary>Leases: work that one API process at a time should do (the chain audit) takes a named lease that expires
/// unless renewed, so a process that dies lets another take over. Times are Unix milliseconds (instants on both
/// databases); clocks only decide when a dead holder's lease may be taken, never what data wins.</summary>
public sealed class LeaseRepository(Database db)
{
    private const string RenewSql = """
        UPDATE leases SET holder = @Holder, expires_unix_ms = @Until
        WHERE name = @Name AND (holder = @Holder OR expires_unix_ms < @Now)
        """;
    private const string InsertSql = "INSERT INTO leases (name, holder, expires_unix_ms) VALUES (@Name, @Holder, @Until)";
    private const string ReleaseSql = "UPDATE leases SET expires_unix_ms = 0 WHERE name = @Name AND holder = @Holder";

    /// <summary>Takes or renews <paramref name="name"/> for <paramref name="holder"/> until <paramref name="now"/> +
    /// <paramref name="duration"/>; false while another holder's lease runs.</summary>
    public async Task<bool> TryAcquireAsync(string name, string holder, DateTimeOffset now, TimeSpan duration, CancellationToken ct)
    {
        var args = new { Name = name, Holder = holder, Now = now.ToUnixTimeMilliseconds(), Until = (now + duration).ToUnixTimeMilliseconds() };
        using var turn = await db.EnterWriteAsync(ct);
        await using var connection = await db.OpenAsync(ct);
        if (await connection.ExecuteAsync(new CommandDefinition(db.Sql(RenewSql), args, cancellationToken: ct)) == 1) return true;
        try
        {
            return await connection.ExecuteAsync(new CommandDefinition(db.Sql(InsertSql), args, cancellationToken: ct)) == 1;
        }
        catch (Exception e) when (db.Dialect.IsUniqueViolation(e))
        {
            return false;  // held by another
        }
    }

    public async Task ReleaseAsync(string name, string holder, CancellationToken ct)
    {
        using var turn = await db.EnterWriteAsync(ct);
        await using var connection = await db.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(db.Sql(ReleaseSql), new { Name = name, Holder = holder }, cancellationToken: ct));
    }

    private const string SweepProcessesSql = "DELETE FROM leases WHERE name LIKE 'process:%' AND expires_unix_ms < @Before";

    /// <summary>Forgets the liveness leases of processes gone since before <paramref name="before"/> (each start takes a new
    /// one): the table stays as small as the number of processes running, over years of restarts.</summary>
    public async Task<int> SweepProcessesAsync(DateTimeOffset before, CancellationToken ct)
    {
        using var turn = await db.EnterWriteAsync(ct);
        await using var connection = await db.OpenAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(db.Sql(SweepProcessesSql), new { Before = before.ToUnixTimeMilliseconds() }, cancellationToken: ct));
    }
}
