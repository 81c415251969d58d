using System.Collections.Concurrent;
using IncidentOrchestrator.Actions;
using IncidentOrchestrator.Playbooks;
using IncidentOrchestrator.Playbooks.Model;
using Marten;

namespace IncidentOrchestrator.Runs;

/// <summary>The exact text of a playbook as a run started with it, addressed by its SHA-256. Never changes.</summary>
public sealed class PinnedPlaybook
{
    public string Id { get; set; } = "";
    public string Name { get; set; } = "";
    public string Source { get; set; } = "";
    public DateTimeOffset PinnedAt { get; set; }

    public static PinnedPlaybook Of(Playbook playbook, DateTimeOffset now) =>
        new() { Id = playbook.Hash, Name = playbook.Name, Source = playbook.Source, PinnedAt = now };
}

/// <summary>Parsed pinned playbooks by hash: runs re-read their playbook on every message, so parse each text once.</summary>
public sealed class PinnedPlaybooks(PlaybookCatalog catalog, ActionRegistry actions)
{
    private readonly ConcurrentDictionary<string, Playbook> _parsed = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _stored = new(StringComparer.Ordinal);

    /// <summary>
    /// Pins the text a run starts from, in the run's own transaction, unless it is stored already. A text never changes, so
    /// it is written once: runs started at the same moment must not queue on its row (writing it each time made every start
    /// wait for the one before it to commit). A text is known stored once a load finds it: sessions are lightweight (no
    /// identity map), so a load reads the database and what it finds was committed, never a store still pending in this session.
    /// </summary>
    public async Task PinAsync(IDocumentSession session, Playbook playbook, DateTimeOffset now, CancellationToken ct)
    {
        if (_stored.ContainsKey(playbook.Hash)) return;
        if (await session.LoadAsync<PinnedPlaybook>(playbook.Hash, ct) is not null)
        {
            _stored[playbook.Hash] = true; // read back committed: stored for good
            return;
        }
        session.Store(PinnedPlaybook.Of(playbook, now));
    }

    public async Task<Playbook> GetAsync(string hash, IQuerySession session, CancellationToken ct)
    {
        if (_parsed.TryGetValue(hash, out var cached)) return cached;
        if (catalog.Library.Playbooks.Values.FirstOrDefault(p => p.Hash == hash) is { } loaded) return _parsed[hash] = loaded;

        var pinned = await session.LoadAsync<PinnedPlaybook>(hash, ct)
                     ?? throw new InvalidOperationException($"No pinned playbook with hash {hash}");
        return _parsed[hash] = PlaybookLibrary.ParsePinned(pinned.Name + ".yaml", pinned.Source, actions);
    }
}
