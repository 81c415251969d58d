using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using IncidentOrchestrator.Hosting;
using IncidentOrchestrator.Incidents;
using IncidentOrchestrator.Integrations;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;

namespace IncidentOrchestrator.FollowUps.Trackers;

/// <summary>A delivery of a tracker's webhook already taken (GitHub's <c>X-GitHub-Delivery</c>, Jira's <c>X-Atlassian-Webhook-Identifier</c>).</summary>
public sealed class TrackerDeliverySeen
{
    public string Id { get; set; } = "";
    public DateTimeOffset At { get; set; }
}

/// <summary>What a tracker's webhook said of one issue: closed as done, closed as not to be done (with the tracker's words), or open again.</summary>
public sealed record IssueChange(string Key, bool Closed, string? NotPlanned = null);

/// <summary>
/// <c>POST /api/trackers/{tracker}/webhook</c>: a tracker says an issue closed or reopened. The body must carry the HMAC-SHA256 of its exact bytes with
/// the tracker's <c>WebhookSecret</c> (GitHub: <c>X-Hub-Signature-256</c>; Jira: <c>X-Hub-Signature</c>; both <c>sha256=&lt;hex&gt;</c>); anything else
/// is refused, recorded, and changes nothing. A closed issue moves its follow-up to done, a reopened one back to open, in the tracker's name.
/// </summary>
public static class TrackerWebhookEndpoint
{
    private const int MaxBody = 1024 * 1024;

    [WolverinePost("/api/trackers/{tracker}/webhook"), AllowAnonymous, ReadsItsOwnBody]
    public static async Task<IResult> Post(string tracker, HttpContext context, Trackers trackers, IDocumentStore store, IncidentCommands commands,
        FollowUpOptions followUps, TimeProvider clock, ILogger<TrackerDeliverySeen> logger, CancellationToken ct)
    {
        if (!trackers.TryGetValue(tracker, out var options) || string.IsNullOrEmpty(options.WebhookSecret))
            return Problems.NotFound("Tracker webhook", tracker);
        tracker = trackers.NameOf(tracker)!; // the name its links carry
        var now = clock.GetUtcNow();
        var body = await ReadAsync(context.Request, ct);
        if (body is null) return TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Too large", detail: $"At most {MaxBody} bytes.");
        var header = options.Kind == TrackerKinds.GitHub ? "X-Hub-Signature-256" : "X-Hub-Signature";
        if (!Signed(options.WebhookSecret, body, context.Request.Headers[header].ToString()))
            return await RefuseAsync($"the {header} signature does not match");

        JsonElement payload;
        try
        {
            payload = JsonDocument.Parse(body).RootElement.Clone();
        }
        catch (JsonException e)
        {
            return TypedResults.Problem(new Problems.Validation().Add(IncomingText.Body, $"Not JSON: {e.Message}").ToProblem("Not a tracker event"));
        }
        var delivery = context.Request.Headers[options.Kind == TrackerKinds.GitHub ? "X-GitHub-Delivery" : "X-Atlassian-Webhook-Identifier"].ToString();
        var seenId = $"{tracker}:{delivery}";
        await using var session = store.QuerySession();
        if (delivery.Length > 0 && await session.LoadAsync<TrackerDeliverySeen>(seenId, ct) is not null)
            return TypedResults.Ok(new { taken = false, why = "this delivery was taken before" });

        var change = options.Kind == TrackerKinds.GitHub
            ? GitHub(context.Request.Headers["X-GitHub-Event"].ToString(), payload)
            : Jira(payload);
        if (change is null) return TypedResults.Ok(new { taken = false, why = "not an issue closed or reopened" });

        var followUp = await session.Query<FollowUp>().Where(f => f.Links.Any(l => l.Tracker == tracker && l.Key == change.Key)).FirstOrDefaultAsync(ct);
        if (followUp is null) return TypedResults.Ok(new { taken = false, why = $"no follow-up is tracked as {change.Key}" });
        var (status, reason) = change switch
        {
            { Closed: true, NotPlanned: { } why } => (FollowUpStatuses.WontDo, $"{change.Key} closed in {tracker} as {why}"),
            { Closed: true } => (FollowUpStatuses.Done, $"{change.Key} closed in {tracker}"),
            _ => (FollowUpStatuses.Open, $"{change.Key} reopened in {tracker}"),
        };
        // Closing moves only what is pending; reopening only what was closed.
        var outcome = await ChangeFollowUpStatusEndpoint.MoveAsync(followUp.Id, status, reason, $"tracker:{tracker}",
            (_, f) => change.Closed != f.IsPending ? Refusal.Conflict("Nothing to move", $"The follow-up is {f.Status}.") : null,
            session, commands, followUps, now, ct);
        // Marked taken once what it said is recorded: a delivery that failed half-way is taken when it comes again.
        if (delivery.Length > 0) await RememberAsync(seenId);
        return TypedResults.Ok(new { taken = outcome.Succeeded, followUpId = followUp.Id, status = outcome.Succeeded ? status : followUp.Status });

        async Task<IResult> RefuseAsync(string reason)
        {
            logger.LogWarning("Refused a {Tracker} webhook from {Address}: {Reason}", tracker, context.Connection.RemoteIpAddress, reason);
            await using var refusals = store.LightweightSession();
            refusals.Insert(new IntegrationRefusal
            {
                Id = Guid.CreateVersion7(), Integration = $"tracker:{tracker}", Reason = reason, RemoteAddress = context.Connection.RemoteIpAddress?.ToString(),
                At = now,
            });
            await refusals.SaveChangesAsync(ct);
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Refused", detail: $"The webhook was refused: {reason}.");
        }

        async Task RememberAsync(string id)
        {
            await using var seen = store.LightweightSession();
            seen.Store(new TrackerDeliverySeen { Id = id, At = now });
            seen.DeleteWhere<TrackerDeliverySeen>(s => s.At < now.AddDays(-30)); // trackers redeliver within days, not months
            await seen.SaveChangesAsync(ct);
        }
    }

