using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using IncidentOrchestrator.Tests.Fixtures;
using Npgsql;

namespace IncidentOrchestrator.Chaos;

/// <summary>
/// The experiment, Jepsen's shape: clients start runs whose steps have effects others can count (signed webhooks to a
/// slow counting receiver, a revoked grant in a warehouse, a durable wait), a seeded nemesis kills a random node with
/// SIGKILL and restarts it, and restarts the database once; afterwards a checker reads what happened. Meanwhile access to a
/// catalogued table is asked for, approved and granted for a few seconds, each grant to end (revoked, read back) in time.
/// </summary>
public static class ChaosExperiment
{
    public sealed record Settings(string App, string Connection, string Warehouse, string? RestartDatabase, int Nodes, int Runs, int Kills,
        TimeSpan KillEvery, int Seed, TimeSpan Quiescence, int Grants = 0, string? AccessPlaybook = null);

    /// <summary>How long each time-boxed grant lasts, and how far past its end it may stand.</summary>
    public static readonly TimeSpan GrantFor = TimeSpan.FromSeconds(15), GrantOverrun = TimeSpan.FromMinutes(1);

    private const string ChaosDataset = """
        apiVersion: incidents/v1
        kind: Dataset
        name: chaos.readable
        title: The table time-boxed grants are asked for on, apart from the one the runs revoke grants on
        connection: warehouse
        object: chaos.readable
        classification: confidential
        owner: user:chaos-owner
        purposes: [analytics]
        standing: []
        maxGrant: 1h
        approvers:
          from: [role:privacy]
          quorum: 1
        review: 90d
        """;

    public const string SigningKey = "chaos-signing-key-of-at-least-32-bytes!!";
    private const int EffectSteps = 3; // notify, revoke, confirm

    private const string Playbook = """
        apiVersion: incidents/v1
        kind: Playbook
        name: chaos
        title: Effects under faults
        inputs:
          key: { type: string, required: true }
          grantee: { type: string, required: true }
        steps:
          - id: notify
            action: webhook.post
            with: { endpoint: receiver, body: { key: "{{ inputs.key }}", step: notify } }
            retry: { attempts: 30, backoff: 500ms, maxBackoff: 5s }
          - id: revoke
            needs: [notify]
            action: postgres.revoke
            with: { connection: warehouse, table: chaos.data, grantee: "{{ inputs.grantee }}" }
            retry: { attempts: 30, backoff: 500ms, maxBackoff: 5s }
          - id: pause
            needs: [revoke]
            wait: 5s
          - id: confirm
            needs: [pause]
            action: webhook.post
            with: { endpoint: receiver, body: { key: "{{ inputs.key }}", step: confirm } }
            retry: { attempts: 30, backoff: 500ms, maxBackoff: 5s }
        """;

