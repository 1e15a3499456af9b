using Dapper;

namespace Traceability.Infrastructure.Repositories;

/// <summary>Scan counts, written in batches from memory by the background flusher.</summary>
public sealed class ScanRepository(Database db)
{
    public sealed record Tally(Guid BatchId, long Count, DateTimeOffset First, DateTimeOffset Last);

    private const string AddSql = """
        UPDATE scan_counts SET scan_count = scan_count + @Count, last_scanned_at = @Last
        WHERE batch_id = @BatchId
        """;
    private const string InsertSql = """
        INSERT INTO scan_counts (batch_id, scan_count, first_scanned_at, last_scanned_at)
        VALUES (@BatchId, @Count, @First, @Last)
        """;

    /// <summary>Adds the tallies in one transaction. Portable update-then-insert: when two API processes insert the
    /// same new row at once, the loser's unique violation rolls back and the whole flush is retried as an update.</summary>
    public async Task AddAsync(IReadOnlyCollection<Tally> tallies, CancellationToken ct)
    {
        if (tallies.Count == 0) return;
        await using var connection = await db.OpenAsync(ct);
        for (var attempt = 0; ; attempt++)
        {
            await using var transaction = await connection.BeginTransactionAsync(ct);
            try
            {
                foreach (var t in tallies)
                    if (await connection.ExecuteAsync(new CommandDefinition(db.Sql(AddSql), t, transaction, cancellationToken: ct)) == 0)
                        await connection.ExecuteAsync(new CommandDefinition(db.Sql(InsertSql), t, transaction, cancellationToken: ct));
                await transaction.CommitAsync(ct);
                return;
            }
            catch (Exception e) when (db.Dialect.IsUniqueViolation(e) && attempt < 3)
            {
                await transaction.RollbackAsync(ct);
            }
        }
    }
}
