using System.Text;
using NUnit.Framework;
using Traceability.Domain;

namespace Traceability.Tests.Domain;

public sealed class IdentifierTests
{
    [TestCase("8935049500018", "08935049500018")]
    [TestCase("08935049500018", "08935049500018")]
    [TestCase("96385074", "00000096385074")]
    [TestCase("036000291452", "00036000291452")]
    public void Gtin_Valid_NormalisesToGtin14(string input, string expected)
    {
        Assert.That(Gtin.TryNormalize(input, out var gtin14), Is.True);
        Assert.That(gtin14, Is.EqualTo(expected));
    }

    [TestCase("8935049500017")]
    [TestCase("893504950001")]
    [TestCase("8935O49500018")]
    [TestCase("")]
    [TestCase("123456789012345")]
    public void Gtin_Invalid_IsRejected(string input) => Assert.That(Gtin.TryNormalize(input, out _), Is.False);

    [TestCase("LOT-2025/11", true)]
    [TestCase("A!\"%&'()*+,-./:;<=>?_z", false)]
    [TestCase("A!\"%&'()*+,-./:;<=>?", true)]
    [TestCase("LÔ1", false)]
    [TestCase("A B", false)]
    [TestCase("", false)]
    public void LotNumber_FollowsGs1Ai10(string lot, bool valid) => Assert.That(LotNumber.IsValid(lot), Is.EqualTo(valid));

    [Test]
    public void TracingCode_IsRandomUnambiguousAndReadBackCaseInsensitively()
    {
        var codes = Enumerable.Range(0, 2000).Select(_ => TracingCode.New()).ToList();
        Assert.That(codes.Distinct().Count(), Is.EqualTo(codes.Count));
        Assert.That(codes.SelectMany(c => c).Distinct(), Is.SubsetOf(TracingCode.Alphabet));
        Assert.That(TracingCode.Alphabet.Intersect("01ILOU"), Is.Empty);
        Assert.That(TracingCode.Normalize(" " + codes[0].ToLowerInvariant() + " "), Is.EqualTo(codes[0]));
        Assert.That(TracingCode.Normalize("ABC"), Is.Null);
        Assert.That(Math.Log2(Math.Pow(TracingCode.Alphabet.Length, TracingCode.Length)), Is.GreaterThanOrEqualTo(40));
    }

    [Test]
    public void Text_TrimsAndComposesToNfc()
    {
        var decomposed = " Thanh Hóa ".Normalize(NormalizationForm.FormD);
        Assert.That(Text.Normalize(decomposed), Is.EqualTo("Thanh Hóa".Normalize(NormalizationForm.FormC)));
        Assert.That(Text.Normalize(null), Is.Null);
    }

    [Test]
    public void WireEnum_UsesSnakeCase()
    {
        Assert.That(WireEnum<ProducerKind>.Name(ProducerKind.CooperativeGroup), Is.EqualTo("cooperative_group"));
        Assert.That(WireEnum<ProducerKind>.TryParse("Cooperative", out _), Is.False, "names are exact");
    }

    [Test]
    public void ApiKey_Has256RandomBits_AndAStableHash()
    {
        var key = ApiKey.New();
        Assert.That(key, Has.Length.EqualTo(ApiKey.Prefix.Length + 43));
        Assert.That(ApiKey.Hash(key), Is.EqualTo(ApiKey.Hash(key)));
        Assert.That(ApiKey.New(), Is.Not.EqualTo(key));
    }

    [Test]
    public void Certification_CurrentIsNewestStillValid()
    {
        var today = new DateOnly(2026, 1, 1);
        OcopCertification Cert(int stars, DateOnly issued, DateOnly until) =>
            new(Guid.NewGuid(), Guid.Empty, Guid.Empty, stars, "1/QĐ", "UBND", issued, until, DateTimeOffset.UnixEpoch);
        var expired = Cert(5, new DateOnly(2022, 1, 1), new DateOnly(2025, 1, 1));
        var valid = Cert(3, new DateOnly(2024, 1, 1), new DateOnly(2027, 1, 1));
        var newer = Cert(4, new DateOnly(2025, 6, 1), new DateOnly(2028, 6, 1));
        Assert.That(OcopCertification.Current([expired, valid, newer], today), Is.EqualTo(newer));
        Assert.That(OcopCertification.Current([expired], today), Is.Null);
    }
}