    public static async Task<Findings> RunAsync(Settings settings, TextWriter log, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        void Say(string line) => log.WriteLine($"[{clock.Elapsed.TotalSeconds,6:0.0}s] {line}");
        var random = new Random(settings.Seed);

        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Delay = TimeSpan.FromMilliseconds(300); // actions stay in flight long enough to be cut by a kill
        var grantees = Enumerable.Range(1, settings.Runs).Select(i => $"chaos_g{i}").ToList();
        await PrepareWarehouseAsync(settings.Warehouse, grantees, ct);
        var playbooks = Directory.CreateTempSubdirectory("chaos-playbooks-").FullName;
        await File.WriteAllTextAsync(Path.Combine(playbooks, "chaos.yaml"), Playbook, ct);
        var catalogue = Directory.CreateTempSubdirectory("chaos-catalogue-").FullName;
        await File.WriteAllTextAsync(Path.Combine(catalogue, "chaos.readable.yaml"), ChaosDataset, ct);
        if (settings.Grants > 0)
            File.Copy(settings.AccessPlaybook ?? throw new ArgumentException("time-boxed grants need the access-request playbook (--access-playbook)"),
                Path.Combine(playbooks, "access-request.yaml"));
        var readers = Enumerable.Range(1, settings.Grants).Select(i => $"chaos_reader{i}").ToList();
        await PrepareReadersAsync(settings.Warehouse, readers, ct);

        var environment = new Dictionary<string, string>
        {
            ["ConnectionStrings__Incidents"] = settings.Connection, ["Connections__warehouse"] = settings.Warehouse,
            ["Auth__SigningKey"] = SigningKey, ["Playbooks__Path"] = playbooks, ["Catalogue__Path"] = catalogue,
            ["Webhooks__Endpoints__receiver__Url"] = receiver.Url, ["Webhooks__Endpoints__receiver__Secret"] = WebhookReceiver.Secret,
            ["Incidents__CommanderRotation"] = "commanders", ["OnCall__commanders__Members__0"] = "chaos-commander",
            ["RateLimits__Api__PermitLimit"] = "1000000", ["Logging__LogLevel__Default"] = "Warning", ["ASPNETCORE_ENVIRONMENT"] = "Production",
        };
        var nodes = new ServiceProcess[settings.Nodes];
        var generation = new int[settings.Nodes];
        ServiceProcess Start(int i) => ServiceProcess.Start($"node-{i + 1}.{++generation[i]}", settings.App, FreePort(), environment);
        for (var i = 0; i < nodes.Length; i++)
        {
            nodes[i] = Start(i);
            await nodes[i].WaitReadyAsync(TimeSpan.FromSeconds(90)); // one at a time: the first creates the schema
        }
        Say($"{settings.Nodes} nodes ready: {string.Join(", ", nodes.Select(n => $"{n.Name} {n.Url}"))}");

        var token = DevelopmentTokens.Issue(SigningKey, null, null, "chaos-commander", "Chaos commander", [Roles.Commander, Roles.Admin], TimeSpan.FromHours(2), DateTimeOffset.UtcNow);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        // The clients start the runs at an even pace while the nemesis works, spread over the nodes. A start cut by a kill
        // is retried on another node only when that node says the incident has no run yet, so no run is started twice.
        var started = new List<(Guid Incident, Guid Run, string Key)>();
        // A kill costs its interval, a second before the restart and about six for the new node to warm up and join.
        var faultsLast = (settings.KillEvery + TimeSpan.FromSeconds(7)) * (settings.Kills + 1);
        var pace = faultsLast / Math.Max(1, settings.Runs);
        var clients = Task.Run(async () =>
        {
            var pending = new List<Task<(Guid, Guid, string)>>();
            for (var i = 0; i < settings.Runs; i++)
            {
                var (index, grantee) = (i, grantees[i]);
                pending.Add(StartRunAsync(http, () => nodes, index, $"chaos-{index + 1}", grantee, ct));
                await Task.Delay(pace, ct);
            }
            started.AddRange(await Task.WhenAll(pending));
        }, ct);

        // Time-boxed grants, asked for and approved while the nemesis works: each must end on time whatever it kills.
        var approver = DevelopmentTokens.Issue(SigningKey, null, null, "chaos-approver", "Chaos approver", [Roles.Privacy], TimeSpan.FromHours(2),
            DateTimeOffset.UtcNow);
        var grantPace = faultsLast / Math.Max(1, settings.Grants + 1);
        var grantClients = Task.Run(async () =>
        {
            var asked = new List<Task>();
            foreach (var reader in readers)
            {
                asked.Add(GrantAsync(http, approver, () => nodes, reader, ct));
                await Task.Delay(grantPace, ct);
            }
            await Task.WhenAll(asked);
        }, ct);

        // The nemesis.
        var kills = new List<Kill>();
        var databaseRestartAt = settings.Kills / 2;
        DateTimeOffset? databaseRestarted = null;
        for (var k = 0; k < settings.Kills; k++)
        {
            await Task.Delay(settings.KillEvery, ct);
            var victim = random.Next(nodes.Length);
            var name = nodes[victim].Name;
            var at = DateTimeOffset.UtcNow;
            await nodes[victim].KillAsync();
            kills.Add(new Kill(name, at));
            Say($"killed {name} (SIGKILL)");
            if (k == databaseRestartAt && settings.RestartDatabase is { } restart)
            {
                databaseRestarted = DateTimeOffset.UtcNow;
                await RestartDatabaseAsync(restart, ct);
                Say("restarted PostgreSQL (fast mode)");
            }
            await Task.Delay(TimeSpan.FromSeconds(1), ct);
            var replacement = Start(victim);
            await replacement.WaitReadyAsync(TimeSpan.FromSeconds(90));
            var dead = nodes[victim];
            nodes[victim] = replacement;
            await dead.DisposeAsync();
            Say($"{replacement.Name} joined on {replacement.Url}");
        }
        await clients;
        await grantClients;
        Say($"{started.Count} runs started, {settings.Grants} grants asked for and approved");
        var lastFault = clock.Elapsed;

        // Quiescence: every run ended and nothing waits in any inbox, or the time is up.
        var quiet = Stopwatch.StartNew();
        Counts counts;
        while (true)
        {
            counts = await CountAsync(settings.Connection, ct);
            if (counts.Ended == settings.Runs && counts.Waiting == 0 && counts.GrantsOpen == 0) break;
            if (quiet.Elapsed > settings.Quiescence)
            {
                Say($"not quiet after {settings.Quiescence.TotalSeconds:0} s: {counts.Ended} of {settings.Runs} runs ended, {counts.Waiting} envelopes waiting, " +
                    $"{counts.GrantsOpen} access requests not ended");
                break;
            }
            await Task.Delay(500, ct);
        }
        Say($"quiet {quiet.Elapsed.TotalSeconds:0.0} s after the last fault");

        var chainsBroken = 0;
        foreach (var (incident, _, _) in started)
        {
            var verify = await GetAsync(http, nodes[0], $"/api/incidents/{incident}/verify", ct);
            if (!verify.GetProperty("valid").GetBoolean()) chainsBroken++;
        }
        var stillGranted = await StillGrantedAsync(settings.Warehouse, grantees, "chaos.data", ct);
        var grants = await GrantsAsync(http, nodes[0], ct);
        var readersStillReading = await StillGrantedAsync(settings.Warehouse, readers, "chaos.readable", ct);
        // The runs the faults interrupted, replayed with the text they ran: the record and the engine still agree.
        var replayed = await ReplayOverTheApi.DifferencesAsync(nodes[0].Url, token);
        Say($"replayed every run with its own text: {replayed.Count} difference(s)");
        foreach (var node in nodes) await node.StopAsync(TimeSpan.FromSeconds(30));

        return Findings.From(settings, started.Select(s => s.Key).ToList(), receiver.Requests.ToList(), counts, kills, databaseRestarted,
            stillGranted, chainsBroken, lastFault, quiet.Elapsed, EffectSteps) with
        {
            DeadLetterReasons = await DeadLetterReasonsAsync(settings.Connection, ct),
            ReplayDifferences = replayed,
            GrantsAsked = settings.Grants, Grants = grants, ReadersStillReading = readersStillReading,
        };
    }

