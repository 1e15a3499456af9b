using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using NUnit.Framework;
using Traceability.Tests.Support;

namespace Traceability.Tests.Trust;

/// <summary>The dashboard's session: a key typed into a form (never an address) exchanged for an HttpOnly, SameSite=Strict
/// cookie; every form carries an antiforgery token; a revoked key ends its sessions; signing out ends this one.</summary>
public sealed partial class DashboardTests
{
    private ApiFactory _api = null!;
    private Account _office = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _api = new ApiFactory();
        _office = await _api.CreateAuthorityAsync();
    }

    [OneTimeTearDown] public void Stop() => _api.Dispose();

    private HttpClient Browser(ApiFactory? api = null, bool https = false) => (api ?? _api).CreateClient(new WebApplicationFactoryClientOptions
        { AllowAutoRedirect = false, HandleCookies = true, BaseAddress = new Uri(https ? "https://localhost" : "http://localhost") });

    private static async Task<string> CsrfAsync(HttpClient browser, string path = "/dashboard/sign-in") =>
        Csrf().Match(await (await browser.GetAsync(path)).Content.ReadAsStringAsync()).Groups[1].Value;

    private static async Task<HttpResponseMessage> SignInAsync(HttpClient browser, string key, bool withCsrf = true)
    {
        var fields = new Dictionary<string, string> { ["key"] = key };
        if (withCsrf) fields["csrf"] = WebUtility.HtmlDecode(await CsrfAsync(browser));
        return await browser.PostAsync("/dashboard/sign-in", new FormUrlEncodedContent(fields));
    }

    [Test]
    public async Task AnOffice_SignsIn_WithItsKeyInAForm_AndReadsItsDashboard()
    {
        var browser = Browser();
        var before = await browser.GetAsync("/dashboard");
        Assert.That((before.StatusCode, before.Headers.Location!.AbsolutePath), Is.EqualTo((HttpStatusCode.Redirect, "/dashboard/sign-in")));

        var form = await (await browser.GetAsync("/dashboard/sign-in")).Content.ReadAsStringAsync();
        Assert.That(form, Does.Contain("<form method=\"post\"").And.Contain("type=\"password\" name=\"key\""), "the key is posted, never put in an address");

        var signedIn = await SignInAsync(browser, _office.Key);
        Assert.That((signedIn.StatusCode, signedIn.Headers.Location!.ToString()), Is.EqualTo((HttpStatusCode.SeeOther, "/dashboard")));
        var cookie = signedIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("ocop_session=", StringComparison.Ordinal));
        Assert.That(cookie.ToLowerInvariant(), Does.Contain("httponly").And.Contain("samesite=strict").And.Contain("path=/dashboard"));
        Assert.That(cookie, Does.Not.Contain(_office.Key), "the cookie holds no key");

        var page = WebUtility.HtmlDecode(await (await browser.GetAsync("/dashboard")).Content.ReadAsStringAsync());
        Assert.That(page, Does.Contain("Hội đồng OCOP tỉnh Thanh Hóa").And.Contain("Sản phẩm OCOP đang có hiệu lực").And.Contain("<svg"));
        var csv = await browser.GetAsync("/dashboard/products.csv");
        Assert.That(csv.Content.Headers.ContentType!.MediaType, Is.EqualTo("text/csv"));
    }

    [Test]
    public async Task AFormWithoutItsToken_IsRefused_AndAWrongKeyIsNotLetIn()
    {
        Assert.That((await SignInAsync(Browser(), _office.Key, withCsrf: false)).StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        var wrong = await SignInAsync(Browser(), "ocop_not-a-key");
        Assert.That(wrong.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(wrong.Headers.Contains("Set-Cookie") && wrong.Headers.GetValues("Set-Cookie").Any(c => c.StartsWith("ocop_session=", StringComparison.Ordinal)), Is.False);

        var browser = Browser();
        await SignInAsync(browser, _office.Key);
        var forged = await browser.PostAsync("/dashboard/sign-out", new FormUrlEncodedContent(new Dictionary<string, string>()));
        Assert.That(forged.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), "a sign-out without the page's token (another site's form) does nothing");
        Assert.That((await browser.GetAsync("/dashboard")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task SigningOut_EndsTheSession_AndARevokedKeyEndsItsSessions()
    {
        var browser = Browser();
        await SignInAsync(browser, _office.Key);
        var token = WebUtility.HtmlDecode(await CsrfAsync(browser, "/dashboard"));
        var signedOut = await browser.PostAsync("/dashboard/sign-out", new FormUrlEncodedContent(new Dictionary<string, string> { ["csrf"] = token }));
        Assert.That(signedOut.StatusCode, Is.EqualTo(HttpStatusCode.SeeOther));
        Assert.That((await browser.GetAsync("/dashboard")).StatusCode, Is.EqualTo(HttpStatusCode.Redirect));

        var second = await (await _office.Client.PostAsJsonAsync($"/api/v1/authorities/{_office.Id}/api-keys", new { name = "Máy văn phòng" })).Json(HttpStatusCode.Created);
        var other = Browser();
        await SignInAsync(other, second.GetProperty("apiKey").GetString()!);
        Assert.That((await other.GetAsync("/dashboard")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        (await _office.Client.DeleteAsync($"/api/v1/authorities/{_office.Id}/api-keys/{second.Id()}")).EnsureSuccessStatusCode();
        Assert.That((await other.GetAsync("/dashboard")).StatusCode, Is.EqualTo(HttpStatusCode.Redirect), "the revoked key's session ends");
    }

    [Test]
    public async Task AProducer_SeesItsShoppersReports_NotTheOfficesFiles()
    {
        var producer = await _api.CreateProducerAsync("HTX Báo cáo");
        var batch = await producer.CreateBatchAsync((await producer.CreateProductAsync(Scenario.NewGtin13())).Id(), "DASH-1");
        await Browser().PostAsync($"/p/{batch.GetProperty("code").GetString()}/report",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["reason"] = "other", ["message"] = "<b>Hỏi</b> về lô này" }));
        var browser = Browser();
        await SignInAsync(browser, producer.Key);
        var page = await (await browser.GetAsync("/dashboard")).Content.ReadAsStringAsync();
        Assert.That(page, Does.Contain("&lt;b&gt;Hỏi&lt;/b&gt;").Or.Contain("&lt;b&gt;H"), "the shopper's text, encoded");
        Assert.That(page, Does.Not.Contain("id=\"products\""));
        Assert.That((await browser.GetAsync("/dashboard/products.csv")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task InProduction_TheSessionCookie_IsSecure()
    {
        using var production = new ApiFactory(environment: "Production");
        var office = await production.CreateAuthorityAsync();
        var signedIn = await SignInAsync(Browser(production, https: true), office.Key);
        Assert.That(signedIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("ocop_session=", StringComparison.Ordinal)).ToLowerInvariant(), Does.Contain("secure"));
    }

    [Test]
    public async Task AKeyThatMayNotRead_CannotSignIn()
    {
        var diary = await (await _office.Client.PostAsJsonAsync($"/api/v1/authorities/{_office.Id}/api-keys", new { name = "Chỉ ghi", scopes = new[] { "webhooks:manage" } }))
            .Json(HttpStatusCode.Created);
        var refused = await SignInAsync(Browser(), diary.GetProperty("apiKey").GetString()!);
        Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync()), Does.Contain("may not read"));
    }

    [Test]
    public async Task InProduction_PlainHttp_IsRefusedWithAReason_NotAServerError()
    {
        using var production = new ApiFactory(environment: "Production");
        var refused = await Browser(production).GetAsync("/dashboard/sign-in");
        Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(await refused.Content.ReadAsStringAsync(), Does.Contain("HTTPS"));
    }

    [GeneratedRegex("name=\"csrf\" value=\"([^\"]+)\"")]
    private static partial Regex Csrf();
}
