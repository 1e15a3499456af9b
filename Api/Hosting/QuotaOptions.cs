using System.ComponentModel.DataAnnotations;

namespace Traceability.Api.Hosting;

/// <summary>The "Quotas" configuration section: what one account may hold or make, so that minting keys or batches in
/// a loop buys nothing. 0 turns a daily quota off; the caps always hold.</summary>
public sealed class QuotaOptions
{
    /// <summary>Active (unrevoked, unexpired) API keys an account may hold at once.</summary>
    [Range(1, 1000)]
    public int MaxActiveKeys { get; set; } = 20;

    /// <summary>Batches a producer may register per day (Vietnam time); over it, 429 until midnight. 0: no quota.</summary>
    [Range(0, 10_000_000)]
    public int BatchesPerDay { get; set; } = 5_000;

    /// <summary>Batches one producer may make from one batch of another producer (bought in by its public code); over it,
    /// 422. A processor making its lots from a farmer's lot needs tens to hundreds.</summary>
    [Range(1, 10_000_000)]
    public int ChildrenPerForeignBatch { get; set; } = 500;

    /// <summary>Item serials a producer may hold (issued, voided included; ~50 bytes each on SQLite): 20 million is ~1 GB.</summary>
    [Range(1, 1_000_000_000)]
    public long SerialsPerProducer { get; set; } = 20_000_000;

    /// <summary>Webhook subscriptions an account may have, and of those, to one host: one event must not fan out into
    /// hundreds of signed POSTs, each retried for a day.</summary>
    [Range(1, 10_000)]
    public int WebhooksPerAccount { get; set; } = 20;

    [Range(1, 10_000)]
    public int WebhooksPerHost { get; set; } = 5;
}
