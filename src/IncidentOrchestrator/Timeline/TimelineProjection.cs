using System.Text.Json;
using IncidentOrchestrator.Hosting;
using JasperFx.Events;
using Marten;
using Marten.Events.Projections;

namespace IncidentOrchestrator.Timeline;

/// <summary>Inline: the timeline is written in the same transaction as the events it describes.</summary>
public sealed class TimelineProjection : IProjection
{
    private static readonly JsonSerializerOptions DataJson = CreateJson();

    public Task ApplyAsync(IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken cancellation)
    {
        foreach (var e in events)
        {
            var described = e.Data as ITimelineEvent;
            operations.Store(new TimelineEntry
            {
                Id = e.Id,
                IncidentId = e.StreamId,
                Sequence = e.Version,
                At = described?.At ?? e.Timestamp,
                Type = e.EventType.Name,
                Actor = described?.Actor ?? "system",
                Summary = described?.Describe() ?? e.EventType.Name,
                Data = JsonSerializer.SerializeToElement(e.Data, e.EventType, DataJson),
            });
        }
        return Task.CompletedTask;
    }

    private static JsonSerializerOptions CreateJson()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        JsonConfiguration.Apply(options);
        return options;
    }
}
