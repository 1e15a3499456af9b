using System.Data.Common;
using Dapper;
using Traceability.Domain;

namespace Traceability.Infrastructure.Repositories;

public sealed class ProducerRepository(Database db)
{
    private const string InsertSql = """
        INSERT INTO producers (id, name, kind, tax_code, address_line, commune, province, commune_code, province_code, phone, email, created_at)
        VALUES (@Id, @Name, @Kind, @TaxCode, @Line, @Commune, @Province, @CommuneCode, @ProvinceCode, @Phone, @Email, @CreatedAt)
        """;

    /// <summary>Registers a producer together with its first API key and the act that registered it (who), in one
    /// transaction.</summary>
    public Task CreateAsync(Producer producer, ApiKeyRecord key, byte[] keyHash, ActBy by, CancellationToken ct) =>
        ApiKeyRepository.CreateAccountAsync(db, InsertSql, new
        {
            producer.Id, producer.Name, Kind = WireEnum<ProducerKind>.Name(producer.Kind), producer.TaxCode,
            producer.Address.Line, producer.Address.Commune, producer.Address.Province,
            producer.Address.CommuneCode, producer.Address.ProvinceCode, producer.Phone, producer.Email, producer.CreatedAt,
        }, key, keyHash, ct, (connection, transaction) => RecordActAsync(connection, transaction, producer.Id, ProducerActKind.Registered, by, null, producer.CreatedAt, ct));

    /// <summary>Who acted on a producer's account: the admin (no id) or an authority.</summary>
    public sealed record ActBy(Role Role, Guid? Id, string Name);

    private const string InsertActSql = """
        INSERT INTO producer_acts (producer_id, act, by_role, by_id, by_name, reason, at) VALUES (@ProducerId, @Act, @ByRole, @ById, @ByName, @Reason, @At)
        """;

    private Task RecordActAsync(DbConnection connection, DbTransaction transaction, Guid producerId, ProducerActKind act, ActBy by, string? reason,
        DateTimeOffset at, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition(db.Sql(InsertActSql), new
        {
            ProducerId = producerId, Act = WireEnum<ProducerActKind>.Name(act), ByRole = WireEnum<Role>.Name(by.Role), ById = by.Id, ByName = by.Name,
            Reason = reason, At = at,
        }, transaction, cancellationToken: ct));

    private const string DeactivateSql = "UPDATE producers SET deactivated_at = @At, deactivation_reason = @Reason WHERE id = @Id AND deactivated_at IS NULL";
    private const string ReactivateSql = "UPDATE producers SET deactivated_at = NULL, deactivation_reason = NULL WHERE id = @Id AND deactivated_at IS NOT NULL";

    /// <summary>Deactivates or reactivates a producer and records the act, in one transaction; false when it already was
    /// (nothing recorded).</summary>
    public async Task<bool> SetActiveAsync(Guid id, bool active, ActBy by, string reason, DateTimeOffset at, CancellationToken ct)
    {
        using var turn = await db.EnterWriteAsync(ct);
        await using var connection = await db.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var changed = await connection.ExecuteAsync(new CommandDefinition(db.Sql(active ? ReactivateSql : DeactivateSql),
            new { Id = id, At = at, Reason = reason }, transaction, cancellationToken: ct));
        if (changed == 0) return false;
        await RecordActAsync(connection, transaction, id, active ? ProducerActKind.Reactivated : ProducerActKind.Deactivated, by, reason, at, ct);
        await db.CommitAsync(transaction, ct);
        return true;
    }

    private const string ActsSql = """
        SELECT seq, producer_id, act, by_role, by_id, by_name, reason, at FROM producer_acts WHERE producer_id = @Id ORDER BY seq
        """;

    /// <summary>Every act on a producer's account, oldest first.</summary>
    public async Task<IReadOnlyList<ProducerAct>> ActsAsync(Guid id, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return (await connection.QueryAsync<ActRow>(new CommandDefinition(db.Sql(ActsSql), new { Id = id }, cancellationToken: ct)))
            .Select(r => new ProducerAct(r.Seq, r.ProducerId, WireEnum<ProducerActKind>.Parse(r.Act), WireEnum<Role>.Parse(r.ByRole), r.ById, r.ByName, r.Reason, r.At))
            .ToList();
    }

    private sealed class ActRow
    {
        public long Seq { get; set; }
        public Guid ProducerId { get; set; }
        public string Act { get; set; } = "";
        public string ByRole { get; set; } = "";
        public Guid? ById { get; set; }
        public string ByName { get; set; } = "";
        public string? Reason { get; set; }
        public DateTimeOffset At { get; set; }
    }

    internal const string Columns = "id, name, kind, tax_code, address_line, commune, province, commune_code, province_code, phone, email, created_at, deactivated_at, deactivation_reason";
    private const string GetSql = $"SELECT {Columns} FROM producers WHERE id = @Id";

    public async Task<Producer?> GetAsync(Guid id, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(db.Sql(GetSql), new { Id = id }, cancellationToken: ct));
        return row?.ToProducer();
    }

    private const string UncodedSql = "SELECT id AS Id, province AS Value FROM producers WHERE province_code IS NULL";
    private const string SetCodeSql = "UPDATE producers SET province_code = @Code WHERE id = @Id AND province_code IS NULL";

    /// <summary>Gives producers registered without a province code their code, from their province's name where it
    /// resolves (<paramref name="resolve"/>); returns how many it coded.</summary>
    public Task<int> BackfillProvinceCodesAsync(Func<string, string?> resolve, CancellationToken ct) =>
        Backfill.RunAsync(db, UncodedSql, SetCodeSql, resolve, ct);

    internal sealed class Row
    {
        public Guid Id { get; set; }
        public string Name { get; set; } = "";
        public string Kind { get; set; } = "";
        public string? TaxCode { get; set; }
        public string? AddressLine { get; set; }
        public string Commune { get; set; } = "";
        public string Province { get; set; } = "";
        public string? CommuneCode { get; set; }
        public string? ProvinceCode { get; set; }
        public string? Phone { get; set; }
        public string? Email { get; set; }
        public DateTimeOffset CreatedAt { get; set; }
        public DateTimeOffset? DeactivatedAt { get; set; }
        public string? DeactivationReason { get; set; }

        public Producer ToProducer() => new(Id, Name, WireEnum<ProducerKind>.Parse(Kind), TaxCode,
            new Address(AddressLine, Commune, Province, CommuneCode, ProvinceCode), Phone, Email, CreatedAt,
            DeactivatedAt is { } at ? new ProducerDeactivation(at, DeactivationReason ?? "") : null);
    }
}
