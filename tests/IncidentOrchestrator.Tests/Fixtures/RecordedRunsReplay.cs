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
            // An access request's run has no incident: its facts are empty, as they were when it ran.
            var incident = await session.LoadAsync<Incident>(run.IncidentId);
            if (incident is null && await session.LoadAsync<IncidentOrchestrator.Access.AccessRequest>(run.IncidentId) is null) continue;
            var playbook = await pinned.GetAsync(run.PlaybookHash, session, CancellationToken.None);
            var replay = Replayer.Replay(playbook, playbook, ReplayPlaybookEndpoint.Recorded(run, incident));
            found.AddRange(replay.Differences.Select(d => $"{run.Playbook} run {run.Id} ({run.Status}): {d.Kind} {d.Step}: {d.Detail}"));
        }
        return found;
    }

    /// <summary>The same check through the API of a service running as a process (<see cref="ReplayOverTheApi"/>).</summary>
    public static Task<IReadOnlyList<string>> DifferencesAsync(string url) =>
        ReplayOverTheApi.DifferencesAsync(url, Tokens.For("replay.check", IncidentOrchestrator.Contracts.Roles.Admin));

    public static void ThrowIfAny(IReadOnlyList<string> differences)
    {
        if (differences.Count > 0)
            throw new InvalidOperationException($"Replaying the runs these scenarios recorded with their own texts named {differences.Count} difference(s):\n" +
                                                string.Join("\n", differences.Take(30)));
    }

    /// <summary>The check, or why it could not be made: a fixture reports either when it closes.</summary>
    public static async Task<IReadOnlyList<string>> OrWhyNotAsync(Func<Task<IReadOnlyList<string>>> check)
    {
        try
        {
            return await check();
        }
        catch (Exception e)
        {
            return [$"the replay check itself failed: {e}"];
        }
    }
}
