using System.Security.Claims;
using IncidentOrchestrator.Hosting;
using IncidentOrchestrator.Incidents;
using IncidentOrchestrator.Playbooks.Planning;
using IncidentOrchestrator.Playbooks.Running;
using IncidentOrchestrator.Runs;
using IncidentOrchestrator.Security;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;

namespace IncidentOrchestrator.Playbooks;

/// <param name="Hidden">Runs on incidents the caller may not see: counted, never shown.</param>
public sealed record ReplayAnswer(string Playbook, string CandidateHash, IReadOnlyList<ReplayResult> Runs, int Hidden, string? Note);

/// <summary>The audit trail of replays: who tried which candidate over which runs. Nothing else is written.</summary>
public sealed record PlaybookReplayed(string Playbook, string CandidateHash, string By, IReadOnlyList<Guid> Runs, int Hidden, DateTimeOffset At);

/// <summary>The stream type of <see cref="PlaybookReplayed"/> events (one stream per replay).</summary>
public sealed class PlaybookReplayLog
{
    public Guid Id { get; set; }
}

/// <summary>
/// <c>POST /api/playbooks/replay</c>: what a candidate version of a playbook would have done on the runs already recorded,
/// step by step, and how that differs from what happened. Nothing is executed and no incident is written to.
/// </summary>
public static class ReplayPlaybookEndpoint
{
    public const int DefaultLimit = 100;

    [WolverinePost("/api/playbooks/replay"), Authorize(Roles = Roles.PlaybookAuthors)]
    public static async Task<IResult> Post(ReplayPlaybook request, PlaybookCatalog catalog, PlaybookOptions options, PinnedPlaybooks pinned,
        IDocumentSession session, NeedToKnowGate needToKnow, ClaimsPrincipal user, HttpContext context, TimeProvider clock, CancellationToken ct) =>
        (await ReplayAsync(request, catalog, options, pinned, session, needToKnow, user, context, clock, ct)).ToHttp(TypedResults.Ok);

    /// <summary>Replays a candidate text over the recorded runs of its playbook (those the caller may see), and records that it did.</summary>
    public static async Task<Outcome<ReplayAnswer>> ReplayAsync(ReplayPlaybook request, PlaybookCatalog catalog, PlaybookOptions options, PinnedPlaybooks pinned,
        IDocumentSession session, NeedToKnowGate needToKnow, ClaimsPrincipal user, HttpContext context, TimeProvider clock, CancellationToken ct)
    {
        var validation = new Problems.Validation()
            .Require(!string.IsNullOrWhiteSpace(request.Text), "text", "The candidate playbook's YAML.")
            .Require(request.Limit is null || (request.Limit > 0 && request.Limit <= options.MaxReplayRuns), "limit", $"1 to {options.MaxReplayRuns}.")
            .Require(request.From is null || request.To is null || request.From <= request.To, "to", "Not before 'from'.");
        if (validation.HasErrors) return Refusal.Invalid(validation.ToProblem("The replay request is not valid"));

        // A candidate with errors is refused as validate refuses it: every error at its line and column.
        var errors = catalog.Library.Validate(new PlaybookSource("candidate.yaml", request.Text!), catalog.Actions);
        if (errors.Count > 0) return Refusal.UnprocessableText(errors);
        var candidate = PlaybookLibrary.ParsePinned("candidate.yaml", request.Text!, catalog.Actions);
        var problems = Planner.CheckDecisions(candidate, request.Decisions ?? []);
        if (problems.Count > 0)
        {
            foreach (var (field, message) in problems) validation.Add(field, message);
            return Refusal.Invalid(validation.ToProblem("The replay request is not valid"));
        }

        var query = session.Query<PlaybookRun>().Where(r => r.Playbook == candidate.Name);
        if (request.Incidents is { Count: > 0 } incidents) query = query.Where(r => r.IncidentId.IsOneOf(incidents.ToArray()));
        if (request.From is { } from) query = query.Where(r => r.StartedAt >= from);
        if (request.To is { } to) query = query.Where(r => r.StartedAt <= to);
        var runs = await query.OrderByDescending(r => r.StartedAt).Take(request.Limit ?? DefaultLimit).ToListAsync(ct);

        var loaded = new IncidentsLoaded(session);
        var known = await loaded.LoadAsync(runs.Select(r => r.IncidentId), ct);
        var caller = user.Caller();
        // A run acts for an incident, or for an access request (whose incident facts are empty): each for those who may see it.
        var requests = await loaded.RequestsAsync(runs.Select(r => r.IncidentId).Where(id => !known.ContainsKey(id)), ct);
        var visible = runs.Where(r => known.TryGetValue(r.IncidentId, out var i)
            ? caller.CanSee(i)
            : requests.TryGetValue(r.IncidentId, out var q) && Access.GetAccessRequestsEndpoint.MaySee(caller, q)).ToList();
        var hidden = runs.Count - visible.Count;
        await needToKnow.RecordShownAsync(loaded, context.User.Caller(), NeedToKnowGate.EndpointName(context), visible.Select(r => r.IncidentId), context.RequestAborted);

        var results = new List<ReplayResult>();
        foreach (var run in visible)
        {
            var recordedPlaybook = await TryPinnedAsync(pinned, run.PlaybookHash, session, ct);
            results.Add(Replayer.Replay(candidate, recordedPlaybook, Recorded(run, known.GetValueOrDefault(run.IncidentId)), request.Decisions));
        }

        session.Events.StartStream<PlaybookReplayLog>(Guid.CreateVersion7(),
            new PlaybookReplayed(candidate.Name, candidate.Hash, caller.Subject, visible.Select(r => r.Id).ToList(), hidden, clock.GetUtcNow()));
        await session.SaveChangesAsync(ct);

        return new ReplayAnswer(candidate.Name, candidate.Hash, results, hidden,
            hidden == 0 ? null : $"{hidden} run(s) on incidents (or access requests) you may not see were left out");
    }

    /// <param name="incident">The run's incident, or null for a run of an access request (its incident facts are empty).</param>
    public static RecordedRun Recorded(PlaybookRun run, Incident? incident) => new(run.IncidentId, run.Id, run.PlaybookHash, run.Status,
        JsonValues.ToPlain(run.Inputs), run.Signal is null ? null : JsonValues.ToPlain(run.Signal),
        incident is null ? new Dictionary<string, object?>() : RunScope.Facts(incident),
        run.Steps.ToDictionary(s => s.Key, s => new RecordedStep(s.Value.Status, s.Value.Outcome, s.Value.Attempts, JsonValues.ToPlain(s.Value.Outputs), s.Value.Resolution,
            s.Value.EndedAt, s.Value.Escalated, s.Value.IncidentRead is { } read ? new IncidentFactsRead(JsonValues.ToPlain(read)) : null, s.Value.UndoFailed)),
        run.CompensationQueue);

    private static async Task<Model.Playbook?> TryPinnedAsync(PinnedPlaybooks pinned, string hash, IQuerySession session, CancellationToken ct)
    {
        try
        {
            return await pinned.GetAsync(hash, session, ct);
        }
        catch (InvalidOperationException)
        {
            return null; // a run from before texts were pinned: its parameters and policies cannot be compared
        }
    }
}
