// The README's example session (docs/example-session.sh), step by step, through the client NSwag generates from
// openapi.yaml, against a running API. Any answer the document does not describe fails it.
//   dotnet run -- http://localhost:5080 <admin key>
using Traceability.ClientSession;

var baseUrl = args.Length > 0 ? args[0] : "http://localhost:5080";
var admin = args.Length > 1 ? args[1] : Environment.GetEnvironmentVariable("ADMIN") ?? throw new ArgumentException("The admin API key.");
var session = new Session(baseUrl, admin);
var (passed, failed) = await session.RunAsync();
Console.WriteLine($"client-session: {passed} passed, {failed} failed");
return failed == 0 && passed > 0 ? 0 : 1;
