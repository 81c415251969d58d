using IncidentOrchestrator.Incidents;
using IncidentOrchestrator.Tasks;
using Marten;
using Wolverine;

namespace IncidentOrchestrator.Actions.Programmes;

/// <summary>The review date of the suspension that began at <see cref="SuspendedAt"/> has come.</summary>
public sealed record ProgrammeReviewDue(string Programme, DateTimeOffset SuspendedAt);

/// <summary>
/// A suspension is time-boxed: when its review date passes and the programme is still suspended by
/// the same suspension, the programme's and the incident's timelines say so, and the incident's
/// commander (or, with none named, every commander) gets a task to decide.
/// </summary>
public static class ProgrammeReviewDueHandler
{
    public static async Task<OutgoingMessages> Handle(ProgrammeReviewDue due, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        var stream = await session.Events.FetchForWriting<Programme>(Programme.StreamId(due.Programme), ct);
        if (stream.Aggregate is not { Status: "suspended", SuspendedForIncident: { } incident } programme
            || programme.SuspendedAt != due.SuspendedAt) return []; // resumed, or suspended again since: nothing is due

        var overdue = new ProgrammeReviewOverdue(due.Programme, incident, programme.SuspendedAt!.Value, programme.ReviewBy!.Value, clock.GetUtcNow());
        stream.AppendOne(overdue);
        session.Events.Append(incident, overdue);

        var commander = (await session.LoadAsync<Incident>(incident, ct))?.Commander;
        return
        [
            new OpenTask(incident, TaskItem.NoRun, $"review:{due.Programme}",
                $"Decide on programme {due.Programme}: its suspension was due for review at {overdue.ReviewBy:u}",
                $"Resume it with a playbook whose programme.resume step is approved, or keep it suspended and record why.",
                commander is null ? "role:commander" : $"user:{commander}", EscalateTo: null, Outputs: ["decision"], AckWithin: null,
                DueWithin: null),
        ];
    }
}
