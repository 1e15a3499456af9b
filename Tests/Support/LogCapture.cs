using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Traceability.Tests.Support;

/// <summary>Keeps what the API logs, to check what a newcomer is shown at start-up.</summary>
public sealed class LogCapture : ILoggerProvider
{
    public ConcurrentQueue<string> Lines { get; } = new();

    /// <summary>Errors and critical failures, each with its exception: what `fail:` lines would show on a console.</summary>
    public ConcurrentQueue<string> Errors { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose() { }

    private sealed class Logger(LogCapture owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            owner.Lines.Enqueue(formatter(state, exception));
            if (logLevel >= LogLevel.Error) owner.Errors.Enqueue($"{formatter(state, exception)} {exception}");
        }
    }
}
