namespace Traceability.Domain;

/// <summary>An account's kind: an OCOP subject (cooperative, cooperative group, enterprise, household business), or a
/// trader further down the chain (distributor, wholesaler, retailer) that records what it does with lots shipped to it.</summary>
public enum ProducerKind { Cooperative, CooperativeGroup, Enterprise, Household, Distributor, Wholesaler, Retailer }

/// <summary>Commune and province as given, with the 2025 two-level administrative codes where known
/// (2-digit province, 5-digit commune).</summary>
public sealed record Address(string? Line, string Commune, string Province, string? CommuneCode, string? ProvinceCode);

/// <summary>A subject of OCOP (chủ thể): cooperative, cooperative group, enterprise or household business.
/// <paramref name="Deactivation"/>: set while the producer is deactivated (its writes refused, its records still shown).</summary>
public sealed record Producer(
    Guid Id, string Name, ProducerKind Kind, string? TaxCode, Address Address,
    string? Phone, string? Email, DateTimeOffset CreatedAt, ProducerDeactivation? Deactivation = null)
{
    public bool IsActive => Deactivation is null;
}

/// <summary>When and why a producer was deactivated.</summary>
public sealed record ProducerDeactivation(DateTimeOffset At, string Reason);

public enum ProducerActKind { Registered, Deactivated, Reactivated }

/// <summary>One act on a producer's account by the admin or an authority: who, when, why (the audit the province keeps).</summary>
public sealed record ProducerAct(long Seq, Guid ProducerId, ProducerActKind Act, Role ByRole, Guid? ById, string ByName, string? Reason, DateTimeOffset At);
