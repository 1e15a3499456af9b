using System.Data;
using System.Globalization;
using Dapper;

namespace Traceability.Infrastructure;

/// <summary>Dapper type handlers that read both providers' representations: SQLite hands back TEXT/BLOB/REAL
/// where SQL Server hands back uniqueidentifier/datetimeoffset/date/decimal.</summary>
public static class TypeHandlers
{
    private static int _registered;

    public static void Register()
    {
        if (Interlocked.Exchange(ref _registered, 1) == 1) return;
        DefaultTypeMap.MatchNamesWithUnderscores = true;
        Add(new GuidHandler());
        Add(new DateTimeOffsetHandler());
        Add(new DateOnlyHandler());
        Add(new DecimalHandler());
    }

    private static void Add<T>(SqlMapper.TypeHandler<T> handler)
    {
        SqlMapper.RemoveTypeMap(typeof(T));
        SqlMapper.RemoveTypeMap(typeof(T?));
        SqlMapper.AddTypeHandler(handler);
    }

    /// <summary>Sets a parameter as Dapper sets it through these handlers (and its own rules for strings and numbers),
    /// for statements that bind their values themselves (<see cref="Repositories.RepeatedCommand"/>).</summary>
    public static void Bind(IDbDataParameter parameter, object? value)
    {
        switch (value)
        {
            case null: parameter.DbType = DbType.String; parameter.Value = DBNull.Value; break;
            case Guid g: SetGuid(parameter, g); break;
            case DateTimeOffset d: SetDateTimeOffset(parameter, d); break;
            case DateOnly d: SetDateOnly(parameter, d); break;
            case decimal d: SetDecimal(parameter, d); break;
            // Dapper's string size: 4,000 or "max", so that SQL Server reuses one plan for every length.
            case string s: parameter.DbType = DbType.String; parameter.Size = s.Length > 4000 ? -1 : 4000; parameter.Value = s; break;
            case long l: parameter.DbType = DbType.Int64; parameter.Value = l; break;
            case int i: parameter.DbType = DbType.Int32; parameter.Value = i; break;
            case double x: parameter.DbType = DbType.Double; parameter.Value = x; break;
            case bool b: parameter.DbType = DbType.Boolean; parameter.Value = b; break;
            default: throw new ArgumentException($"No binding for {value.GetType()}.", nameof(value));
        }
    }

    private static void SetGuid(IDbDataParameter parameter, Guid value) { parameter.DbType = DbType.Guid; parameter.Value = value; }
    private static void SetDateTimeOffset(IDbDataParameter parameter, DateTimeOffset value) { parameter.DbType = DbType.DateTimeOffset; parameter.Value = value; }
    private static void SetDateOnly(IDbDataParameter parameter, DateOnly value) { parameter.DbType = DbType.Date; parameter.Value = value.ToDateTime(TimeOnly.MinValue); }
    private static void SetDecimal(IDbDataParameter parameter, decimal value) { parameter.DbType = DbType.Decimal; parameter.Value = value; }

    private sealed class GuidHandler : SqlMapper.TypeHandler<Guid>
    {
        public override void SetValue(IDbDataParameter parameter, Guid value) => SetGuid(parameter, value);
        public override Guid Parse(object value) => ToGuid(value);
    }

    /// <summary>A Guid as either provider returns it (also for readers that do not go through Dapper).</summary>
    public static Guid ToGuid(object value) => value switch
        {
            Guid g => g,
            byte[] b => new Guid(b),
            string s => Guid.Parse(s),
            _ => throw new DataException($"Cannot read {value.GetType()} as Guid."),
        };

    /// <summary>How Microsoft.Data.Sqlite writes a DateTimeOffset: the original offset survives a round trip.</summary>
    private const string SqliteFormat = "yyyy-MM-dd HH:mm:ss.FFFFFFFzzz";

    private sealed class DateTimeOffsetHandler : SqlMapper.TypeHandler<DateTimeOffset>
    {
        public override void SetValue(IDbDataParameter parameter, DateTimeOffset value) => SetDateTimeOffset(parameter, value);
        public override DateTimeOffset Parse(object value) => ToDateTimeOffset(value);
    }

    /// <summary>A DateTimeOffset as either provider returns it (also for readers that do not go through Dapper).</summary>
    public static DateTimeOffset ToDateTimeOffset(object value) => value switch
        {
            DateTimeOffset d => d,
            DateTime dt => new DateTimeOffset(DateTime.SpecifyKind(dt, DateTimeKind.Utc)),
            // Unix milliseconds: how SQLite keeps the times of the busiest small rows (serial_activity, SQLite migration serial_activity_times).
            long ms => DateTimeOffset.FromUnixTimeMilliseconds(ms),
            // The exact format first: it is several times cheaper than the general parser on the public read path.
            string s => DateTimeOffset.TryParseExact(s, SqliteFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var exact)
                ? exact : DateTimeOffset.Parse(s, CultureInfo.InvariantCulture),
            _ => throw new DataException($"Cannot read {value.GetType()} as DateTimeOffset."),
        };

    private sealed class DateOnlyHandler : SqlMapper.TypeHandler<DateOnly>
    {
        public override void SetValue(IDbDataParameter parameter, DateOnly value) => SetDateOnly(parameter, value);
        public override DateOnly Parse(object value) => ToDateOnly(value);
    }

    /// <summary>A date as either provider returns it (SQLite: "yyyy-MM-dd" text; SQL Server: date).</summary>
    public static DateOnly ToDateOnly(object value) => value switch
        {
            DateOnly d => d,
            DateTime dt => DateOnly.FromDateTime(dt),
            // Microsoft.Data.Sqlite writes a date parameter as "yyyy-MM-dd 00:00:00"; older rows may hold "yyyy-MM-dd".
            string { Length: >= 10 } s when DateOnly.TryParseExact(s.AsSpan(0, 10), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var exact)
                && (s.Length == 10 || s.AsSpan(10) is " 00:00:00") => exact,
            string s => DateOnly.FromDateTime(DateTime.Parse(s, CultureInfo.InvariantCulture)),
            _ => throw new DataException($"Cannot read {value.GetType()} as DateOnly."),
        };

    private sealed class DecimalHandler : SqlMapper.TypeHandler<decimal>
    {
        public override void SetValue(IDbDataParameter parameter, decimal value) => SetDecimal(parameter, value);
        // Without trailing zeros: SQLite's text "200.0" and SQL Server's decimal(18,3) 200.000 both answer 200, as given.
        public override decimal Parse(object value) => Domain.Bounds.Normalize(value switch
        {
            string s => decimal.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture),
            _ => Convert.ToDecimal(value, CultureInfo.InvariantCulture),
        });
    }
}
