// The framework's ceiling on this machine: a bare minimal API returning a fixed JSON body of the size of an average
// public record. Every read figure of the real API is reported as a ratio to this one.
var size = int.Parse(args.FirstOrDefault(a => a.StartsWith("--size="))?["--size=".Length..] ?? "4000");
var body = System.Text.Encoding.UTF8.GetBytes("{\"payload\":\"" + new string('x', Math.Max(0, size - 14)) + "\"}");

var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
var app = builder.Build();
app.MapGet("/{**path}", () => Results.Bytes(body, "application/json"));
// Also a webhook receiver for the dispatcher's figure: takes any POST and answers 204.
app.MapPost("/{**path}", () => Results.NoContent());
app.Run();
