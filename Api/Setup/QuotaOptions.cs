using System.ComponentModel.DataAnnotations;

namespace Traceability.Api.Setup;

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
}
