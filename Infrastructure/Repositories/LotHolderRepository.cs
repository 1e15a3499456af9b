using Dapper;

namespace Traceability.Infrastructure.Repositories;

/// <summary>Who holds a lot besides its producer (migration lot_holders): the accounts its shipping events named as
/// receivers. A holder may read the lot and record its own events about it.</summary>
public sealed class LotHolderRepository(Database db)
{
    private const string HeldSql = "SELECT batch_id FROM lot_holders WHERE holder_id = @HolderId AND batch_id IN @BatchIds";

    /// <summary>Which of these lots the account holds.</summary>
    public async Task<IReadOnlySet<Guid>> HeldAsync(Guid holderId, IReadOnlyCollection<Guid> batchIds, CancellationToken ct)
    {
        if (batchIds.Count == 0) return new HashSet<Guid>();
        await using var connection = await db.OpenAsync(ct);
        var found = new HashSet<Guid>();
        foreach (var part in batchIds.Distinct().Chunk(500))
            found.UnionWith(await connection.QueryAsync<Guid>(new CommandDefinition(db.Sql(HeldSql), new { HolderId = holderId, BatchIds = part }, cancellationToken: ct)));
        return found;
    }

    public async Task<bool> HoldsAsync(Guid holderId, Guid batchId, CancellationToken ct) => (await HeldAsync(holderId, [batchId], ct)).Count == 1;

    private const string HoldersSql = "SELECT batch_id AS Id, holder_id AS Value FROM lot_holders WHERE batch_id IN @BatchIds";

    /// <summary>The holders of these lots, by lot, read in the caller's transaction (a recall tells them).</summary>
    public async Task<ILookup<Guid, Guid>> HoldersOfAsync(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction transaction,
        IReadOnlyCollection<Guid> batchIds, CancellationToken ct)
    {
        var rows = new List<Pair<Guid>>();
        foreach (var part in batchIds.Distinct().Chunk(500))
            rows.AddRange(await connection.QueryAsync<Pair<Guid>>(new CommandDefinition(db.Sql(HoldersSql), new { BatchIds = part }, transaction, cancellationToken: ct)));
        return rows.ToLookup(p => p.Id, p => p.Value);
    }
}
