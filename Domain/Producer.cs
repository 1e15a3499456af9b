namespace Traceability.Domain;

public enum ProducerKind { Cooperative, CooperativeGroup, Enterprise, Household }

/// <summary>Commune and province as given, with the 2025 two-level administrative codes where known
/// (2-digit province, 5-digit commune).</summary>
public sealed record Address(string? Line, string Commune, string Province, string? CommuneCode, string? ProvinceCode);

/// <summary>A subject of OCOP (chủ thể): cooperative, cooperative group, enterprise or household business.</summary>
public sealed record Producer(
    Guid Id, string Name, ProducerKind Kind, string? TaxCode, Address Address,
    string? Phone, string? Email, DateTimeOffset CreatedAt);
