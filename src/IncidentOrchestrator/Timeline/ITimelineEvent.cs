namespace IncidentOrchestrator.Timeline;

/// <summary>What every event on an incident stream tells the timeline: who, when, and in a sentence what.</summary>
public interface ITimelineEvent
{
    string Actor { get; }
    DateTimeOffset At { get; }
    string Describe();
}