    public sealed record Kill(string Node, DateTimeOffset At);

    private static async Task<(Guid, Guid, string)> StartRunAsync(HttpClient http, Func<ServiceProcess[]> nodes, int index, string key, string grantee,
        CancellationToken ct)
    {
        Guid? incident = null;
        for (var attempt = 0; ; attempt++)
        {
            var live = nodes();
            var node = live[(index + attempt) % live.Length];
            try
            {
                incident ??= (await PostAsync(http, node, "/api/incidents", new { title = $"Chaos {key}", severity = "high" }, ct)).GetProperty("id").GetGuid();
                if (attempt > 0 && await GetAsync(http, node, $"/api/incidents/{incident}", ct) is var known
                    && known.GetProperty("runs").EnumerateArray().FirstOrDefault() is { ValueKind: JsonValueKind.Object } run)
                    return (incident.Value, run.GetProperty("runId").GetGuid(), key);
                var started = await PostAsync(http, node, $"/api/incidents/{incident}/runs", new { playbook = "chaos", inputs = new { key, grantee } }, ct);
                return (incident.Value, started.GetProperty("runId").GetGuid(), key);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or InvalidOperationException && attempt < 20)
            {
                await Task.Delay(500, ct); // that node is down or restarting, or the database is: another one, a little later
            }
        }
    }

