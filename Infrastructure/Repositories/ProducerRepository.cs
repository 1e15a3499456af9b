using Dapper;
using Traceability.Domain;

namespace Traceability.Infrastructure.Repositories;

public sealed class ProducerRepository(Database db)
{
    private const string InsertSql = """
        INSERT INTO producers (id, name, kind, tax_code, address_line, commune, province, commune_code, province_code, phone, email, created_at)
        VALUES (@Id, @Name, @Kind, @TaxCode, @Line, @Commune, @Province, @CommuneCode, @ProvinceCode, @Phone, @Email, @CreatedAt)
        """;

    /// <summary>Registers a producer together with its first API key, in one transaction.</summary>
    public Task CreateAsync(Producer producer, ApiKeyRecord key, byte[] keyHash, CancellationToken ct) =>
        ApiKeyRepository.CreateAccountAsync(db, InsertSql, new
        {
            producer.Id, producer.Name, Kind = WireEnum<ProducerKind>.Name(producer.Kind), producer.TaxCode,
            producer.Address.Line, producer.Address.Commune, producer.Address.Province,
            producer.Address.CommuneCode, producer.Address.ProvinceCode, producer.Phone, producer.Email, producer.CreatedAt,
        }, key, keyHash, ct);

    internal const string Columns = "id, name, kind, tax_code, address_line, commune, province, commune_code, province_code, phone, email, created_at";
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
        ProvinceBackfill.RunAsync(db, UncodedSql, SetCodeSql, resolve, ct);

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

        public Producer ToProducer() => new(Id, Name, WireEnum<ProducerKind>.Parse(Kind), TaxCode,
            new Address(AddressLine, Commune, Province, CommuneCode, ProvinceCode), Phone, Email, CreatedAt);
    }
}
