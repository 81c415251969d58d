using IncidentOrchestrator.Incidents;
using IncidentOrchestrator.Playbooks;
using IncidentOrchestrator.Playbooks.Planning;
using IncidentOrchestrator.Runs;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace IncidentOrchestrator.Tests.Fixtures;

/// <summary>
/// Every run a scenario recorded, replayed with the very text it ran: the replay must name no difference. Fixtures call it
/// when their scenarios are done, so every scenario holds the run and its replay to one engine.
/// </summary>
public static class RecordedRunsReplay
{
    public static async Task<IReadOnlyList<string>> DifferencesAsync(IServiceProvider services)
    {
        var store = services.GetRequiredService<IDocumentStore>();
        var pinned = services.GetRequiredService<PinnedPlaybooks>();
        await using var session = store.QuerySession();
        var found = new List<string>();
        foreach (var run in await session.Query<PlaybookRun>().Where(r => r.Started).ToListAsync())
        {
            if (await session.LoadAsync<Incident>(run.IncidentId) is not { } incident) continue;
            var playbook = await pinned.GetAsync(run.PlaybookHash, session, CancellationToken.None);
            var replay = Replayer.Replay(playbook, playbook, ReplayPlaybookEndpoint.Recorded(run, incident));
            found.AddRange(replay.Differences.Select(d => $"{run.Playbook} run {run.Id} ({run.Status}): {d.Kind} {d.Step}: {d.Detail}"));
        }
        return found;
    }
}
