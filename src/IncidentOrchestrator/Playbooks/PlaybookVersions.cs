using IncidentOrchestrator.Hosting;
using IncidentOrchestrator.Runs;
using IncidentOrchestrator.Security;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;

namespace IncidentOrchestrator.Playbooks;

/// <param name="Outcomes">How its runs ended (and how many are still going), by status.</param>
public sealed record PlaybookVersionView(string Hash, bool Loaded, DateTimeOffset? FirstUsed, DateTimeOffset? LastUsed, int Runs,
    IReadOnlyDictionary<string, int> Outcomes);

public sealed record PlaybookVersionText(string Name, string Hash, bool Loaded, string Text);

public sealed record PlaybookDiff(string Name, string From, string To, int Added, int Removed, IReadOnlyList<DiffLine> Lines);

/// <summary>
/// Every version of a playbook that ran (a run pins its text by hash) or is loaded now: when it was used, how its runs
/// ended, its exact text, and a line diff of two versions.
/// </summary>
public static class PlaybookVersionEndpoints
{
    [WolverineGet("/api/playbooks/{name}/versions"), Authorize(Roles = Roles.Readers)]
    public static async Task<IResult> List(string name, PlaybookCatalog catalog, IQuerySession session, CancellationToken ct)
    {
        var loaded = catalog.Library.Find(name);
        var pinned = await session.Query<PinnedPlaybook>().Where(p => p.Name == name).ToListAsync(ct);
        if (loaded is null && pinned.Count == 0) return Problems.NotFound("Playbook", name);

        var runs = await session.Query<PlaybookRun>().Where(r => r.Playbook == name)
            .Select(r => new RunUse(r.PlaybookHash, r.StartedAt, r.State)).ToListAsync(ct);
        var hashes = pinned.Select(p => p.Id).Append(loaded?.Hash).OfType<string>().Distinct();
        var versions = hashes.Select(hash =>
        {
            var used = runs.Where(r => r.Hash == hash).ToList();
            return new PlaybookVersionView(hash, hash == loaded?.Hash, used.Count == 0 ? null : used.Min(r => r.StartedAt),
                used.Count == 0 ? null : used.Max(r => r.StartedAt), used.Count,
                used.GroupBy(r => r.State).ToDictionary(g => g.Key, g => g.Count()));
        }).OrderByDescending(v => v.LastUsed ?? DateTimeOffset.MaxValue).ToList();
        return TypedResults.Ok(versions);
    }

    private sealed record RunUse(string Hash, DateTimeOffset StartedAt, string State);

    [WolverineGet("/api/playbooks/{name}/versions/{hash}"), Authorize(Roles = Roles.Readers)]
    public static async Task<IResult> Get(string name, string hash, PlaybookCatalog catalog, IQuerySession session, CancellationToken ct) =>
        await TextAsync(name, hash, catalog, session, ct) is { } text ? TypedResults.Ok(text) : Problems.NotFound("Playbook version", $"{name}@{hash}");

    [WolverineGet("/api/playbooks/{name}/diff"), Authorize(Roles = Roles.Readers)]
    public static async Task<IResult> Diff(string name, string? from, string? to, PlaybookCatalog catalog, IQuerySession session, CancellationToken ct)
    {
        var validation = new Problems.Validation().Require(!string.IsNullOrEmpty(from), "from", "The hash of the older version.");
        if (validation.HasErrors) return TypedResults.Problem(validation.ToProblem("Which versions?"));
        to ??= catalog.Library.Find(name)?.Hash;
        var older = await TextAsync(name, from!, catalog, session, ct);
        var newer = to is null ? null : await TextAsync(name, to, catalog, session, ct);
        if (older is null) return Problems.NotFound("Playbook version", $"{name}@{from}");
        if (newer is null) return Problems.NotFound("Playbook version", $"{name}@{to}");

        var changes = TextDiff.Compare(older.Text, newer.Text);
        return TypedResults.Ok(new PlaybookDiff(name, older.Hash, newer.Hash, changes.Added, changes.Removed, changes.Lines));
    }

    public static async Task<PlaybookVersionText?> TextAsync(string name, string hash, PlaybookCatalog catalog, IQuerySession session, CancellationToken ct)
    {
        if (catalog.Library.Find(name) is { } loaded && loaded.Hash == hash) return new PlaybookVersionText(name, hash, true, loaded.Source);
        return await session.LoadAsync<PinnedPlaybook>(hash, ct) is { } pinned && pinned.Name == name
            ? new PlaybookVersionText(name, hash, false, pinned.Source)
            : null;
    }
}
