namespace IncidentOrchestrator.Tests.Fixtures;

/// <summary>
/// Every run a service running as a process recorded, replayed through its API with the very text it ran: each playbook
/// version that ran, over its own runs. The test fixtures of processes and ops/chaos report what it names.
/// </summary>
public static class ReplayOverTheApi
{
    /// <param name="admin">A token of an admin, who sees every run.</param>
    public static async Task<IReadOnlyList<string>> DifferencesAsync(string url, string admin)
    {
        var found = new List<string>();
        foreach (var playbook in (await ServiceApi.SendAsync(url, HttpMethod.Get, "/api/playbooks", admin)).EnumerateArray())
        {
            var name = playbook.GetProperty("name").GetString()!;
            foreach (var version in (await ServiceApi.SendAsync(url, HttpMethod.Get, $"/api/playbooks/{name}/versions", admin)).EnumerateArray()
                         .Where(v => v.GetProperty("runs").GetInt32() > 0))
            {
                var hash = version.GetProperty("hash").GetString()!;
                var text = (await ServiceApi.SendAsync(url, HttpMethod.Get, $"/api/playbooks/{name}/versions/{hash}", admin)).GetProperty("text").GetString();
                var answer = await ServiceApi.SendAsync(url, HttpMethod.Post, "/api/playbooks/replay", admin, new { text, limit = 1000 });
                if (answer.GetProperty("hidden").GetInt32() > 0) found.Add($"{name}: {answer.GetProperty("hidden")} run(s) were hidden from the check");
                if (answer.GetProperty("runs").GetArrayLength() == 1000) found.Add($"{name}: more runs than one replay takes; the rest were not checked");
                foreach (var run in answer.GetProperty("runs").EnumerateArray().Where(r => r.GetProperty("recordedHash").GetString() == hash))
                    found.AddRange(run.GetProperty("differences").EnumerateArray().Select(d =>
                        $"{name} run {run.GetProperty("runId")} ({run.GetProperty("recordedStatus")}): {d.GetProperty("kind")} {d.GetProperty("step")}: {d.GetProperty("detail")}"));
            }
        }
        return found;
    }
}
