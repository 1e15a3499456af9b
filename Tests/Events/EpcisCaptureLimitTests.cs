using System.Net;
using System.Text;
using NUnit.Framework;
using Traceability.Tests.Support;

namespace Traceability.Tests.Events;

/// <summary>A capture's work is bounded by its size, checked first: a document of more events than a capture takes is
/// refused before the schema looks at it, and a refused document's reasons are worked out for its first few events only,
/// so neither costs the process more than a few tens of MB.</summary>
public sealed class EpcisCaptureLimitTests : ApiTest
{
    /// <summary>An EPCISDocument of <paramref name="count"/> ObjectEvents, those <paramref name="broken"/> names (by default
    /// all) without the action an ObjectEvent needs.</summary>
    private static StringContent Document(int count, Func<int, bool>? broken = null)
    {
        var json = new StringBuilder("""{"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],"type":"EPCISDocument","schemaVersion":"2.0","creationDate":"2025-11-22T10:00:00Z","epcisBody":{"eventList":[""");
        for (var i = 0; i < count; i++)
            json.Append(i > 0 ? "," : "").Append("""{"type":"ObjectEvent","eventTime":"2025-11-22T09:30:00Z","eventTimeZoneOffset":"+07:00","epcList":["urn:x:1"]""")
                .Append(broken?.Invoke(i) == false ? ""","action":"OBSERVE"}""" : "}");
        json.Append("]}}");
        return new StringContent(json.ToString(), Encoding.UTF8, "application/ld+json");
    }

    private static long Resident()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return Environment.WorkingSet;
    }

    [Test]
    public async Task AHundredThousandEventCapture_IsRefusedByItsCount_BeforeAnyCheckOfItsEvents_AndCostsNoMemory()
    {
        using var content = Document(100_000);
        Assert.That(content.Headers.ContentLength, Is.GreaterThan(10_000_000), "the 11 MB document of the attack");
        await (await Producer.Client.GetAsync("/api/v1/batches")).Json(HttpStatusCode.OK);
        var before = Resident();
        var response = await Producer.Client.PostAsync("/api/v1/epcis/capture", content);
        var problem = await response.Json(HttpStatusCode.RequestEntityTooLarge);
        var grown = Resident() - before;
        Assert.That(problem.GetProperty("detail").GetString(), Does.Contain("At most 1000 events").And.Contain("100000"));
        Assert.That(grown, Is.LessThan(64L << 20), $"the process grew by {grown >> 20} MB");
    }

    [Test]
    public async Task AThousandBrokenEvents_AreRefusedWithTheFirstFewReasons_AtTheirPlaces()
    {
        await (await Producer.Client.GetAsync("/api/v1/batches")).Json(HttpStatusCode.OK);
        var before = Resident();
        var problem = await (await Producer.Client.PostAsync("/api/v1/epcis/capture", Document(1000))).Json(HttpStatusCode.BadRequest);
        var grown = Resident() - before;
        var fields = problem.GetProperty("errors").EnumerateObject().Select(e => e.Name).ToList();
        var events = fields.Where(f => f.StartsWith("epcisBody.eventList[", StringComparison.Ordinal))
            .Select(f => int.Parse(f["epcisBody.eventList[".Length..f.IndexOf(']')])).Distinct().ToList();
        Assert.That(problem.GetProperty("errors").EnumerateObject().Sum(e => e.Value.GetArrayLength()), Is.InRange(1, 20));
        Assert.That(events, Does.Contain(0), "the first refused event, at its own index");
        Assert.That(events.Max(), Is.LessThan(5), "the reasons of the first few events, not of a thousand");
        Assert.That(grown, Is.LessThan(64L << 20), $"the process grew by {grown >> 20} MB");
    }

    [Test]
    public async Task ABrokenEventAmongGoodOnes_IsNamedByItsPlaceInTheDocument()
    {
        var problem = await (await Producer.Client.PostAsync("/api/v1/epcis/capture", Document(40, i => i is 7 or 31))).Json(HttpStatusCode.BadRequest);
        var events = problem.GetProperty("errors").EnumerateObject().Select(e => e.Name).Where(f => f.StartsWith("epcisBody.eventList[", StringComparison.Ordinal))
            .Select(f => int.Parse(f["epcisBody.eventList[".Length..f.IndexOf(']')])).Distinct().Order().ToList();
        Assert.That(events, Is.EqualTo(new[] { 7, 31 }));
    }
}

/// <summary>GS1's own example documents, captured as they are: what names no lot of this registry is kept whole for its
/// capturer, never quietly cut down (EpcisKeptEventsTests compares every field).</summary>
public sealed class Gs1ExampleCaptureTests : ApiTest
{
    private static readonly string Folder = Path.Combine(TestPaths.RepoRoot(), "Tests", "Standards", "epcis-2.0");

    [TestCase("Example-ObjectEvent.jsonld", "example:myField")]
    [TestCase("Example-TransformationEvent-DigitalLink.jsonld", "example:bestBeforeDate")]
    public async Task GS1sExample_IsKeptForItsCapturerAlone_WithItsExtensionsAndLists(string file, string kept)
    {
        var capturer = await Api.CreateProducerAsync();
        var text = await File.ReadAllTextAsync(Path.Combine(Folder, file));
        var job = await (await capturer.Client.PostAsync("/api/v1/epcis/capture", new StringContent(text, Encoding.UTF8, "application/ld+json")))
            .Json(HttpStatusCode.Accepted);
        Assert.That(job.GetProperty("unattachedEvents").GetInt32(), Is.EqualTo(job.GetProperty("capturedEvents").GetInt32()).And.GreaterThan(0));
        var events = await (await capturer.Client.GetAsync("/api/v1/epcis/events?perPage=500")).Json(HttpStatusCode.OK);
        Assert.That(events.GetProperty("epcisBody").GetProperty("queryResults").GetProperty("resultsBody").GetProperty("eventList").ToString(), Does.Contain(kept));
        var others = await (await Producer.Client.GetAsync("/api/v1/epcis/events?perPage=500")).Json(HttpStatusCode.OK);
        Assert.That(others.ToString(), Does.Not.Contain(kept), "another producer sees none of it");
    }
}
