using System.Text.Json;
using IncidentOrchestrator.Actions.Evidence;
using IncidentOrchestrator.Actions.Programmes;
using IncidentOrchestrator.Hosting;
using IncidentOrchestrator.Incidents;

namespace IncidentOrchestrator.Actions;

/// <summary>
/// An event an action records on its incident. It does not go on the stream in the executor's
/// transaction: it travels with the result, and the run appends it in its own turn. Every write a
/// run makes to its incident is then made by that run's turns, one after another, instead of by
/// parallel executors racing the run (and each other) for the next version of the stream.
/// </summary>
public sealed record RecordedIncidentEvent(string Type, JsonElement Data)
{
    private static readonly JsonSerializerOptions Json = JsonConfiguration.Create();

    private static readonly Dictionary<string, Type> Types = new[]
    {
        typeof(IncidentSeverityChanged), typeof(IncidentNoteAdded), typeof(IncidentNotified), typeof(EvidenceCaptured),
        typeof(ProgrammeSuspended), typeof(ProgrammeResumed), typeof(Access.AccessGranted), typeof(Access.AccessRevoked),
        typeof(Access.AccessHandedOver), typeof(Access.AccessWithdrawn), typeof(Access.Reviews.AccessReviewOpenedForIncident),
        typeof(FollowUps.FollowUpCreated), typeof(ParticipantAdded), typeof(FollowUps.FollowUpsSettled),
    }.ToDictionary(t => t.Name, StringComparer.Ordinal);

    public static RecordedIncidentEvent Of(object @event) => Types.ContainsKey(@event.GetType().Name)
        ? new RecordedIncidentEvent(@event.GetType().Name, JsonSerializer.SerializeToElement(@event, @event.GetType(), Json))
        : throw new InvalidOperationException($"Actions may not record {@event.GetType().Name} on an incident; add it to {nameof(RecordedIncidentEvent)}.");

    public object ToEvent() => Types.TryGetValue(Type, out var type)
        ? JsonSerializer.Deserialize(Data, type, Json)!
        : throw new InvalidOperationException($"'{Type}' is not an event actions record on an incident.");
}
