using System.Globalization;
using System.Text;
using Traceability.Domain;
using Traceability.Domain.Events;
using Traceability.Infrastructure.Repositories;

namespace Traceability.Api.Epcis;

/// <summary>The query parameters of a SimpleEventQuery, read into a filter.</summary>
public static class EpcisQuery
{
    /// <summary>A query read: <paramref name="Filter"/> over the batches' events (null: none of them can match, or the page
    /// starts among the kept events), then <paramref name="Kept"/> over the events kept as captured (null: this reader sees
    /// none), from <paramref name="KeptAfter"/>.</summary>
    public sealed record Read(EpcisRepository.Filter? Filter, (long BatchSeq, long Sequence) After, int PerPage,
        EpcisEventRepository.Filter? Kept = null, long KeptAfter = 0);

    private static readonly HashSet<string> Supported = new(StringComparer.Ordinal)
    {
        "eventType", "GE_eventTime", "LT_eventTime", "GE_recordTime", "LT_recordTime", "EQ_bizStep", "EQ_disposition", "MATCH_anyEPC", "MATCH_epc",
        "MATCH_anyEPCClass", "MATCH_epcClass", "EQ_readPoint", "EQ_bizLocation", "perPage", "nextPageToken",
    };

    /// <summary>Reads the query; a null filter is a query that can match nothing here (eventType without ObjectEvent,
    /// an identifier no batch has).</summary>
    /// <param name="producerId">A producer's query: its own batches only.</param>
    /// <param name="provinceCode">A province authority's query: its province's batches only.</param>
    /// <param name="anonymous">Without a key, a query must name the lot or item it asks about, as its public page does.</param>
    public static async Task<Read> ReadAsync(IQueryCollection q, Guid? producerId, string? provinceCode, bool anonymous, string publicBase,
        EpcisRepository epcis, CancellationToken ct)
    {
        var v = new FieldErrors();
        if (anonymous && !new[] { "MATCH_anyEPCClass", "MATCH_epcClass", "MATCH_anyEPC", "MATCH_epc" }.Any(q.ContainsKey))
            v.Add("MATCH_anyEPCClass", "Without an API key, a query names the lot (MATCH_anyEPCClass: its Digital Link or page URL) or the item "
                                       + "(MATCH_anyEPC) it asks about, and answers what that lot's public page shows. With a key, a producer queries "
                                       + "its own events and an authority those in its remit.");
        foreach (var name in q.Keys.Where(k => !Supported.Contains(k)))
            v.Add(name, $"Not a query parameter this API supports: {string.Join(", ", Supported.Order(StringComparer.Ordinal))}.");
        var perPage = EpcisEndpoints.DefaultPerPage;
        if (q.TryGetValue("perPage", out var pp) && (!int.TryParse(pp, NumberStyles.None, CultureInfo.InvariantCulture, out perPage) || perPage is < 1 or > EpcisEndpoints.MaxPerPage))
            v.Add("perPage", $"A whole number from 1 to {EpcisEndpoints.MaxPerPage}.");
        (long, long) after = (0, 0);
        long? keptAfter = null;
        if (q.TryGetValue("nextPageToken", out var token) && !TryToken(token.ToString(), out after, out keptAfter))
            v.Add("nextPageToken", "Not a token this API issued; pass the one from the previous page.");
        var times = new Dictionary<string, DateTimeOffset?>();
        foreach (var name in new[] { "GE_eventTime", "LT_eventTime", "GE_recordTime", "LT_recordTime" })
        {
            times[name] = null;
            if (!q.TryGetValue(name, out var value)) continue;
            if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) && Bounds.Contains(t)) times[name] = t;
            else v.Add(name, "An ISO 8601 date and time, e.g. 2026-11-01T00:00:00+07:00.");
        }
        v.ThrowIfInvalid();

        // A producer reads its captured events as it sent them, a province authority those attached to its province's
        // lots: from the kept events, after the batches' own.
        var kept = producerId is not null || provinceCode is not null
            ? await KeptFilterAsync(q, producerId, producerId is null ? provinceCode : null, times, publicBase, epcis, ct) : null;
        if (keptAfter is not null) return new Read(null, after, perPage, kept, keptAfter.Value);
        var model = await ModelFilterAsync(q, producerId, provinceCode, times, publicBase, epcis, ct);
        return new Read(model is null ? null : model with { ExcludeCaptured = kept is not null }, after, perPage, kept);
    }

    private static async Task<EpcisEventRepository.Filter> KeptFilterAsync(IQueryCollection q, Guid? producerId, string? provinceCode,
        Dictionary<string, DateTimeOffset?> times, string publicBase, EpcisRepository epcis, CancellationToken ct)
    {
        var classes = Values(q, "MATCH_anyEPCClass") ?? Values(q, "MATCH_epcClass");
        List<Guid>? batchIds = null;
        if (classes is not null)
        {
            batchIds = [];
            foreach (var uri in classes)
                if (EpcisIdentifiers.Lot(uri, publicBase) is { } lot
                    && await (lot.Code is { } code ? epcis.LotByCodeAsync(code, ct) : epcis.LotAsync(lot.Gtin14!, lot.LotNumber!, ct)) is { } found)
                    batchIds.Add(found.BatchId);
        }
        return new EpcisEventRepository.Filter(producerId, provinceCode, Values(q, "eventType"), times["GE_eventTime"], times["LT_eventTime"],
            times["GE_recordTime"], times["LT_recordTime"], Values(q, "EQ_bizStep")?.Select(s => EpcisIdentifiers.ShortName(s, "BizStep")).ToList(),
            Values(q, "EQ_disposition")?.Select(s => EpcisIdentifiers.ShortName(s, "Disp")).ToList(), Values(q, "EQ_readPoint"), Values(q, "EQ_bizLocation"),
            Values(q, "MATCH_anyEPC") ?? Values(q, "MATCH_epc"), classes, batchIds);
    }

    /// <summary>The query over the batches' own events; null when it can match none of them.</summary>
    private static async Task<EpcisRepository.Filter?> ModelFilterAsync(IQueryCollection q, Guid? producerId, string? provinceCode,
        Dictionary<string, DateTimeOffset?> times, string publicBase, EpcisRepository epcis, CancellationToken ct)
    {
        EpcisRepository.Filter? empty = null;
        var eventTypes = Values(q, "eventType");
        var objects = eventTypes?.Contains("ObjectEvent") ?? true;
        // A batch's TransformationEvent (what it was made from) has no item, place or disposition; its bizStep is
        // creating_class_instance.
        var transformations = (eventTypes?.Contains("TransformationEvent") ?? true)
                              && !q.ContainsKey("MATCH_anyEPC") && !q.ContainsKey("MATCH_epc") && !q.ContainsKey("EQ_disposition")
                              && !q.ContainsKey("EQ_readPoint") && !q.ContainsKey("EQ_bizLocation")
                              && (Values(q, "EQ_bizStep") is not { } asked || asked.Any(s => EpcisIdentifiers.ShortName(s, "BizStep") == "creating_class_instance"));
        if (!objects && !transformations) return empty;

        // Steps: named by bizStep, narrowed by disposition.
        IEnumerable<EventType>? steps = null;
        if (Values(q, "EQ_bizStep") is { } bizSteps)
        {
            var named = bizSteps.Select(s => EpcisIdentifiers.Step(s, publicBase)).OfType<EventType>().ToList();
            // The step that creates a lot is written creating_class_instance when CBV has no name for it.
            if (bizSteps.Any(s => EpcisIdentifiers.ShortName(s, "BizStep") == "creating_class_instance"))
                named.AddRange(EventTypes.All.Where(t => t.BizStep.StartsWith(EventTypes.ExtensionPrefix, StringComparison.Ordinal)).Select(t => t.Type));
            steps = named;
        }
        if (Values(q, "EQ_disposition") is { } dispositions)
        {
            var withDisposition = dispositions.SelectMany(EpcisIdentifiers.StepsWithDisposition).ToHashSet();
            steps = (steps ?? EventTypes.All.Select(t => t.Type)).Where(withDisposition.Contains).ToList();
        }
        var types = steps?.Distinct().Select(t => WireEnum<EventType>.Name(t)).ToList();
        if (types is { Count: 0 }) objects = false;
        if (!objects && !transformations) return empty;

        List<Guid>? batchIds = null;
        if ((Values(q, "MATCH_anyEPCClass") ?? Values(q, "MATCH_epcClass")) is { } classes)
        {
            batchIds = [];
            foreach (var uri in classes)
                if (EpcisIdentifiers.Lot(uri, publicBase) is { } lot
                    && await (lot.Code is { } code ? epcis.LotByCodeAsync(code, ct) : epcis.LotAsync(lot.Gtin14!, lot.LotNumber!, ct)) is { } found)
                    batchIds.Add(found.BatchId);
            if (batchIds.Count == 0) return empty;
        }
        List<string>? serials = null;
        if ((Values(q, "MATCH_anyEPC") ?? Values(q, "MATCH_epc")) is { } epcs)
        {
            serials = epcs.Select(u => EpcisIdentifiers.Serial(u, publicBase)).OfType<string>().Distinct().ToList();
            if (serials.Count == 0) return empty;
        }
        var readPoints = Glns(q, "EQ_readPoint");
        var bizLocations = Glns(q, "EQ_bizLocation");
        if (readPoints is { Count: 0 } || bizLocations is { Count: 0 }) return empty;

        return new EpcisRepository.Filter(producerId, times["GE_eventTime"], times["LT_eventTime"], times["GE_recordTime"], times["LT_recordTime"],
            types, batchIds, serials, readPoints, bizLocations, EpcisDocument.StepsWithoutBizLocation.Select(t => WireEnum<EventType>.Name(t)).ToList(),
            objects, transformations, ProductionDateFrom(times["GE_eventTime"]), ProductionDateBefore(times["LT_eventTime"]), provinceCode);
    }

    /// <summary>A TransformationEvent's eventTime is its production date at 00:00 Vietnam time: the first production date
    /// at or after <paramref name="t"/>.</summary>
    private static DateOnly? ProductionDateFrom(DateTimeOffset? t)
    {
        if (t is not { } time) return null;
        var local = time.ToOffset(VietnamTime.Offset);
        var date = DateOnly.FromDateTime(local.DateTime);
        return local.TimeOfDay == TimeSpan.Zero ? date : date.AddDays(1);
    }

    /// <summary>The first production date whose 00:00 Vietnam time is at or after <paramref name="t"/> (exclusive bound).</summary>
    private static DateOnly? ProductionDateBefore(DateTimeOffset? t) => ProductionDateFrom(t);

    private static List<string>? Glns(IQueryCollection q, string name) =>
        Values(q, name)?.Select(EpcisIdentifiers.Gln).OfType<string>().Distinct().ToList();

    /// <summary>A list parameter: repeated, or its values separated by '|', as the REST binding writes lists.</summary>
    private static List<string>? Values(IQueryCollection q, string name) =>
        q.TryGetValue(name, out var values)
            ? values.SelectMany(v => (v ?? "").Split('|', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList()
            : null;

    public static string Token(EpcisRepository.Match m) =>
        System.Buffers.Text.Base64Url.EncodeToString(Encoding.ASCII.GetBytes($"e1:{m.BatchSeq}:{m.Sequence}"));

    /// <summary>The next page starts among the kept events, after <paramref name="seq"/>.</summary>
    public static string KeptToken(long seq) => System.Buffers.Text.Base64Url.EncodeToString(Encoding.ASCII.GetBytes($"k1:{seq}"));

    private static bool TryToken(string token, out (long, long) after, out long? keptAfter)
    {
        after = (0, 0);
        keptAfter = null;
        try
        {
            var parts = Encoding.ASCII.GetString(System.Buffers.Text.Base64Url.DecodeFromChars(token)).Split(':');
            if (parts is ["k1", var k] && long.TryParse(k, out var seq) && seq >= 0)
            {
                keptAfter = seq;
                return true;
            }
            if (parts is not ["e1", var b, var s] || !long.TryParse(b, out var batch) || !long.TryParse(s, out var sequence)) return false;
            after = (batch, sequence);
            return true;
        }
        catch (FormatException) { return false; }
    }
}