    public sealed record Counts(long Ended, long Succeeded, long Waiting, long DeadLetters, long GrantsOpen = 0);

    /// <summary>One time-boxed grant as its request tells it: its status, when it was to end and when it did.</summary>
    public sealed record GrantEnded(string Grantee, string Status, DateTimeOffset? EndsAt, DateTimeOffset? EndedAt)
    {
        public TimeSpan? Overrun => EndedAt - EndsAt;
    }

    /// <summary>Asks for a reader to read the chaos table for <see cref="GrantFor"/>, then approves it as its approver, each on whichever node
    /// answers. A request cut by a kill is asked again only when no node knows it (its list), so each reader is asked for once.</summary>
    private static async Task GrantAsync(HttpClient http, string approver, Func<ServiceProcess[]> nodes, string reader, CancellationToken ct)
    {
        var request = await AnyNodeAsync(nodes, async node =>
            (await GetAsync(http, node, "/api/access-requests?mine=true&dataset=chaos.readable&limit=500", ct)).EnumerateArray()
            .FirstOrDefault(r => r.GetProperty("grantee").GetString() == reader) is { ValueKind: JsonValueKind.Object } known
                ? known
                : await PostAsync(http, node, "/api/access-requests", new
                {
                    dataset = "chaos.readable", grantee = reader, purpose = "analytics", duration = $"{GrantFor.TotalSeconds:0}s", reason = "chaos",
                }, ct), ct);
        var id = request.GetProperty("requestId").GetGuid();
        using var asApprover = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        asApprover.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", approver);
        await AnyNodeAsync(nodes, async node =>
        {
            var approvals = await GetAsync(asApprover, node, $"/api/approvals?incident={id}", ct);
            if (approvals.GetArrayLength() == 0) throw new InvalidOperationException("not asked yet");
            var approval = approvals[0];
            if (approval.GetProperty("outcome").ValueKind == JsonValueKind.Null)
                using (var decided = await asApprover.PostAsJsonAsync($"{node.Url}/api/approvals/{approval.GetProperty("approvalId").GetGuid()}/decision",
                           new { decision = "approve" }, ct))
                    if (!decided.IsSuccessStatusCode) throw new InvalidOperationException($"{(int)decided.StatusCode} {await decided.Content.ReadAsStringAsync(ct)}");
            return approval;
        }, ct);
    }

