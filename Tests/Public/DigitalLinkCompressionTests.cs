using NUnit.Framework;
using Traceability.Api.PublicRecords.Resolver;

namespace Traceability.Tests.Public;

/// <summary>Decompression against GS1's own implementation: each compressed path below was made by GS1's Digital Link
/// toolkit (GS1DigitalLinkToolkit.js: compressGS1DigitalLink with its optimisations; the partly compressed one with
/// compressGS1AIarrayToBinary and bin2base64) from the element strings beside it, listed in the order the toolkit codes them. CI also compresses the demo link with the toolkit and resolves it (.ci/gs1-resolver-suite/run.mjs).</summary>
public sealed class DigitalLinkCompressionTests
{
    [TestCase("CxBAtOcq5NZoW3Wuu-n2mo", "01=08935049500018 10=NC261130-01")]
    [TestCase("ARBAtOcq5A", "01=08935049500018")]
    [TestCase("GhBAtOcq5QdJeyP8b0Kh", "01=08935049500018 10=R/2 17=261231 21=A1")]
    [TestCase("ChBAtOcq5MSuogR1eA", "01=08935049500018 22=V1 10=abc")]
    [TestCase("01/08935049500018/EGs0LbrXXfT7TUhYl_Q", "01=08935049500018 10=NC261130-01 21=X9")]
    public void Decompress_GivesTheElementStringsGs1sToolkitCompressed(string compressed, string expected) =>
        Assert.That(string.Join(" ", DigitalLinkCompression.Decompress(compressed)!.Select(e => $"{e.Key}={e.Value}")), Is.EqualTo(expected));

    [TestCase("favicon.ico")]
    [TestCase("____________")]
    public void NotACompressedLink_IsNull(string path) => Assert.That(DigitalLinkCompression.Decompress(path), Is.Null);
}
