using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Traceability.Api.Auth;
using Traceability.Api.PublicRecords.Building;
using Traceability.Api.Webhooks;
using Traceability.Api.Wire;
using Traceability.Domain;
using Traceability.Domain.Webhooks;
using Traceability.Infrastructure.Repositories;
using Traceability.Infrastructure.Webhooks;

namespace Traceability.Api.Epcis;

/// <summary>The EPCIS 2.0 REST binding's named queries (/epcis/queries) and subscriptions to them: a partner names its
/// query once, reads it by name, and has its new results pushed — after each capture (stream) or on a schedule —
/// through a signed webhook of its own instead of polling.</summary>
public static class EpcisQueryEndpoints
{
    public static RouteGroupBuilder MapEpcisQueryEndpoints(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/epcis/queries").WithTags("EPCIS").RequireAuthorization(Policies.Any).RequireScope(KeyScopes.Read);
        group.MapPost("/", CreateQuery).WithName("CreateEpcisQuery")
            .WithSummary("Name a SimpleEventQuery (its parameters as GET /epcis/events takes them, each a value or a list); the query is checked as that endpoint checks it. 409 if the caller has a query of that name.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict);
        group.MapGet("/", ListQueries).WithName("ListEpcisQueries").WithSummary("The caller's named queries.");
        group.MapGet("/{name}", GetQuery).WithName("GetEpcisQuery").WithSummary("One of the caller's named queries.").ProducesProblem(StatusCodes.Status404NotFound);
        group.MapDelete("/{name}", DeleteQuery).WithName("DeleteEpcisQuery")
            .WithSummary("Delete a named query with its subscriptions (and their webhooks).").ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/{name}/events", QueryEvents).WithName("GetEpcisQueryEvents")
            .WithSummary("Run a named query: the events it matches for the caller now, a page at a time (perPage, nextPageToken), as GET /epcis/events answers.")
            .Produces<System.Text.Json.JsonElement>(StatusCodes.Status200OK, EpcisDocument.MediaType, EpcisXml.MediaType)
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/{name}/subscriptions", Subscribe).WithName("SubscribeEpcisQuery").RequireScope(KeyScopes.WebhooksManage)
            .WithSummary("Subscribe a URL (dest: https, checked like a webhook's) to the query's new results: stream (after each capture) or a schedule (minute, hour, dayOfMonth, month, dayOfWeek, Vietnam time); reportIfEmpty; from initialRecordTime (default now). Delivered as signed webhooks (kind epcis.query_results, the secret shown once) through a webhook made for the subscription.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapGet("/{name}/subscriptions", ListSubscriptions).WithName("ListEpcisQuerySubscriptions")
            .WithSummary("The query's subscriptions, with the record time each has delivered up to.").ProducesProblem(StatusCodes.Status404NotFound);
        group.MapDelete("/{name}/subscriptions/{subscriptionId:guid}", Unsubscribe).WithName("UnsubscribeEpcisQuery").RequireScope(KeyScopes.WebhooksManage)
            .WithSummary("End a subscription (and its webhook).").ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    private static (Role Role, Guid Id) Owner(ClaimsPrincipal user)
    {
        var caller = user.ToCaller();
        return (caller.Role, caller.Id ?? Guid.Empty);
    }

    private static async Task<EpcisQueryRepository.Query> FindAsync(ClaimsPrincipal user, string name, EpcisQueryRepository queries, CancellationToken ct)
    {
        var (role, id) = Owner(user);
        return await queries.GetAsync(role, id, name, ct) ?? throw new NotFoundException("Query", name);
    }

    public static async Task<Created<QueryResponse>> CreateQuery(CreateQueryRequest request, ClaimsPrincipal user, EpcisQueryRepository queries,
        EpcisAnswers answers, PublicLinks links, TimeProvider clock, CancellationToken ct)
    {
        var (name, parameters) = request.Validate();
        var (role, id) = Owner(user);
        // Checked as GET /epcis/events checks it, for this caller, before it is kept.
        await answers.AnswerAsync(role, id, new QueryCollection(Parse(parameters, "perPage", "1")), ct);
        var query = new EpcisQueryRepository.Query(Guid.CreateVersion7(clock.GetUtcNow()), role, id, name, parameters, clock.GetUtcNow());
        if (!await queries.CreateAsync(query, ct)) throw new ConflictException($"You already have a query named '{name}'.");
        var url = links.Absolute(ApiPaths.EpcisQuery(name));
        return TypedResults.Created(url, QueryResponse.From(query, url + "/events"));
    }

    public static async Task<Ok<IReadOnlyList<QueryResponse>>> ListQueries(ClaimsPrincipal user, EpcisQueryRepository queries, PublicLinks links, CancellationToken ct)
    {
        var (role, id) = Owner(user);
        return TypedResults.Ok<IReadOnlyList<QueryResponse>>((await queries.ListAsync(role, id, ct))
            .Select(q => QueryResponse.From(q, links.Absolute(ApiPaths.EpcisQuery(q.Name)) + "/events")).ToList());
    }

    public static async Task<Ok<QueryResponse>> GetQuery(string name, ClaimsPrincipal user, EpcisQueryRepository queries, PublicLinks links, CancellationToken ct) =>
        TypedResults.Ok(QueryResponse.From(await FindAsync(user, name, queries, ct), links.Absolute(ApiPaths.EpcisQuery(name)) + "/events"));

    public static async Task<NoContent> DeleteQuery(string name, ClaimsPrincipal user, EpcisQueryRepository queries, CancellationToken ct)
    {
        await queries.DeleteAsync((await FindAsync(user, name, queries, ct)).Id, ct);
        return TypedResults.NoContent();
    }

    public static async Task<ContentHttpResult> QueryEvents(string name, HttpContext context, ClaimsPrincipal user, EpcisQueryRepository queries,
        EpcisAnswers answers, PublicLinks links, CancellationToken ct)
    {
        var query = await FindAsync(user, name, queries, ct);
        foreach (var key in context.Request.Query.Keys.Where(k => k is not ("perPage" or "nextPageToken")))
            throw ValidationFailedException.For(key, "A named query takes only perPage and nextPageToken; its own parameters are fixed.");
        var parameters = Parse(query.Parameters);
        foreach (var (key, value) in context.Request.Query) parameters[key] = value;
        var (role, id) = Owner(user);
        var (document, next) = await answers.AnswerAsync(role, id, new QueryCollection(parameters), ct);
        return EpcisEndpoints.Answer(context, document, next, links.Absolute(ApiPaths.EpcisQuery(name)) + "/events");
    }

    public static async Task<Created<SubscriptionResponse>> Subscribe(string name, SubscribeRequest request, ClaimsPrincipal user, EpcisQueryRepository queries,
        WebhookRepository webhooks, IOptions<WebhookOptions> options, IOptions<Hosting.QuotaOptions> quotas, PublicLinks links, TimeProvider clock, CancellationToken ct)
    {
        var query = await FindAsync(user, name, queries, ct);
        var now = clock.GetUtcNow();
        var v = new FieldErrors();
        var dest = v.Required("dest", request.Dest, WebhookTargets.MaxUrlLength);
        if (dest.Length > 0 && WebhookTargets.Problem(dest, options.Value.AllowPrivateTargets) is { } problem) v.Add("dest", problem);
        var schedule = QuerySchedule.Read(request.Schedule, v);
        var stream = request.Stream ?? false;
        if (stream == (request.Schedule is not null)) v.Add("stream", "Either stream (true: after each capture) or a schedule, not both and not neither.");
        if (request.InitialRecordTime is { } initial && (initial > now || !Bounds.Contains(initial))) v.Add("initialRecordTime", "A time in the past (ISO 8601).");
        DateTimeOffset? firstRun = stream ? now : schedule?.Next(now);
        if (schedule is not null && firstRun is null) v.Add("schedule", "These fields name no time that exists (31 February?).");
        v.ThrowIfInvalid();

        var (role, id) = Owner(user);
        WebhookEndpoints.CheckQuota(await webhooks.ListAsync(role, role == Role.Admin ? null : id, ct), dest, quotas.Value);
        var webhook = new Webhook(Guid.CreateVersion7(now), role, role == Role.Admin ? null : id, dest, [WebhookKinds.EpcisQueryResults],
            $"EPCIS subscription to query '{name}'", true, null, WebhookSignature.NewSecret(), null, null, null, now, now);
        var subscription = new EpcisQueryRepository.Subscription(Guid.CreateVersion7(now), query.Id, webhook.Id, stream, schedule?.ToJson(),
            request.ReportIfEmpty ?? false, request.InitialRecordTime ?? now, now);
        await queries.SubscribeAsync(subscription, webhook, firstRun!.Value, ct);
        return TypedResults.Created($"{links.Absolute(ApiPaths.EpcisQuery(name))}/subscriptions/{subscription.Id}",
            SubscriptionResponse.From(subscription, name, dest, webhook.Secret));
    }

    public static async Task<Ok<IReadOnlyList<SubscriptionResponse>>> ListSubscriptions(string name, ClaimsPrincipal user, EpcisQueryRepository queries,
        WebhookRepository webhooks, CancellationToken ct)
    {
        var query = await FindAsync(user, name, queries, ct);
        var list = new List<SubscriptionResponse>();
        foreach (var s in await queries.SubscriptionsAsync(query.Id, ct))
            list.Add(SubscriptionResponse.From(s, name, (await webhooks.GetAsync(s.WebhookId, ct))?.Url ?? "", null));
        return TypedResults.Ok<IReadOnlyList<SubscriptionResponse>>(list);
    }

    public static async Task<NoContent> Unsubscribe(string name, Guid subscriptionId, ClaimsPrincipal user, EpcisQueryRepository queries, CancellationToken ct)
    {
        var query = await FindAsync(user, name, queries, ct);
        if (!await queries.UnsubscribeAsync(query.Id, subscriptionId, ct)) throw new NotFoundException("Subscription", subscriptionId);
        return TypedResults.NoContent();
    }

    /// <summary>A stored query string as parameters, with extra ones (a page's size).</summary>
    public static Dictionary<string, StringValues> Parse(string parameters, params string[] extra)
    {
        var parsed = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(parameters);
        for (var i = 0; i + 1 < extra.Length; i += 2) parsed[extra[i]] = extra[i + 1];
        return parsed;
    }
}
