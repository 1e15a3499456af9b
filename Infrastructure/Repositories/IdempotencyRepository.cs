using System.Data.Common;
using Dapper;
using Traceability.Domain;

namespace Traceability.Infrastructure.Repositories;

/// <summary>Idempotency keys in the database, so the guarantee holds across restarts and across API processes.</summary>
public sealed class IdempotencyRepository(Database db)
{
    public enum Outcome { Reserved, Replay, InProgress, Mismatch }

    public sealed record Stored(int StatusCode, string? Location, byte[] Body);

    /// <summary>Who holds a reservation: the holding process's liveness lease (a name in leases; null while the process
    /// has none yet) and the request's own token, which alone may complete or release it.</summary>
    public sealed record Claim(string? Holder, string Token)
    {
        public static Claim New(string? holder) => new(holder, Guid.NewGuid().ToString("N"));
    }

    private const string ForgetStaleSql = """
        DELETE FROM idempotency_keys
        WHERE account = @Account AND idempotency_key = @Key
          AND (created_unix_ms < @ExpiredBefore
               OR (state = 'pending' AND (created_unix_ms < @AbandonedBefore
                   OR (holder IS NOT NULL AND NOT EXISTS (SELECT 1 FROM leases l WHERE l.name = idempotency_keys.holder AND l.expires_unix_ms >= @Now)))))
        """;

    private const string ReserveSql = """
        INSERT INTO idempotency_keys (account, idempotency_key, request_hash, state, created_unix_ms, holder, token)
        VALUES (@Account, @Key, @Hash, 'pending', @Now, @Holder, @Token)
        """;

    private const string FindSql = """
        SELECT request_hash, state, status_code, location, body FROM idempotency_keys
        WHERE account = @Account AND idempotency_key = @Key
        """;

    /// <summary>Claims the key for this request, or says why not: the first response to replay, a request still
    /// running, or a different request under the same key. Keys expire after <paramref name="lifetime"/>; a request
    /// that never finished releases its key as soon as its process's liveness lease runs out (the process died), or
    /// after <paramref name="abandonAfter"/> when its process had none.</summary>
    public async Task<(Outcome Outcome, Stored? Response)> ReserveAsync(
        string account, string key, byte[] requestHash, DateTimeOffset now, TimeSpan lifetime, TimeSpan abandonAfter, Claim claim, CancellationToken ct)
    {
        var nowMs = now.ToUnixTimeMilliseconds();
        var args = new
        {
            Account = account, Key = key, Hash = requestHash, Now = nowMs, claim.Holder, claim.Token,
            ExpiredBefore = nowMs - (long)lifetime.TotalMilliseconds, AbandonedBefore = nowMs - (long)abandonAfter.TotalMilliseconds,
        };
        await using var connection = await db.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(db.Sql(ForgetStaleSql), args, cancellationToken: ct));
        try
        {
            await connection.ExecuteAsync(new CommandDefinition(db.Sql(ReserveSql), args, cancellationToken: ct));
            return (Outcome.Reserved, null);
        }
        catch (Exception e) when (db.Dialect.IsUniqueViolation(e))
        {
            var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(db.Sql(FindSql), args, cancellationToken: ct));
            if (row is null) return await ReserveAsync(account, key, requestHash, now, lifetime, abandonAfter, claim, ct);
            if (!row.RequestHash.AsSpan().SequenceEqual(requestHash)) return (Outcome.Mismatch, null);
            if (row.State == "pending") return (Outcome.InProgress, null);
            return (Outcome.Replay, new Stored(row.StatusCode ?? 200, row.Location, row.Body ?? []));
        }
    }

    private const string CompleteSql = """
        UPDATE idempotency_keys SET state = 'done', status_code = @StatusCode, location = @Location, body = @Body
        WHERE account = @Account AND idempotency_key = @Key AND state = 'pending' AND token = @Token
        """;

    /// <summary>Stores the response in the transaction of the write it describes, so that both commit or neither does.</summary>
    public async Task CompleteAsync(DbConnection connection, DbTransaction transaction, string account, string key, Claim claim, Stored response, CancellationToken ct)
    {
        var rows = await connection.ExecuteAsync(new CommandDefinition(db.Sql(CompleteSql),
            new { Account = account, Key = key, claim.Token, response.StatusCode, response.Location, response.Body }, transaction, cancellationToken: ct));
        // The reservation is no longer this request's (swept, or taken over by a retry because this process seemed dead):
        // the write must not commit, neither unreplayable nor beside the retry's own.
        if (rows != 1) throw new ConflictException($"Idempotency-Key '{key}' expired while the request ran; retry it.");
    }

    private const string ReleaseSql = """
        DELETE FROM idempotency_keys WHERE account = @Account AND idempotency_key = @Key AND state = 'pending' AND token = @Token
        """;

    /// <summary>Frees the key of a request that failed, so that a retry runs it again (never a reservation that is no
    /// longer this request's).</summary>
    public async Task ReleaseAsync(string account, string key, Claim claim, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(db.Sql(ReleaseSql), new { Account = account, Key = key, claim.Token }, cancellationToken: ct));
    }

    private const string SweepSql = "DELETE FROM idempotency_keys WHERE created_unix_ms < @ExpiredBefore";

    public async Task<int> SweepAsync(DateTimeOffset now, TimeSpan lifetime, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(db.Sql(SweepSql),
            new { ExpiredBefore = now.ToUnixTimeMilliseconds() - (long)lifetime.TotalMilliseconds }, cancellationToken: ct));
    }

    private sealed class Row
    {
        public byte[] RequestHash { get; set; } = [];
        public string State { get; set; } = "";
        public int? StatusCode { get; set; }
        public string? Location { get; set; }
        public byte[]? Body { get; set; }
    }
}