    private static async Task<JsonElement> AnyNodeAsync(Func<ServiceProcess[]> nodes, Func<ServiceProcess, Task<JsonElement>> call, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            var live = nodes();
            try
            {
                return await call(live[attempt % live.Length]);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or InvalidOperationException && attempt < 120)
            {
                await Task.Delay(500, ct);
            }
        }
    }

    private static async Task<IReadOnlyList<GrantEnded>> GrantsAsync(HttpClient http, ServiceProcess node, CancellationToken ct) =>
        (await GetAsync(http, node, "/api/access-requests?limit=500", ct)).EnumerateArray().Select(r => new GrantEnded(r.GetProperty("grantee").GetString()!,
            r.GetProperty("status").GetString()!, Time(r, "endsAt"), Time(r, "endedAt"))).ToList();

    private static DateTimeOffset? Time(JsonElement e, string name) => e.GetProperty(name).ValueKind == JsonValueKind.Null ? null : e.GetProperty(name).GetDateTimeOffset();

    private static async Task PrepareReadersAsync(string warehouse, IReadOnlyList<string> readers, CancellationToken ct)
    {
        if (readers.Count == 0) return;
        await using var db = Open(warehouse);
        await db.OpenAsync(ct);
        var sql = "create schema if not exists chaos; create table if not exists chaos.readable (id int);" +
                  string.Concat(readers.Select(g => $"drop role if exists {g}; create role {g} nologin;"));
        await using var command = new NpgsqlCommand(sql, db);
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The checker's own connections: unpooled, so a restarted database leaves none of them broken.</summary>
    private static NpgsqlConnection Open(string connection) => new(new NpgsqlConnectionStringBuilder(connection) { Pooling = false }.ConnectionString);

    private static async Task<Counts> CountAsync(string connection, CancellationToken ct)
    {
        try
        {
            await using var db = Open(connection);
            await db.OpenAsync(ct);
            await using var command = new NpgsqlCommand("""
                select
                  (select count(*) from incidents.mt_doc_playbookrun where data->>'playbook' = 'chaos' and data->>'state' in ('succeeded', 'failed', 'compensated', 'cancelled')),
                  (select count(*) from incidents.mt_doc_playbookrun where data->>'playbook' = 'chaos' and data->>'state' = 'succeeded'),
                  -- timers an hour or more away (a request's expiry, an approval's due time) wait by design, and do nothing once decided
                  (select count(*) from incidents.wolverine_incoming_envelopes
                   where status = 'Incoming' or (status = 'Scheduled' and execution_time < now() + interval '1 hour')),
                  (select count(*) from incidents.wolverine_dead_letters),
                  (select count(*) from incidents.mt_doc_playbookrun where data->>'playbook' = 'access-request' and data->>'state' not in ('succeeded', 'failed', 'compensated', 'cancelled'))
                """, db);
            await using var reader = await command.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            return new Counts(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4));
        }
        catch (NpgsqlException)
        {
            return new Counts(0, 0, -1, 0); // the database is restarting: not quiet yet
        }
    }

    private static async Task<IReadOnlyList<string>> DeadLetterReasonsAsync(string connection, CancellationToken ct)
    {
        await using var db = Open(connection);
        await db.OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            "select message_type || ': ' || coalesce(exception_type, '?') || ': ' || coalesce(exception_message, '') from incidents.wolverine_dead_letters", db);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var reasons = new List<string>();
        while (await reader.ReadAsync(ct)) reasons.Add(reader.GetString(0));
        return reasons;
    }

    private static async Task PrepareWarehouseAsync(string warehouse, IReadOnlyList<string> grantees, CancellationToken ct)
    {
        await using var db = Open(warehouse);
        await db.OpenAsync(ct);
        var sql = "create schema if not exists chaos; create table if not exists chaos.data (id int);" +
                  string.Concat(grantees.Select(g => $"drop role if exists {g}; create role {g} nologin; grant select on chaos.data to {g};"));
        await using var command = new NpgsqlCommand(sql, db);
        await command.ExecuteNonQueryAsync(ct);
    }

    private static async Task<int> StillGrantedAsync(string warehouse, IReadOnlyList<string> grantees, string table, CancellationToken ct)
    {
        if (grantees.Count == 0) return 0;
        await using var db = Open(warehouse);
        await db.OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            "select count(*) from unnest(@roles) as r(name) where has_table_privilege(r.name, @table::regclass, 'SELECT')", db);
        command.Parameters.AddWithValue("roles", grantees.ToArray());
        command.Parameters.AddWithValue("table", table);
        return Convert.ToInt32(await command.ExecuteScalarAsync(ct));
    }

    private static async Task RestartDatabaseAsync(string command, CancellationToken ct)
    {
        using var restart = Process.Start(new ProcessStartInfo("bash", ["-c", command]) { RedirectStandardError = true })!;
        await restart.WaitForExitAsync(ct);
        if (restart.ExitCode != 0) throw new InvalidOperationException($"Restarting the database failed: {await restart.StandardError.ReadToEndAsync(ct)}");
    }

    private static async Task<JsonElement> PostAsync(HttpClient http, ServiceProcess node, string path, object body, CancellationToken ct)
    {
        using var response = await http.PostAsJsonAsync(node.Url + path, body, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{node.Name}: POST {path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static async Task<JsonElement> GetAsync(HttpClient http, ServiceProcess node, string path, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return JsonDocument.Parse(await http.GetStringAsync(node.Url + path, ct)).RootElement.Clone();
            }
            catch (HttpRequestException) when (attempt < 5)
            {
                await Task.Delay(500, ct);
            }
        }
    }

    private static int FreePort()
    {
        using var socket = new TcpListener(System.Net.IPAddress.Loopback, 0);
        socket.Start();
        return ((System.Net.IPEndPoint)socket.LocalEndpoint).Port;
    }
}
