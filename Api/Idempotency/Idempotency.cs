using System.Security.Cryptography;
using System.Text;
using Traceability.Api.Auth;
using Traceability.Domain;
using Traceability.Infrastructure.Repositories;

namespace Traceability.Api.Idempotency;

/// <summary>Marks an endpoint as honouring the Idempotency-Key header.</summary>
public sealed class IdempotentMetadata;

public static class IdempotencyExtensions
{
    public static RouteHandlerBuilder Idempotent(this RouteHandlerBuilder builder) => builder.WithMetadata(new IdempotentMetadata())
        .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
}

/// <summary>Rural connections drop responses, so a client retries. The same Idempotency-Key with the same body, from
/// the same account, within 24 hours, gets the first response again and records nothing new; the same key with a
/// different body → 422; the same key while the first request still runs → 409. Every write of an idempotent endpoint
/// runs in the request's <see cref="RequestTransaction"/>, which commits here together with the stored response: only
/// successful responses are kept, and a failed request rolls back and releases its key, so its retry runs again.</summary>
public sealed class IdempotencyMiddleware(RequestDelegate next, IdempotencyRepository keys, TimeProvider clock, ILogger<IdempotencyMiddleware> logger)
{
    public const string Header = "Idempotency-Key";
    public const string ReplayedHeader = "Idempotent-Replayed";
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(24);
    public static readonly TimeSpan AbandonAfter = TimeSpan.FromMinutes(2);

    /// <summary>The largest response kept for replay; a larger one is refused (413, nothing written) rather than kept half.</summary>
    public const int MaxStoredResponseBytes = 4 * 1024 * 1024;

    public async Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<IdempotentMetadata>() is null)
        {
            await next(context);
            return;
        }
        string? account = null, key = null;
        if (context.Request.Headers.TryGetValue(Header, out var values) && context.User.Identity?.IsAuthenticated == true)
        {
            key = values.ToString();
            if (key.Length is 0 or > 255 || key.Any(char.IsControl))
                throw ValidationFailedException.For(Header, "1–255 printable characters, e.g. a UUID the client generated for this operation.");
            var caller = context.User.ToCaller();
            account = $"{WireEnum<Role>.Name(caller.Role)}:{caller.Id}";
            var hash = await RequestHashAsync(context.Request);
            var (outcome, stored) = await keys.ReserveAsync(account, key, hash, clock.GetUtcNow(), Lifetime, AbandonAfter, context.RequestAborted);
            switch (outcome)
            {
                case IdempotencyRepository.Outcome.Mismatch:
                    throw new UnprocessableException($"Idempotency-Key '{key}' was used with a different request; use a new key for a new operation.");
                case IdempotencyRepository.Outcome.InProgress:
                    throw new ConflictException($"A request with Idempotency-Key '{key}' is still being processed; retry in a moment.");
                case IdempotencyRepository.Outcome.Replay:
                    await ReplayAsync(context, stored!);
                    return;
            }
        }

        var transaction = context.RequestServices.GetRequiredService<RequestTransaction>();
        var original = context.Response.Body;
        using var buffer = new MemoryStream();
        context.Response.Body = buffer;
        var committed = false;
        try
        {
            await next(context);
            if (context.Response.StatusCode is >= 200 and < 300)
            {
                if (key is not null)
                {
                    if (buffer.Length > MaxStoredResponseBytes)
                        throw new BadHttpRequestException($"The answer would be {buffer.Length} bytes, more than the {MaxStoredResponseBytes} kept for an "
                                                          + "Idempotency-Key replay; nothing was recorded. Send fewer events per request.", 413);
                    var (connection, tx) = await transaction.BeginAsync(context.RequestAborted);
                    await keys.CompleteAsync(connection, tx, account!, key, new IdempotencyRepository.Stored(context.Response.StatusCode,
                        context.Response.Headers.Location.ToString() is { Length: > 0 } l ? l : null, buffer.ToArray()), context.RequestAborted);
                }
                await transaction.CommitAsync(context.RequestAborted);
                committed = true;
            }
        }
        finally
        {
            context.Response.Body = original;
            if (!committed) await transaction.DisposeAsync(); // roll back before the key is released: the lock is ours
            if (key is not null && !committed) await ReleaseQuietly(account!, key);
        }
        buffer.Position = 0;
        await buffer.CopyToAsync(original, context.RequestAborted);
    }
    private async Task ReleaseQuietly(string account, string key)
    {
        try { await keys.ReleaseAsync(account, key, CancellationToken.None); }
        catch (Exception e) { logger.LogWarning(e, "Could not release idempotency key; it frees itself after {Minutes} minutes", AbandonAfter.TotalMinutes); }
    }

    private static async Task ReplayAsync(HttpContext context, IdempotencyRepository.Stored stored)
    {
        context.Response.StatusCode = stored.StatusCode;
        context.Response.ContentType = "application/json; charset=utf-8";
        if (stored.Location is not null) context.Response.Headers.Location = stored.Location;
        context.Response.Headers[ReplayedHeader] = "true";
        await context.Response.Body.WriteAsync(stored.Body, context.RequestAborted);
    }

    /// <summary>SHA-256 over the method, the path with its query, and the body bytes.</summary>
    private static async Task<byte[]> RequestHashAsync(HttpRequest request)
    {
        request.EnableBuffering();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes($"{request.Method} {request.Path}{request.QueryString}\n"));
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0) hash.AppendData(chunk, 0, read);
        request.Body.Position = 0;
        return hash.GetHashAndReset();
    }
}
