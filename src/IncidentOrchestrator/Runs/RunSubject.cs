using IncidentOrchestrator.Access;
using IncidentOrchestrator.Incidents;
using IncidentOrchestrator.Playbooks.Model;
using IncidentOrchestrator.Security;
using Marten;

namespace IncidentOrchestrator.Runs;

/// <summary>
/// What a run (or a task) acts for, as people meet it: an incident, an access request (its own stream, with no commander), or a
/// dataset's access review (whose tasks no run waits for). Who may see it, who hears what escalates, and where people find it, for
/// every door that shows its work (the need-to-know gate, notifications and channels, My work).
/// </summary>
public sealed record RunSubject(Guid Id, string Kind, string Title, Incident? Incident, AccessRequest? Request, Access.Reviews.AccessReview? Review = null)
{
    /// <summary>Its page in the console.</summary>
    public string ConsoleLink => ConsoleLinkOf(Kind, Id);

    /// <summary>Where the API answers for it.</summary>
    public string ApiLink => ApiLinkOf(Kind, Id);

    public static string ApiLinkOf(string kind, Guid id) => kind switch
    {
        Subjects.AccessRequest => $"/api/access-requests/{id}",
        Subjects.AccessReview => $"/api/access-reviews/{id}",
        _ => $"/api/incidents/{id}",
    };

    public static string ConsoleLinkOf(string kind, Guid id) => kind switch
    {
        Subjects.AccessRequest => $"/access/{id}",
        Subjects.AccessReview => $"/access/reviews/{id}",
        _ => $"/incidents/{id}",
    };

    /// <summary>Whether what it says is for its participants only: a restricted incident, and every access request and review (they name
    /// roles, datasets and reasons).</summary>
    public bool Restricted => Incident?.Restricted ?? true;

    /// <summary>Who may see it by name (subjects), besides administrators.</summary>
    public IReadOnlyList<string> Participants => Incident?.Participants ?? (Request is { } r ? [r.RequestedBy] : []);

    /// <summary>Who else may see it (principals: <c>user:x</c>, <c>role:y</c>): an access request's approvers; a review's own viewers (its dataset's
    /// owner and stewards, and whom its tasks went to).</summary>
    public IReadOnlyList<string> Viewers => Request?.Approvers ?? Review?.Viewers ?? [];

    public bool MaySee(Caller caller) => Incident is { } incident ? caller.CanSee(incident)
        : Request is { } request ? caller.MaySee(request)
        : Review is { } review && review.MaySee(caller);

    /// <summary>
    /// Who hears a notification meant for <paramref name="audience"/>: an incident's commanders are its commanders; an access
    /// request has none, so what would go to them goes to those who answer for it, its approvers, and to whoever its escalated
    /// steps are given to (<see cref="EscalatesTo"/>).
    /// </summary>
    public IReadOnlyList<string> Audience(IReadOnlyList<string> audience) => Incident is not null
        ? audience
        : audience.SelectMany(a => a == Playbooks.Running.RunDecider.Escalation ? [.. Viewers, EscalatesTo(Kind)] : new[] { a })
            .Distinct(StringComparer.Ordinal).ToList();

    /// <summary>Who is given a run's escalated step to retry, skip or abort: an incident's commanders; for an access request, which has none
    /// and whose steps act on a database, the administrators.</summary>
    public static string EscalatesTo(string kind) => kind == Subjects.Incident ? Playbooks.Running.RunDecider.Escalation : $"role:{Roles.Admin}";

    public static async Task<RunSubject?> LoadAsync(IQuerySession session, Guid id, CancellationToken ct) =>
        (await LoadManyAsync(session, [id], ct)).GetValueOrDefault(id);

    /// <summary>The subjects of <paramref name="ids"/> that exist (incidents first; what is not an incident may be a request).</summary>
    public static async Task<IReadOnlyDictionary<Guid, RunSubject>> LoadManyAsync(IQuerySession session, IEnumerable<Guid> ids, CancellationToken ct)
    {
        var wanted = ids.Distinct().ToArray();
        if (wanted.Length == 0) return new Dictionary<Guid, RunSubject>();
        var found = (await session.LoadManyAsync<Incident>(ct, wanted)).ToDictionary(i => i.Id, Of);
        var rest = wanted.Where(id => !found.ContainsKey(id)).ToArray();
        if (rest.Length > 0)
            foreach (var request in await session.LoadManyAsync<AccessRequest>(ct, rest)) found[request.Id] = Of(request);
        rest = wanted.Where(id => !found.ContainsKey(id)).ToArray();
        if (rest.Length > 0)
            foreach (var review in await session.LoadManyAsync<Access.Reviews.AccessReview>(ct, rest)) found[review.Id] = Of(review);
        return found;
    }

    public static RunSubject Of(Incident incident) => new(incident.Id, Subjects.Incident, incident.Title, incident, null);

    public static RunSubject Of(Access.Reviews.AccessReview review) =>
        new(review.Id, Subjects.AccessReview, $"Access review of {review.Dataset}", null, null, review);

    public static RunSubject Of(AccessRequest request) =>
        new(request.Id, Subjects.AccessRequest, $"Access for {request.Grantee} to {request.Dataset}", null, request);
}
