namespace Traceability.Infrastructure;

/// <summary>A failure of the database itself, found by this API rather than raised by the provider: the SQLite file was
/// removed or replaced while connections had it open, or the database is not this API's. Answered as 503.</summary>
public sealed class DatabaseFaultException(string cause) : Exception(cause);
