using System.Globalization;
using System.Text;

namespace Traceability.Infrastructure.PublicRecords;

/// <summary>Scan counts, written in batches from memory by the background flusher.</summary>
public sealed class ScanRepository(Database db)
{
    public sealed record Tally(Guid BatchId, long Count, DateTimeOffset First, DateTimeOffset Last);

    /// <summary>Adds the tallies with one set-based statement (an upsert over a JSON array), not one statement per
    /// tally: a busy second holds tens of thousands of them.</summary>
    public async Task AddAsync(IReadOnlyCollection<Tally> tallies, CancellationToken ct)
    {
        if (tallies.Count == 0) return;
        using var turn = await db.EnterWriteAsync(ct);  // like every other write: queued here, not in SQLite's busy handler
        await using var connection = await db.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var json = Json(tallies);
        // The lots' totals and their months, together or not at all.
        foreach (var sql in new[] { db.Dialect.AddBatchScansSql, db.Dialect.AddProductMonthsSql })
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = sql;
            var parameter = command.CreateParameter();
            parameter.ParameterName = "@Tallies";
            parameter.Value = json;
            command.Parameters.Add(parameter);
            await command.ExecuteNonQueryAsync(ct);
        }
        // As every commit: written into a file that is no longer the configured one, the tallies are kept for the next flush.
        await db.CommitAsync(transaction, ct);
    }

    /// <summary>[{"b":"…","n":3,"f":…,"l":…,"m":202612}, …]: the batch id as upper-case text (as Microsoft.Data.Sqlite stores a
    /// Guid parameter; SQL Server reads any case), the count, the first and last scan as the database keeps them
    /// (<see cref="ISqlDialect.CompactTimeJson"/>), and the month of the last, in Vietnam time.</summary>
    private string Json(IReadOnlyCollection<Tally> tallies)
    {
        var text = new StringBuilder(tallies.Count * 130).Append('[');
        foreach (var t in tallies)
        {
            if (text.Length > 1) text.Append(',');
            text.Append("{\"b\":\"").Append(Id(t.BatchId)).Append("\",\"n\":").Append(t.Count.ToString(CultureInfo.InvariantCulture))
                .Append(",\"f\":").Append(db.Dialect.CompactTimeJson(t.First)).Append(",\"l\":").Append(db.Dialect.CompactTimeJson(t.Last))
                .Append(",\"m\":").Append(Month(t.Last).ToString(CultureInfo.InvariantCulture)).Append('}');
        }
        return text.Append(']').ToString();
    }

    /// <summary>yyyymm of an instant in Vietnam time: the month a scan counts in.</summary>
    public static int Month(DateTimeOffset at)
    {
        var local = at.ToOffset(Domain.VietnamTime.Offset);
        return local.Year * 100 + local.Month;
    }

    private static string Id(Guid id) => id.ToString("D").ToUpperInvariant();

    /// <summary>Sorts the tallies in place in the order their rows are stored on SQLite (by id text, which is Guid's own
    /// order): written in this order, neighbouring rows share pages, and chunks of it touch separate pages.</summary>
    public static void SortInStorageOrder(List<Tally> tallies) => tallies.Sort(static (a, b) => a.BatchId.CompareTo(b.BatchId));
}