    /// <summary>GitHub's <c>issues</c> event: <c>closed</c> (as <c>not_planned</c>: not to be done) or <c>reopened</c>, its issue named
    /// <c>owner/name#number</c>.</summary>
    public static IssueChange? GitHub(string @event, JsonElement payload) =>
        @event == "issues" && Text(payload, "action") is "closed" or "reopened" && Object(payload, "issue") is { } issue
        && Object(issue, "number") is { ValueKind: JsonValueKind.Number } number && number.TryGetInt32(out var n)
        && Object(payload, "repository") is { } repository && Text(repository, "full_name") is { } repo
            ? new IssueChange($"{repo}#{n}", Text(payload, "action") == "closed", Text(issue, "state_reason") == "not_planned" ? "not planned" : null)
            : null;

    private static readonly string[] NotToBeDone = ["won't do", "won't fix", "declined", "not a bug", "obsolete", "duplicate"];

    /// <summary>
    /// Jira's <c>jira:issue_updated</c> whose changelog moved its status: closed when the status is now in the done category (not to be done when
    /// its resolution says so: Won't Do, Declined…), open otherwise. An update that moved no status (a comment, an assignee) says nothing here.
    /// </summary>
    public static IssueChange? Jira(JsonElement payload)
    {
        if (Text(payload, "webhookEvent") != "jira:issue_updated" || Object(payload, "issue") is not { } issue || Text(issue, "key") is not { } key) return null;
        var movedStatus = Object(payload, "changelog") is { } changelog && Object(changelog, "items") is { ValueKind: JsonValueKind.Array } items
                          && items.EnumerateArray().Any(i => Text(i, "field") == "status");
        if (!movedStatus || Object(issue, "fields") is not { } fields || Object(fields, "status") is not { } status
            || Object(status, "statusCategory") is not { } category || Text(category, "key") is not { } done)
            return null;
        var resolution = Object(fields, "resolution") is { } r ? Text(r, "name") : null;
        return new IssueChange(key, done == "done",
            done == "done" && resolution is not null && NotToBeDone.Contains(resolution.ToLowerInvariant()) ? resolution : null);
    }

    private static JsonElement? Object(JsonElement e, string property) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(property, out var v) && v.ValueKind != JsonValueKind.Null ? v : null;

    /// <summary><c>sha256=</c> and the hex HMAC-SHA256 of the body's bytes with the secret, as GitHub and Jira sign their webhooks.</summary>
    public static string Sign(string secret, byte[] body) => "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    private static bool Signed(string secret, byte[] body, string signature) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Sign(secret, body)), Encoding.ASCII.GetBytes(signature.ToLowerInvariant()));

    private static string? Text(JsonElement e, string property) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(property, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static async Task<byte[]?> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int n;
        while ((n = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            buffer.Write(chunk, 0, n);
            if (buffer.Length > MaxBody) return null;
        }
        return buffer.ToArray();
    }
}
