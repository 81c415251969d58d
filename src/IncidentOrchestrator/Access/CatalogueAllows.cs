using IncidentOrchestrator.Playbooks.Catalogue;
using IncidentOrchestrator.Playbooks.Model;

namespace IncidentOrchestrator.Access;

/// <summary>
/// What a dataset's declaration allows a request: the purpose approved for it, a duration within its longest grant (or its
/// break-glass time), break-glass at all, and who must approve. One rule for asking (<see cref="RequestAccessEndpoint"/>) and for
/// trying a tightened declaration against the requests already made (<see cref="ReplayCatalogueEndpoint"/>).
/// </summary>
public static class CatalogueAllows
{
    /// <summary>Each field the declaration refuses, with why.</summary>
    public static IEnumerable<(string Field, string Why)> Refusals(Dataset dataset, string purpose, string duration, bool breakGlass)
    {
        if (!dataset.Purposes.Contains(purpose, StringComparer.Ordinal))
            yield return ("purpose", $"{dataset.Name} is not approved for '{purpose}' (approved: {string.Join(", ", dataset.Purposes)}).");
        if (breakGlass && dataset.BreakGlassFor is null)
            yield return ("breakGlass", $"{dataset.Name} does not allow break-glass access: ask for it, and its approvers decide.");
        if (!Durations.TryParse(duration, out var length) || length <= TimeSpan.Zero)
            yield return ("duration", $"'{duration}' is not a duration (like 8h or 14d).");
        else if (breakGlass && dataset.BreakGlassFor is { } glass && length > glass)
            yield return ("duration", $"{dataset.Name}'s break-glass access lasts at most {Durations.Format(glass)}; '{duration}' is longer.");
        else if (length > dataset.MaxGrant)
            yield return ("duration", $"{dataset.Name} is granted for at most {Durations.Format(dataset.MaxGrant)}; '{duration}' is longer.");
    }

    /// <summary>Why an approval that asked <paramref name="approvers"/> for <paramref name="quorum"/> would not do under <paramref name="dataset"/>'s
    /// approvers, by the rule a grant is checked with (<see cref="AccessRequest.AsksEnough"/>), or null.</summary>
    public static string? ApproversRefuse(Dataset dataset, IReadOnlyCollection<string> approvers, int quorum) =>
        AccessRequest.AsksEnough(approvers, quorum, dataset.Approvers.From, dataset.Approvers.Quorum)
            ? null
            : $"its approval asked {quorum} of {string.Join(", ", approvers)}; {dataset.Name} would ask {dataset.Approvers.Quorum} of {string.Join(", ", dataset.Approvers.From)}";

    /// <summary>Why a purpose cannot be granted now because the programme it serves is suspended, or null: asking and granting both ask.</summary>
    public static async Task<string?> SuspendedAsync(Marten.IQuerySession session, string purpose, CancellationToken ct) =>
        Dataset.ProgrammeOf(purpose) is { } programme
        && await session.LoadAsync<Actions.Programmes.Programme>(Actions.Programmes.Programme.StreamId(programme), ct) is { IsSuspended: true }
            ? $"The programme {programme} is suspended: access for it may be asked again once it resumes."
            : null;
}
