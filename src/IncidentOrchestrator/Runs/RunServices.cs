using IncidentOrchestrator.Playbooks;

namespace IncidentOrchestrator.Runs;

/// <summary>What every turn of a run works with, besides its session.</summary>
public sealed record RunServices(PinnedPlaybooks Playbooks, PlaybookCatalog Catalog, TimeProvider Clock, InlineActions Actions);
