using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Traceability.Tests.Support;

/// <summary>The real API over real HTTP (in-memory server) on a fresh database per factory: a SQLite file, or, when
/// TRACEABILITY_TEST_SQLSERVER holds a connection string, a throw-away database on that SQL Server (the whole API suite
/// then runs on SQL Server; tests of SQLite's own behaviour call <see cref="RequireSqlite"/>).</summary>
public sealed class ApiFactory : WebApplicationFactory<Program>
{
    /// <summary>The PIN secret the test hosts run with, so that tests can derive the PINs they expect.</summary>
    public const string TestPinSecret = "dGVzdC1waW4tc2VjcmV0LW9mLXRoaXJ0eS10d28tYnl0ZXMhIQ==";

    public const string AdminKey = "ocop_test-admin-key-0123456789abcdefghijklmnopqrstuv";

    /// <summary>The SQL Server the suite runs on, if any.</summary>
    public static string? SqlServer { get; } =
        System.Environment.GetEnvironmentVariable(Repositories.SqlServerRepositoryTests.Variable) is { Length: > 0 } value ? value : null;

    /// <summary>For tests of SQLite itself (its files, its faults, its syntax): skipped when the suite runs on SQL Server.</summary>
    public static void RequireSqlite()
    {
        if (SqlServer is not null) NUnit.Framework.Assert.Ignore("A test of SQLite's own behaviour; this run is on SQL Server.");
    }

    private readonly Dictionary<string, string?> _settings;
    private readonly bool _ownsDatabase;

    /// <param name="databasePath">An existing database to share with another factory (a restart, a second process);
    /// by default a new file that this factory deletes when disposed.</param>
    /// <param name="environment">The host environment: "Development" validates scopes and the container's build as
    /// `dotnet run` does; "Production" is how it is deployed.</param>
    public ApiFactory(Dictionary<string, string?>? settings = null, string? databasePath = null, string environment = "Testing")
    {
        Environment = environment;
        DatabasePath = databasePath ?? (SqlServer is null ? TestPaths.NewDatabaseFile() : $"traceability_api_{Guid.NewGuid():N}");
        _ownsDatabase = databasePath is null;
        _settings = new Dictionary<string, string?>
        {
            ["Database:Provider"] = SqlServer is null ? "Sqlite" : "SqlServer",
            ["ConnectionStrings:Traceability"] = ConnectionString,
            ["Traceability:AdminApiKey"] = AdminKey,
            ["Traceability:PublicBaseUrl"] = "https://trace.example.vn",
            ["Serials:PinSecret"] = TestPinSecret,
            ["Traceability:SeedDemoData"] = "false",
            ["RateLimiting:Public:PermitLimit"] = "0",
            ["RateLimiting:Keys:ReadsPerWindow"] = "0",
            ["RateLimiting:Keys:WritesPerWindow"] = "0",
            ["RateLimiting:Keys:AccountReadsPerWindow"] = "0",
            ["RateLimiting:Keys:AccountWritesPerWindow"] = "0",
            // Webhook receivers in the tests listen on loopback over http.
            ["Webhooks:AllowPrivateTargets"] = "true",
            ["Webhooks:PollMilliseconds"] = "100",
            ["Webhooks:SecretKey"] = "dGVzdC13ZWJob29rLXNlY3JldC1rZXktb2YtMzItYnl0ZXMh",
            ["Traceability:ChainAuditMinutes"] = "0",
        };
        foreach (var (key, value) in settings ?? []) _settings[key] = value;
    }

    /// <summary>The database: a SQLite file's path, or the SQL Server database's name.</summary>
    public string DatabasePath { get; }

    public string ConnectionString => SqlServer is null
        ? $"Data Source={DatabasePath}"
        : new Microsoft.Data.SqlClient.SqlConnectionStringBuilder(SqlServer) { InitialCatalog = DatabasePath }.ConnectionString;

    public string Environment { get; }

    private TimeProvider? _clock;

    /// <summary>Warnings and errors the API logged (start-up messages among them).</summary>
    public LogCapture Logs { get; } = new();

    /// <summary>Runs this API on a clock the test moves (key cache expiry, for example).</summary>
    public ApiFactory WithClock(TimeProvider clock)
    {
        _clock = clock;
        return this;
    }

    private Action<IServiceCollection>? _services;

    /// <summary>Replaces services before the host starts (a seam in the data layer, for faults the machine cannot stage).</summary>
    public ApiFactory WithServices(Action<IServiceCollection> configure)
    {
        _services = configure;
        return this;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        if (_services is { } configure) builder.ConfigureServices(configure);
        builder.UseEnvironment(Environment);
        builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(_settings));
        // Read while the services are registered (what OpenTelemetry collects), before the app configuration above
        // applies: given as host settings too, which Program sees from its first line.
        foreach (var (key, value) in _settings.Where(s => s.Key.StartsWith("Telemetry:", StringComparison.Ordinal))) builder.UseSetting(key, value);
        if (_clock is { } clock) builder.ConfigureServices(services => services.AddSingleton(clock));
        builder.ConfigureLogging(logging => logging.AddProvider(Logs));
    }

    public HttpClient ClientWithKey(string? apiKey)
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = ClientOptions.BaseAddress });
        if (apiKey is not null) client.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return client;
    }

    public HttpClient Admin() => ClientWithKey(AdminKey);

    /// <summary>Serves this API on a real Kestrel socket (loopback, a free port) and returns a plain socket client for it:
    /// no decompression, no redirects followed.</summary>
    public HttpClient StartKestrel()
    {
        UseKestrel(0);
        StartServer();
        var address = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var baseAddress = new Uri(address.Replace("[::]", "127.0.0.1").Replace("0.0.0.0", "127.0.0.1"));
        ClientOptions.BaseAddress = baseAddress;
        return new HttpClient(new SocketsHttpHandler { AutomaticDecompression = System.Net.DecompressionMethods.None, AllowAutoRedirect = false })
        {
            BaseAddress = baseAddress,
        };
    }

    /// <summary>A connection to the API's database, for checking what is stored or changing it behind the API's back.</summary>
    public System.Data.Common.DbConnection OpenDatabase()
    {
        System.Data.Common.DbConnection connection = SqlServer is null
            ? new SqliteConnection(ConnectionString)
            : new Microsoft.Data.SqlClient.SqlConnection(ConnectionString);
        connection.Open();
        return connection;
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (SqlServer is not null)
        {
            Microsoft.Data.SqlClient.SqlConnection.ClearAllPools();
            if (_ownsDatabase) DropSqlServerDatabase();
            return;
        }
        SqliteConnection.ClearAllPools();
        if (!_ownsDatabase) return; // another factory (a second "process") shares it
        foreach (var suffix in new[] { "", "-wal", "-shm" })
            try { File.Delete(DatabasePath + suffix); } catch (IOException) { }
    }

    private void DropSqlServerDatabase()
    {
        var master = new Microsoft.Data.SqlClient.SqlConnectionStringBuilder(SqlServer) { InitialCatalog = "master" };
        using var connection = new Microsoft.Data.SqlClient.SqlConnection(master.ConnectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"IF DB_ID('{DatabasePath}') IS NOT NULL BEGIN ALTER DATABASE [{DatabasePath}] SET SINGLE_USER WITH ROLLBACK IMMEDIATE; DROP DATABASE [{DatabasePath}]; END";
        command.ExecuteNonQuery();
    }
}
