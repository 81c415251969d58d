using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using IncidentOrchestrator.Approvals;
using IncidentOrchestrator.Notifications.Channels;
using IncidentOrchestrator.Security;
using IncidentOrchestrator.Tasks;
using Marten;
using IncidentOrchestrator.Hosting;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;

namespace IncidentOrchestrator.Integrations;

/// <summary>A Slack request refused here (bad signature, too old, replayed, unknown user, roles that do not allow the action): kept, never changed.</summary>
public sealed class IntegrationRefusal
{
    public Guid Id { get; set; }
    public string Integration { get; set; } = "";
    public string Reason { get; set; } = "";
    public string? User { get; set; }
    public string? RemoteAddress { get; set; }
    public DateTimeOffset At { get; set; }
}

/// <summary>A signature Slack sent, kept so the same request cannot be played again.</summary>
public sealed class SlackRequestSeen
{
    public string Id { get; set; } = "";
    public DateTimeOffset At { get; set; }
}

/// <summary>
/// <c>POST /api/integrations/slack/actions</c>: the buttons of our Slack messages (Acknowledge a task, Approve an approval).
/// The request must carry Slack's <c>v0</c> signature over its timestamp and body, made with
/// <c>Integrations__Slack__SigningSecret</c>, be at most five minutes old and not seen before; the Slack user must be mapped to
/// a subject. Then exactly the API's rules apply — the same need-to-know gate, the same endpoint (only the assignee or a
/// commander acknowledges; whoever started the run cannot approve it). Every refusal is recorded.
/// </summary>
public static class SlackActionsEndpoint
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(5);
    private const int MaxBody = 64 * 1024;

    [WolverinePost("/api/integrations/slack/actions"), AllowAnonymous, ReadsItsOwnBody]
    public static async Task<IResult> Post(HttpContext context, IntegrationOptions options, IDocumentStore store, TimeProvider clock,
        Notifications.NotificationOptions notifications, ILogger<SlackActionRequest> logger, CancellationToken ct)
    {
        var slack = options.Slack;
        if (string.IsNullOrEmpty(slack.SigningSecret))
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Slack is not connected",
                detail: "Set Integrations__Slack__SigningSecret to take Slack's buttons.");

        var body = await ReadAsync(context.Request, ct);
        var now = clock.GetUtcNow();
        var timestamp = context.Request.Headers["X-Slack-Request-Timestamp"].ToString();
        var signature = context.Request.Headers["X-Slack-Signature"].ToString();
        if (body is null) return await RefuseAsync("the body is too large", null, StatusCodes.Status413PayloadTooLarge);
        if (!long.TryParse(timestamp, out var seconds) || !Signed(slack.SigningSecret, timestamp, body, signature))
            return await RefuseAsync("the signature does not match", null, StatusCodes.Status401Unauthorized);
        if ((now - DateTimeOffset.FromUnixTimeSeconds(seconds)).Duration() > MaxAge)
            return await RefuseAsync("the request is more than five minutes old", null, StatusCodes.Status401Unauthorized);

        if (SlackActionRequest.Payload(body) is { } payload && IncomingText.Json(Encoding.UTF8.GetBytes(payload)) is { } unreadable)
            return TypedResults.Problem((unreadable with
            {
                Field = unreadable.Field == IncomingText.Body ? "payload" : "payload." + unreadable.Field, Title = "Not a Slack action",
            }).ToProblem());
        var request = SlackActionRequest.Parse(body);
        if (request is null) return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Not a Slack action",
            detail: "Expected a form with a block_actions payload.");
        if (!slack.Users.TryGetValue(request.UserId, out var user) || string.IsNullOrWhiteSpace(user.Subject))
            return await RefuseAsync("the Slack user is not mapped to anyone here", request.UserId, StatusCodes.Status403Forbidden);
        if (!await FirstTimeAsync(signature, now))
            return await RefuseAsync("the request was already played", request.UserId, StatusCodes.Status401Unauthorized);

        // The Slack user acts as the person they are mapped to, with roles read as a token's are, through the operation's
        // own roles, the same gate and the same operation as the API.
        var person = Person(user, context.RequestServices.GetRequiredService<OidcOptions>());
        var gate = context.RequestServices.GetRequiredService<NeedToKnowGate>();
        var door = NeedToKnowGate.EndpointName(context);
        switch (request.ActionId)
        {
            case SlackMessage.AcknowledgeAction when Guid.TryParse(request.Value, out var taskId):
                if (!await context.MayCallAsync(person, TaskEndpoints.Ack))
                    return await RefuseAsync("the person's roles do not allow acknowledging tasks", request.UserId, StatusCodes.Status403Forbidden);
                return await gate.TaskAsync(taskId, person.Caller(), door, ct) switch
                {
                    NeedToKnowGate.Admission.Admitted => Answer(await Operations.InTransactionAsync(context, (session, bus) =>
                        TaskEndpoints.AcknowledgeAsync(taskId, session, person, clock, bus, notifications, ct)), "Acknowledged"),
                    var refused => NeedToKnowGate.Http(refused, "Task", taskId),
                };
            case SlackMessage.ApproveAction when Guid.TryParse(request.Value, out var approvalId):
                if (!await context.MayCallAsync(person, DecideApprovalEndpoint.Post))
                    return await RefuseAsync("the person's roles do not allow deciding approvals", request.UserId, StatusCodes.Status403Forbidden);
                return await gate.ApprovalAsync(approvalId, person.Caller(), door, ct) switch
                {
                    NeedToKnowGate.Admission.Admitted => Answer(await Operations.InTransactionAsync(context, (session, bus) =>
                        DecideApprovalEndpoint.DecideAsync(approvalId, new Decide("approve", "Approved in Slack"), session, bus, person, clock, notifications, ct)),
                        "Approved"),
                    var refused => NeedToKnowGate.Http(refused, "Approval", approvalId),
                };
            case SlackMessage.OpenAction:
                return TypedResults.Ok(new { ok = true, message = "Nothing to do for this action" }); // a link: Slack opens it
            default:
                return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Not one of our buttons",
                    detail: $"No button '{request.ActionId}' with a value '{request.Value}' is answered here.");
        }

        async Task<IResult> RefuseAsync(string reason, string? slackUser, int status)
        {
            logger.LogWarning("Refused a Slack request from {Address}: {Reason} (user {User})", context.Connection.RemoteIpAddress, reason, slackUser);
            await using var session = store.LightweightSession();
            session.Insert(new IntegrationRefusal
            {
                Id = Guid.CreateVersion7(), Integration = "slack", Reason = reason, User = slackUser,
                RemoteAddress = context.Connection.RemoteIpAddress?.ToString(), At = now,
            });
            await session.SaveChangesAsync(ct);
            return TypedResults.Problem(statusCode: status, title: "Refused", detail: $"The Slack request was refused: {reason}.");
        }

        async Task<bool> FirstTimeAsync(string seen, DateTimeOffset at)
        {
            await using var session = store.LightweightSession();
            session.Insert(new SlackRequestSeen { Id = seen, At = at });
            // Older signatures need not be kept: their timestamps are refused as too old before this is asked.
            var expired = at - 2 * MaxAge;
            session.DeleteWhere<SlackRequestSeen>(s => s.At < expired);
            try
            {
                await session.SaveChangesAsync(ct);
                return true;
            }
            catch (JasperFx.DocumentAlreadyExistsException)
            {
                return false;
            }
        }
    }

    /// <summary>The person a Slack user is mapped to: their subject, name and roles, and the roles their groups give, as a token's.</summary>
    public static ClaimsPrincipal Person(SlackUser user, OidcOptions oidc)
    {
        var identity = new ClaimsIdentity(
            [
                new Claim(TokenClaims.Subject, user.Subject), new Claim(TokenClaims.Name, user.Name ?? user.Subject),
                .. user.Roles.Select(r => new Claim(TokenClaims.Role, r)), .. user.Groups.Select(g => new Claim(oidc.GroupClaim, g)),
            ],
            "slack", TokenClaims.Name, TokenClaims.Role);
        ProviderClaims.AddRoles(identity, oidc);
        return new ClaimsPrincipal(identity);
    }

    /// <summary>Slack's door: a short sentence when done, the refusal's problem (with its status) when not.</summary>
    private static IResult Answer(Outcome outcome, string done) => outcome.ToHttp(() => TypedResults.Ok(new { ok = true, message = done }));

    /// <summary>Slack's request signing: <c>v0=</c> and the hex HMAC-SHA256 of <c>v0:{timestamp}:{body}</c> with the signing secret.</summary>
    public static string Sign(string secret, string timestamp, string body) =>
        "v0=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"v0:{timestamp}:{body}")));

    private static bool Signed(string secret, string timestamp, string body, string signature) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Sign(secret, timestamp, body)), Encoding.ASCII.GetBytes(signature));

    private static async Task<string?> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var buffer = new char[MaxBody + 1];
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await reader.ReadAsync(buffer.AsMemory(read), ct);
            if (n == 0) break;
            read += n;
        }
        return read > MaxBody ? null : new string(buffer, 0, read);
    }
}

/// <summary>What we read of Slack's <c>block_actions</c> payload: who pressed which button.</summary>
public sealed record SlackActionRequest(string UserId, string ActionId, string Value)
{
    /// <summary>The form's <c>payload</c> field, decoded: Slack's JSON.</summary>
    public static string? Payload(string form) =>
        form.Split('&').Select(p => p.Split('=', 2)).FirstOrDefault(p => p.Length == 2 && p[0] == "payload")?[1] is { } payload
            ? Uri.UnescapeDataString(payload.Replace('+', ' '))
            : null;

    public static SlackActionRequest? Parse(string form)
    {
        if (Payload(form) is not { } payload) return null;
        try
        {
            using var json = JsonDocument.Parse(payload);
            var root = json.RootElement;
            if (root.GetProperty("type").GetString() != "block_actions") return null;
            var action = root.GetProperty("actions")[0];
            return new SlackActionRequest(root.GetProperty("user").GetProperty("id").GetString()!, action.GetProperty("action_id").GetString()!,
                action.TryGetProperty("value", out var value) ? value.GetString() ?? "" : "");
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or IndexOutOfRangeException)
        {
            return null;
        }
    }
}
