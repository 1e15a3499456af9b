using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reflection;

namespace Traceability.Infrastructure.Tracing;

/// <summary>Spans around the database work of a request (ActivitySource "Traceability.Database"), named after the
/// statement's constant in the code ("RecordStore.Get", "IdempotencyRepository.Reserve"), never with its text's values
/// or its parameters. Nothing is wrapped or recorded unless something (OpenTelemetry's tracing) listens.</summary>
public static class DatabaseActivities
{
    public const string SourceName = "Traceability.Database";
    public static readonly ActivitySource Source = new(SourceName);

    // The SQL constants of this assembly (fields named …Sql), by their text as written: their names.
    private static readonly Lazy<Dictionary<string, string>> Declared = new(() =>
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var type in typeof(DatabaseActivities).Assembly.GetTypes())
            foreach (var field in type.GetFields(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
                if (field is { IsLiteral: true } && field.FieldType == typeof(string) && field.Name.EndsWith("Sql", StringComparison.Ordinal)
                    && field.GetRawConstantValue() is string sql)
                    names.TryAdd(sql, $"{type.Name}.{field.Name[..^3]}");
        return names;
    });

    // Rendered text (as the database runs it) → name; filled as statements are rendered.
    private static readonly ConcurrentDictionary<string, string> Rendered = new(StringComparer.Ordinal);

    /// <summary>Remembers the name of <paramref name="portable"/> for the text it renders to.</summary>
    internal static void Named(string portable, string rendered)
    {
        if (Declared.Value.TryGetValue(portable, out var name)) Rendered.TryAdd(rendered, name);
    }

    /// <summary>Remembers a dialect's own statements (its …Sql properties) by name.</summary>
    internal static void NameDialect(ISqlDialect dialect)
    {
        foreach (var property in typeof(ISqlDialect).GetProperties())
            if (property.PropertyType == typeof(string) && property.Name.EndsWith("Sql", StringComparison.Ordinal) && property.GetValue(dialect) is string sql)
                Rendered.TryAdd(sql, $"{dialect.GetType().Name}.{property.Name[..^3]}");
    }

    public static bool Listening => Source.HasListeners();

    /// <summary>A span for running <paramref name="sql"/>; null when nobody listens.</summary>
    /// <param name="system">The database (<see cref="ISqlDialect.TelemetryName"/>).</param>
    public static Activity? Start(string sql, string system)
    {
        if (!Source.HasListeners()) return null;
        var name = Rendered.TryGetValue(sql, out var known) ? known : Operation(sql);
        var activity = Source.StartActivity(name, ActivityKind.Client);
        if (activity is null) return null;
        activity.SetTag("db.system.name", system);
        activity.SetTag("db.operation.name", Operation(sql));
        activity.SetTag("db.query.summary", name);
        return activity;
    }

    public static void Failed(Activity? activity, Exception e)
    {
        if (activity is null) return;
        activity.SetStatus(ActivityStatusCode.Error, e.GetType().Name);
        activity.SetTag("error.type", e.GetType().FullName);
    }

    /// <summary>The statement's first keyword (SELECT, INSERT, UPDATE, DELETE, WITH…): all a span says of an unnamed one.</summary>
    private static string Operation(string sql)
    {
        var span = sql.AsSpan().TrimStart();
        var end = 0;
        while (end < span.Length && char.IsAsciiLetter(span[end])) end++;
        return end == 0 ? "SQL" : span[..end].ToString().ToUpperInvariant();
    }
}
