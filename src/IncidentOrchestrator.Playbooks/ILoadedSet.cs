namespace IncidentOrchestrator.Playbooks;

/// <summary>A set of YAML files loaded together (the playbooks, the dataset catalogue): what it holds, and what it refused.</summary>
public interface ILoadedSet
{
    int Count { get; }
    IReadOnlyList<PlaybookError> Errors { get; }
    IReadOnlyList<string> RejectedFiles { get; }
    bool IsValid { get; }
}
