using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Traceability.Api.Auth;
using Traceability.Domain;
using Traceability.Infrastructure.Repositories;

namespace Traceability.Api.Idempotency;

/// <summary>Marks an endpoint as honouring the Idempotency-Key header.</summary>
public sealed class IdempotentMetadata;

public static class IdempotencyExtensions
{
    public static RouteHandlerBuilder Idempotent(this RouteHandlerBuilder builder) => builder.WithMetadata(new IdempotentMetadata())
        .AddEndpointFilter<IdempotencyFilter>()
        .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
}

/// <summary>Keeps the body of an idempotent write readable after binding, so the filter can hash the bytes as sent.</summary>
public sealed class IdempotencyBuffering(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<IdempotentMetadata>() is not null
            && context.Request.Headers.ContainsKey(IdempotencyFilter.Header))
            context.Request.EnableBuffering();
        return next(context);
    }
}

/// <summary>Rural connections drop responses, so a client retries. The same Idempotency-Key with the same body, from
/// the same account, within 24 hours, gets the first response again and records nothing new; the same key with a
/// different body → 422; the same key while the first request still runs → 409. Every write of an idempotent endpoint
/// runs in the request's <see cref="RequestTransaction"/>, committed here as soon as the handler returns — with the
/// response stored for its key in the same transaction — and before a byte is sent. A failed request rolls back and
/// releases its key, so its retry runs again.</summary>
public sealed class IdempotencyFilter(IdempotencyRepository keys, ProcessLiveness liveness, TimeProvider clock, IOptions<JsonOptions> json,
    ILogger<IdempotencyFilter> logger)
    : IEndpointFilter
{
    public const string Header = "Idempotency-Key";
    public const string ReplayedHeader = "Idempotent-Replayed";
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(24);
    public static readonly TimeSpan AbandonAfter = TimeSpan.FromMinutes(2);

    /// <summary>The largest response kept for replay; a larger one is refused (413, nothing written) rather than kept half.</summary>
    public const int MaxStoredResponseBytes = 4 * 1024 * 1024;

    /// <summary>The request's Idempotency-Key, null when it sent none; a 400 when it is not 1–255 printable characters.</summary>
    public static string? ReadKey(HttpRequest request)
    {
        if (!request.Headers.TryGetValue(Header, out var values)) return null;
        var key = values.ToString();
        if (key.Length is 0 or > 255 || key.Any(char.IsControl))
            throw ValidationFailedException.For(Header, "1–255 printable characters, e.g. a UUID the client generated for this operation.");
        return key;
    }

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var context = invocation.HttpContext;
        var transaction = context.RequestServices.GetRequiredService<RequestTransaction>();
        string? account = null, key = null;
        var claim = IdempotencyRepository.Claim.New(liveness.Holder);
        if (ReadKey(context.Request) is { } sent && context.User.Identity?.IsAuthenticated == true)
        {
            key = sent;
            var caller = context.User.ToCaller();
            account = $"{WireEnum<Role>.Name(caller.Role)}:{caller.Id}";
            var hash = await RequestHashAsync(context.Request);
            var (outcome, stored) = await keys.ReserveAsync(account, key, hash, clock.GetUtcNow(), Lifetime, AbandonAfter, claim, context.RequestAborted);
            switch (outcome)
            {
                case IdempotencyRepository.Outcome.Mismatch:
                    throw new UnprocessableException($"Idempotency-Key '{key}' was used with a different request; use a new key for a new operation.");
                case IdempotencyRepository.Outcome.InProgress:
                    throw new ConflictException($"A request with Idempotency-Key '{key}' is still being processed; retry in a moment.", ProcessLiveness.Renew);
                case IdempotencyRepository.Outcome.Replay:
                    return new StoredResult(stored!, replayed: true);
            }
        }

        var committed = false;
        try
        {
            var result = await next(invocation);
            if (result is not IStatusCodeHttpResult { StatusCode: >= 200 and < 300 } success) return result;
            if (key is null)
            {
                await transaction.CommitAsync(context.RequestAborted);
                committed = true;
                return result;
            }
            // The answer as it will be sent, stored with the write it describes.
            var body = result is IValueHttpResult { Value: { } value } ? JsonSerializer.SerializeToUtf8Bytes(value, value.GetType(), json.Value.SerializerOptions) : [];
            if (body.Length > MaxStoredResponseBytes)
                throw new BadHttpRequestException($"The answer would be {body.Length} bytes, more than the {MaxStoredResponseBytes} kept for an "
                                                  + "Idempotency-Key replay; nothing was recorded. Send fewer events per request.", 413);
            var response = new IdempotencyRepository.Stored(success.StatusCode ?? 200, LocationOf(result), body);
            var (connection, tx) = await transaction.BeginAsync(context.RequestAborted);
            await keys.CompleteAsync(connection, tx, account!, key, claim, response, context.RequestAborted);
            await transaction.CommitAsync(context.RequestAborted);
            committed = true;
            return new StoredResult(response, replayed: false);
        }
        finally
        {
            if (!committed)
            {
                await transaction.DisposeAsync(); // roll back before the key is released: the write lock may be ours
                if (key is not null) await ReleaseQuietly(account!, key, claim);
            }
        }
    }

    /// <summary>Created results carry their Location; TypedResults share no interface for it.</summary>
    private static string? LocationOf(object result) =>
        result.GetType().GetProperty("Location")?.GetValue(result) is string { Length: > 0 } location ? location : null;

    private async Task ReleaseQuietly(string account, string key, IdempotencyRepository.Claim claim)
    {
        try { await keys.ReleaseAsync(account, key, claim, CancellationToken.None); }
        catch (Exception e) { logger.LogWarning("Could not release idempotency key ({Error}); it frees itself after {Minutes} minutes", e.Message, AbandonAfter.TotalMinutes); }
    }

    /// <summary>A stored answer, first sent or replayed, byte for byte.</summary>
    private sealed class StoredResult(IdempotencyRepository.Stored stored, bool replayed) : IResult, IStatusCodeHttpResult
    {
        public int? StatusCode => stored.StatusCode;

        public async Task ExecuteAsync(HttpContext context)
        {
            context.Response.StatusCode = stored.StatusCode;
            context.Response.ContentType = "application/json; charset=utf-8";
            context.Response.ContentLength = stored.Body.Length;
            if (stored.Location is not null) context.Response.Headers.Location = stored.Location;
            if (replayed) context.Response.Headers[ReplayedHeader] = "true";
            await context.Response.Body.WriteAsync(stored.Body, context.RequestAborted);
        }
    }

    /// <summary>SHA-256 over the method, the path with its query, and the body bytes.</summary>
    private static async Task<byte[]> RequestHashAsync(HttpRequest request)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes($"{request.Method} {request.Path}{request.QueryString}\n"));
        if (request.Body.CanSeek) request.Body.Position = 0;
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0) hash.AppendData(chunk, 0, read);
        return hash.GetHashAndReset();
    }
}
