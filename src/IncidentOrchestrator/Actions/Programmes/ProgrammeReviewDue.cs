using Marten;

namespace IncidentOrchestrator.Actions.Programmes;

/// <summary>The review date of the suspension that began at <see cref="SuspendedAt"/> has come.</summary>
public sealed record ProgrammeReviewDue(string Programme, DateTimeOffset SuspendedAt);

/// <summary>
/// A suspension is time-boxed: when its review date passes and the programme is still suspended by
/// the same suspension, the programme's and the incident's timelines say so.
/// </summary>
public static class ProgrammeReviewDueHandler
{
    public static async Task Handle(ProgrammeReviewDue due, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        var stream = await session.Events.FetchForWriting<Programme>(Programme.StreamId(due.Programme), ct);
        if (stream.Aggregate is not { Status: "suspended", SuspendedForIncident: { } incident } programme
            || programme.SuspendedAt != due.SuspendedAt) return; // resumed, or suspended again since: nothing is due

        var overdue = new ProgrammeReviewOverdue(due.Programme, incident, programme.SuspendedAt!.Value, programme.ReviewBy!.Value, clock.GetUtcNow());
        stream.AppendOne(overdue);
        session.Events.Append(incident, overdue);
    }
}
