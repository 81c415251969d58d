using System.Security.Claims;
using IncidentOrchestrator.Hosting;
using IncidentOrchestrator.Incidents;
using IncidentOrchestrator.Security;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace IncidentOrchestrator.FollowUps.Trackers;

public sealed record FollowUpExportAccepted(Guid FollowUpId, string Tracker, TrackerLink? Link);

/// <summary>
/// A follow-up goes to the tracker the team works in, once: asking again, or for a follow-up already there, changes nothing. The export itself
/// follows through the outbox and is tried again until the tracker takes it.
/// </summary>
public static class ExportFollowUpEndpoint
{
    public static ProblemDetails Validate(ExportFollowUpTo? request) => request is null
        ? Problems.MissingBody()
        : new Problems.Validation().Require(!string.IsNullOrWhiteSpace(request.Tracker), "tracker", "The configured tracker to export to is required.").ToProblem();

    /// <summary><c>POST /api/followups/{followUpId}/export</c> <c>{tracker}</c>: 202, with the link once it exists.</summary>
    [WolverinePost("/api/followups/{followUpId}/export"), Authorize(Roles = Roles.Readers)]
    public static async Task<IResult> Post(Guid followUpId, ExportFollowUpTo request, IQuerySession session, IncidentCommands commands, Trackers trackers,
        ClaimsPrincipal user, DateTimeOffset now, CancellationToken ct) =>
        (await ExportAsync(followUpId, request, session, commands, trackers, user.Caller(), now, ct))
        .ToHttp(accepted => TypedResults.Accepted($"/api/followups/{followUpId}", accepted));

    public static async Task<Outcome<FollowUpExportAccepted>> ExportAsync(Guid followUpId, ExportFollowUpTo request, IQuerySession session,
        IncidentCommands commands, Trackers trackers, Caller caller, DateTimeOffset now, CancellationToken ct)
    {
        if (trackers.NameOf(request.Tracker!) is not { } name)
            return Refusal.Invalid(new Problems.Validation().Add("tracker", trackers.Count == 0
                    ? "No tracker is configured (Trackers__<name>__Kind github or jira)."
                    : $"No tracker named '{request.Tracker!.Trim()}'; configured: {string.Join(", ", trackers.Keys.Order())}.")
                .ToProblem("The export is not valid"));
        if (await session.LoadAsync<FollowUp>(followUpId, ct) is not { } found) return Refusal.NotFound("Follow-up", followUpId);
        var outcome = await commands.DecideAsync(found.IncidentId, incident =>
        {
            if (incident.FollowUps.Find(f => f.Id == followUpId) is not { } followUp) return IncidentDecision.Refuse(Refusal.NotFound("Follow-up", followUpId));
            if (!caller.MayChange(incident, followUp)) return IncidentDecision.Refuse(FollowUpRules.NotYours);
            if (followUp.Trackers.Contains(name) || followUp.ExportsAsked.Contains(name)) return IncidentDecision.Nothing; // one export each
            return new IncidentDecision(null, [new FollowUpExportRequested(incident.Id, followUpId, name, caller.Subject, now)],
                [new ExportFollowUp(incident.Id, followUpId, name)]);
        }, ct);
        return outcome.Refused is { } refused ? refused : new FollowUpExportAccepted(followUpId, name, found.Links.Find(l => l.Tracker == name));
    }
}
