namespace IncidentOrchestrator.Timeline;

/// <summary>
/// The engine's bookkeeping (a step started, waits, will retry, was cancelled): on the record like
/// everything else, but hidden from people who ask for the timeline with <c>system=false</c>.
/// </summary>
public interface ISystemEvent : ITimelineEvent;
