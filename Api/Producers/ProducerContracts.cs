using System.ComponentModel.DataAnnotations;
using System.Net.Mail;
using System.Text.RegularExpressions;
using Traceability.Api.Auth;
using Traceability.Api.Authorities;
using Traceability.Api.Wire;
using Traceability.Domain;

namespace Traceability.Api.Producers;

public sealed record AddressDto(string? Line, [property: Required] string? Commune, [property: Required] string? Province, string? CommuneCode, string? ProvinceCode);

public sealed partial record CreateProducerRequest(
    [property: Required] string? Name, [property: Required, OneOf(typeof(ProducerKind))] string? Kind, string? TaxCode,
    [property: Required] AddressDto? Address, string? Phone, string? Email)
{
    public Producer ToProducer(Guid id, DateTimeOffset now)
    {
        var v = new FieldErrors();
        var name = v.Required("name", Name, 200);
        var kind = v.Enum<ProducerKind>("kind", Kind);
        var taxCode = v.Optional("taxCode", TaxCode, 14);
        if (taxCode is not null && !TaxCodePattern().IsMatch(taxCode)) v.Add("taxCode", "A Vietnamese tax code: 10 digits, or 10 digits, a hyphen and 3 digits.");
        var phone = v.Optional("phone", Phone, 30);
        if (phone is not null && !PhonePattern().IsMatch(phone)) v.Add("phone", "Digits, spaces and + ( ) . - only.");
        var email = v.Optional("email", Email, 254);
        if (email is not null && !MailAddress.TryCreate(email, out _)) v.Add("email", "Not an email address.");
        Address? address = null;
        if (Address is null) v.Add("address", "Required: at least commune and province.");
        else
        {
            var line = v.Optional("address.line", Address.Line, 300);
            var commune = v.Required("address.commune", Address.Commune, 100);
            var province = v.Required("address.province", Address.Province, 100);
            var communeCode = v.Optional("address.communeCode", Address.CommuneCode, 5);
            if (communeCode is not null && !CommuneCodePattern().IsMatch(communeCode)) v.Add("address.communeCode", "5 digits (2025 administrative code).");
            // The province decides which province authority's remit the producer is in: it must be on the official list.
            var provinceCode = ProvinceFields.Resolve(v, "address.province", province, "address.provinceCode", Address.ProvinceCode);
            address = new Address(line, commune, province, communeCode, provinceCode);
        }
        v.ThrowIfInvalid();
        return new Producer(id, name, kind!.Value, taxCode, address!, phone, email, now);
    }

    [GeneratedRegex(@"^\d{10}(-\d{3})?$")] private static partial Regex TaxCodePattern();
    [GeneratedRegex(@"^\+?[0-9 ().-]{6,30}$")] private static partial Regex PhonePattern();
    [GeneratedRegex(@"^\d{5}$")] private static partial Regex CommuneCodePattern();
}

/// <param name="Deactivation">Set while the producer is deactivated: since when and why.</param>
public sealed record ProducerResponse(
    Guid Id, string Name, [property: OneOf(typeof(ProducerKind))] string Kind, string? TaxCode, AddressDto Address, string? Phone, string? Email, DateTimeOffset CreatedAt,
    ProducerDeactivationResponse? Deactivation)
{
    public static ProducerResponse From(Producer p) => new(p.Id, p.Name, WireEnum<ProducerKind>.Name(p.Kind), p.TaxCode,
        new AddressDto(p.Address.Line, p.Address.Commune, p.Address.Province, p.Address.CommuneCode, p.Address.ProvinceCode),
        p.Phone, p.Email, p.CreatedAt, p.Deactivation is { } d ? new ProducerDeactivationResponse(d.At, d.Reason) : null);
}

public sealed record ProducerDeactivationResponse(DateTimeOffset At, string Reason);

/// <summary>Why a producer is deactivated or reactivated: kept with the act, shown to the producer.</summary>
public sealed record ProducerActRequest([property: Required] string? Reason)
{
    public string Validate()
    {
        var v = new FieldErrors();
        var reason = v.Required("reason", Reason, 500, multiLine: true);
        v.ThrowIfInvalid();
        return reason;
    }
}

/// <summary>One act on a producer's account: registered, deactivated or reactivated, by whom (the admin, or an authority by
/// name), when and why.</summary>
public sealed record ProducerActResponse([property: OneOf(typeof(ProducerActKind))] string Act, [property: OneOf(typeof(Role))] string ByRole, Guid? ById,
    string ByName, string? Reason, DateTimeOffset At)
{
    public static ProducerActResponse From(ProducerAct a) =>
        new(WireEnum<ProducerActKind>.Name(a.Act), WireEnum<Role>.Name(a.ByRole), a.ById, a.ByName, a.Reason, a.At);
}

/// <summary>The new account's id and its first API key, shown this once.</summary>
public sealed record AccountCreatedResponse<T>(Guid Id, Guid ApiKeyId, string ApiKey, T Account);

/// <summary>A new API key, shown this once; only its hash is stored.</summary>
public sealed record ApiKeyCreatedResponse(Guid Id, string ApiKey, string? Name, IReadOnlyList<string> Scopes, DateTimeOffset? ExpiresAt)
{
    public static ApiKeyCreatedResponse From(Auth.IssuedKey key) =>
        new(key.Record.Id, key.Secret, key.Record.Name, ApiKeyResponse.ScopeList(key.Record.Scopes), key.Record.ExpiresAt);
}
