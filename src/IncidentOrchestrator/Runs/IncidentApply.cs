using System.Collections.Concurrent;
using System.Reflection;
using IncidentOrchestrator.Incidents;

namespace IncidentOrchestrator.Runs;

/// <summary>Applies an event to an in-memory incident through the same public Apply methods Marten's snapshot uses.</summary>
internal static class IncidentApply
{
    private static readonly ConcurrentDictionary<Type, MethodInfo?> Methods = new();

    public static void Apply(Incident incident, object @event) =>
        Methods.GetOrAdd(@event.GetType(), type => typeof(Incident).GetMethod(nameof(Incident.Apply), BindingFlags.Public | BindingFlags.Instance, [type]))
            ?.Invoke(incident, [@event]);
}
