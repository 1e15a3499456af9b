namespace Traceability.Domain;

/// <summary>Failures the API turns into problem details in one place (Api/Problems).</summary>
public abstract class DomainException(string message) : Exception(message);

/// <summary>400: the input is wrong; <see cref="Errors"/> is keyed by the camelCase field path.</summary>
public sealed class ValidationFailedException(IReadOnlyDictionary<string, string[]> errors)
    : DomainException("One or more fields are invalid.")
{
    public IReadOnlyDictionary<string, string[]> Errors { get; } = errors;

    public static ValidationFailedException For(string field, string message) =>
        new(new Dictionary<string, string[]> { [field] = [message] });
}

/// <summary>404: missing, or belonging to someone else (the two are indistinguishable on purpose).</summary>
public sealed class NotFoundException(string what, object id) : DomainException($"{what} '{id}' was not found.");

/// <summary>409: the request clashes with what is stored (a duplicate, a state that forbids it). <see cref="RetryAfter"/>:
/// the clash passes by itself (a request still running under the same Idempotency-Key), so the same request may be sent
/// again after that long.</summary>
public sealed class ConflictException(string message, TimeSpan? retryAfter = null) : DomainException(message)
{
    public TimeSpan? RetryAfter { get; } = retryAfter;
}

/// <summary>403: the caller is known but may not do this.</summary>
public sealed class ForbiddenException(string message) : DomainException(message);

/// <summary>422: well-formed, but it cannot be processed as sent (an idempotency key reused for another request).</summary>
public sealed class UnprocessableException(string message) : DomainException(message);

/// <summary>429: an account's quota for this kind of write is used up until <see cref="RetryAfter"/> has passed.</summary>
public sealed class QuotaExceededException(string message, TimeSpan retryAfter) : DomainException(message)
{
    public TimeSpan RetryAfter { get; } = retryAfter;
}
