using System.Diagnostics;
using System.Text.Json.Nodes;
using NUnit.Framework;

namespace Traceability.Tests.Support;

/// <summary>Runs Tests/Standards/epcis-check.mjs (JSON-LD expansion, GS1's SHACL shapes and the CBV 2.0 event hash as
/// epcis2.js computes it: other people's tools)
/// over EPCIS documents. It needs node and the npm packages .ci/run installs into NODE_TOOLS; without them the test is
/// ignored, except in CI (CI=true), where it fails.</summary>
public static class LinkedData
{
    public static string Tools => Environment.GetEnvironmentVariable("NODE_TOOLS") is { Length: > 0 } t
        ? t : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "traceability-ci");

    public static async Task AssertReadsAsLinkedData(params JsonNode[] documents)
    {
        var (passed, output) = await CheckAsync(documents);
        Assert.That(passed, Is.True, output);
    }

    public static async Task<(bool Passed, string Output)> CheckAsync(params JsonNode[] documents)
    {        RequireTools();
        var folder = Directory.CreateTempSubdirectory("epcis-check-");
        try
        {
            var files = new List<string>();
            foreach (var (doc, i) in documents.Select((d, i) => (d, i)))
            {
                var file = Path.Combine(folder.FullName, $"document-{i}.json");
                await File.WriteAllTextAsync(file, doc.ToJsonString());
                files.Add(file);
            }
            var start = new ProcessStartInfo("node", [Path.Combine(TestPaths.RepoRoot(), "Tests", "Standards", "epcis-check.mjs"), .. files])
            {
                RedirectStandardOutput = true, RedirectStandardError = true, Environment = { ["NODE_TOOLS"] = Tools },
            };
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            return (process.ExitCode == 0, await stdout + await stderr);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static void RequireTools()
    {
        string[] packages = ["jsonld", "n3", "rdf-validate-shacl", "epcis2.js"];
        var missing = packages.Where(p => !Directory.Exists(Path.Combine(Tools, "node_modules", p))).ToList();
        var node = Environment.GetEnvironmentVariable("PATH")?.Split(':').Any(d => File.Exists(Path.Combine(d, "node"))) ?? false;
        if (node && missing.Count == 0) return;
        var why = node ? $"{string.Join(", ", missing)} not in {Tools}/node_modules (bash .ci/run installs them)" : "node is not installed";
        if (Environment.GetEnvironmentVariable("CI") == "true") Assert.Fail(why);
        Assert.Ignore(why);
    }
}
