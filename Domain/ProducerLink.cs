using System.Net;
using System.Text.RegularExpressions;

namespace Traceability.Domain;

/// <summary>A link a producer adds to the GS1 resolver for one of its products (its GTIN) or one lot of it: a GS1 Web
/// Vocabulary link type (a recipe, instructions, its shop…), an https target, a title, and optionally the language and
/// media type of what it points to. <see cref="IsDefault"/>: the one of its link type (and level) a shopper gets when
/// none is in the shopper's language. <see cref="IsDefaultLink"/>: where the GTIN's own Digital Link (no lot) goes by
/// default instead of the product's page; never a lot's, whose default stays its provenance page.</summary>
public sealed record ProducerLink(Guid Id, Guid ProductId, Guid ProducerId, string? LotNumber, string LinkType, string Href, string Title,
    string? Language, string? MediaType, bool IsDefault, DateTimeOffset CreatedAt, bool IsDefaultLink = false);

public static partial class ProducerLinks
{
    public const int MaxPerProduct = 50;
    public const int MaxHref = 2000;
    public const int MaxTitle = 200;

    /// <summary>The GS1 Web Vocabulary's link types (v1.16, github.com/gs1/WebVoc linktypes.json).</summary>
    public static readonly IReadOnlySet<string> Gs1LinkTypes = new HashSet<string>(StringComparer.Ordinal)
    {
        "activityIdeas", "allergenInfo", "appDownload", "backgroundInfo", "brandHomepageClinical", "brandHomepagePatient", "careersInfo",
        "certificationInfo", "consumerHandlingStorageInfo", "defaultLink", "defaultLinkMulti", "dpp", "eifu", "epcis", "epil", "eventsInfo",
        "faqs", "handledBy", "hasRetailers", "homepage", "ingredientsInfo", "instructions", "jws", "leaveReview", "locationInfo",
        "logisticsInfo", "loyaltyProgram", "masterData", "menuInfo", "nutritionalInfo", "openingHoursInfo", "paymentLink", "pip",
        "productSustainabilityInfo", "promotion", "purchaseSuppliesOrAccessories", "quickStartGuide", "recallStatus", "recipeInfo",
        "registerProduct", "registryEntry", "relatedImage", "relatedVideo", "reportFound", "review", "safetyInfo", "scheduleTime",
        "serviceInfo", "smartLabel", "smpc", "socialMedia", "statisticInfo", "subscribe", "support", "sustainabilityInfo", "traceability",
        "tutorial", "userAgreement", "verificationService", "whatsInTheBox",
    };

    /// <summary>The registry's own links, which carry what a shopper must be able to trust (the provenance page, the record,
    /// the certification, the recall status, the item check): no producer may add one, so a scan asking for them always
    /// reaches this registry.</summary>
    public static readonly IReadOnlySet<string> Reserved = new HashSet<string>(StringComparer.Ordinal)
    {
        "defaultLink", "defaultLinkMulti", "pip", "traceability", "epcis", "certificationInfo", "recallStatus", "verificationService",
        "jws", "registryEntry",
    };

    /// <summary>Checks what a producer sent; the link type without its namespace (gs1: or https://gs1.org/voc/ accepted).</summary>
    public static (string LinkType, string Href, string Title, string? Language, string? MediaType) Validate(
        string? linkType, string? href, string? title, string? language, string? mediaType, string? lotNumber)
    {
        var v = new FieldErrors();
        var type = Text.Normalize(linkType)?.Trim() ?? "";
        foreach (var ns in new[] { "gs1:", "https://gs1.org/voc/", "https://ref.gs1.org/voc/", "http://gs1.org/voc/" })
            if (type.StartsWith(ns, StringComparison.Ordinal)) type = type[ns.Length..];
        if (type.Length == 0) v.Add("linkType", "Required: a GS1 Web Vocabulary link type, e.g. gs1:recipeInfo.");
        else if (!Gs1LinkTypes.Contains(type)) v.Add("linkType", "Not a GS1 Web Vocabulary link type (https://ref.gs1.org/voc/?show=linktypes).");
        else if (Reserved.Contains(type)) v.Add("linkType", $"gs1:{type} is the registry's own link (the provenance page, its record, certification, recall status or item check) and cannot be added.");
        var target = Text.Normalize(href)?.Trim() ?? "";
        if (target.Length == 0) v.Add("href", "Required.");
        else if (HrefProblem(target) is { } problem) v.Add("href", problem);
        var name = v.Required("title", Text.Normalize(title), MaxTitle);
        var lang = Text.EmptyToNull(Text.Normalize(language)?.Trim());
        if (lang is not null && !LanguageTag().IsMatch(lang)) v.Add("language", "A language tag such as vi, en or en-US.");
        var media = Text.EmptyToNull(Text.Normalize(mediaType)?.Trim());
        if (media is not null && !MediaTypeForm().IsMatch(media)) v.Add("mediaType", "A media type such as text/html or application/pdf.");
        if (lotNumber is not null && !LotNumber.IsValid(lotNumber)) v.Add("lotNumber", "1–20 characters of GS1 AI character set 82, as on the label.");
        v.ThrowIfInvalid();
        return (type, target, name, lang?.ToLowerInvariant(), media?.ToLowerInvariant());
    }

    /// <summary>Where a producer's link may point: https to a public host, nothing hidden in it.</summary>
    public static string? HrefProblem(string href)
    {
        if (href.Length > MaxHref) return $"At most {MaxHref} characters.";
        if (!Uri.TryCreate(href, UriKind.Absolute, out var uri) || uri.Scheme != "https") return "An absolute https URL.";
        if (uri.UserInfo.Length > 0) return "No user name or password in the URL.";
        var host = uri.IdnHost.Trim('[', ']');
        if (uri.IsLoopback || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase) || !host.Contains('.')
            || (IPAddress.TryParse(host, out _)))
            return "A public host name (not an address, loopback or a local name).";
        return null;
    }

    [GeneratedRegex(@"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")]
    private static partial Regex LanguageTag();

    [GeneratedRegex(@"^[a-z0-9][a-z0-9!#$&^_.+-]*/[a-z0-9][a-z0-9!#$&^_.+-]*$", RegexOptions.IgnoreCase)]
    private static partial Regex MediaTypeForm();
}
