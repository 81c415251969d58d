using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Alba;
using IncidentOrchestrator.Notifications.Channels;
using IncidentOrchestrator.Security;
using IncidentOrchestrator.Tests.Fixtures;
using IncidentOrchestrator.Tests.Runs;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace IncidentOrchestrator.Tests.Security;

/// <summary>
/// Every route of every door in the route table (the API's and the console's pages and forms), called by every role and by
/// a stranger, against an incident the caller takes part in, someone else's restricted incident, someone else's open
/// incident and an id that does not exist. A new route fails this test until it is given its roles below, so nothing is
/// reachable unclassified. Routes are named without their constraints (<c>/incidents/{id}</c> for <c>{id:guid}</c>).
/// </summary>
public sealed class the_authorization_matrix(RunsFixture fixture) : RunContext(fixture)
{
    private const string Readers = "commander,responder,leadership,privacy,admin";

    /// <summary>No role may call it: it takes Slack's request signature, never a bearer token, so everyone here is refused with 401.</summary>
    private const string SignedBySlack = "signed-by-slack";

    /// <summary>A tracker's webhook: anonymous, but only a body signed with the tracker's secret changes anything (401 otherwise).</summary>
    private const string SignedByTracker = "signed-by-tracker";

    /// <summary>Anyone Slack maps to a person here: the button does nothing but open the console (the stranger is not mapped).</summary>
    private const string AnyMapped = "commander,responder,leadership,privacy,admin,ingest";

    /// <summary>Who may call what: the expected answer to every cell follows from this and from need-to-know.</summary>
    private static readonly Dictionary<string, string> AllowedRoles = new()
    {
        ["GET /api/incidents"] = Readers,
        ["POST /api/incidents"] = "commander",
        ["GET /api/incidents/{id}"] = Readers,
        ["GET /api/incidents/{id}/timeline"] = Readers,
        ["GET /api/incidents/{id}/timeline/stream"] = Readers,
        ["GET /api/incidents/{id}/verify"] = Readers,
        ["GET /api/incidents/{id}/report"] = Readers,
        ["GET /api/incidents/{id}/export"] = Readers,
        ["GET /api/incidents/{id}/access-log"] = "commander,admin",
        ["POST /api/incidents/{id}/participants"] = "commander",
        ["POST /api/incidents/{id}/status"] = "commander",
        ["POST /api/incidents/{id}/commander"] = "commander,admin",
        ["GET /api/incidents/{id}/evidence"] = Readers,
        ["GET /api/incidents/{id}/evidence/{evidenceId}"] = Readers,
        ["POST /api/incidents/{id}/runs"] = "commander",
        ["GET /api/incidents/{id}/runs/{runId}"] = Readers,
        ["POST /api/incidents/{id}/runs/{runId}/cancel"] = "commander",
        ["POST /api/incidents/{id}/runs/{runId}/steps/{stepId}/retry"] = "commander",
        ["POST /api/incidents/{id}/runs/{runId}/steps/{stepId}/skip"] = "commander",
        ["GET /api/tasks"] = Readers,
        ["POST /api/tasks/{taskId}/ack"] = Readers,
        ["POST /api/tasks/{taskId}/complete"] = Readers,
        ["GET /api/approvals"] = Readers,
        ["POST /api/approvals/{approvalId}/decision"] = Readers,
        ["GET /api/playbooks"] = Readers,
        ["GET /api/playbooks/{name}"] = Readers,
        ["POST /api/playbooks/validate"] = "commander,responder,admin",
        ["POST /api/playbooks/reload"] = "commander,admin",
        ["POST /api/playbooks/{name}/dry-run"] = "commander,responder,admin",
        ["GET /api/playbooks/{name}/versions"] = Readers,
        ["GET /api/playbooks/{name}/versions/{hash}"] = Readers,
        ["GET /api/playbooks/{name}/diff"] = Readers,
        ["POST /api/playbooks/replay"] = "commander,responder,admin",
        ["POST /api/signals"] = "ingest,commander",
        ["POST /api/signals/batch"] = "ingest,commander",
        ["POST /api/signals/alertmanager"] = "ingest,commander",
        ["POST /api/signals/cloudevents"] = "ingest,commander",
        ["POST /api/signals/pagerduty"] = "ingest,commander",
        ["GET /api/integrations/refusals"] = "admin",
        ["POST /api/integrations/slack/actions"] = SignedBySlack,
        ["POST /api/trackers/{tracker}/webhook"] = SignedByTracker,
        ["POST /api/followups/{followUpId}/export"] = Readers,
        ["GET /api/programmes"] = Readers,
        ["GET /api/datasets"] = Readers,
        ["GET /api/access-requests"] = Readers,
        ["POST /api/access-requests"] = Readers,
        // A request is seen by its requester, those asked to decide (here role:privacy) and administrators; to others it does not exist.
        ["GET /api/access-requests/{id}"] = Readers,
        ["POST /api/access-requests/{id}/revoke"] = Readers,
        ["POST /api/access-requests/{id}/extend"] = Readers,
        ["GET /api/access-requests/{id}/history"] = Readers,
        // A review is seen by its dataset's owner and stewards (here role:privacy), privacy and administrators; to others it does not exist.
        ["GET /api/access-reviews"] = Readers,
        // Who takes part in the incident writes its review and creates its follow-ups (403 "Not a participant"); a follow-up's owner changes its status too.
        ["PUT /api/incidents/{id}/review"] = Readers,
        ["POST /api/incidents/{id}/review/decisions"] = Readers,
        ["GET /api/incidents/{id}/followups"] = Readers,
        ["POST /api/incidents/{id}/followups"] = Readers,
        ["GET /api/followups"] = Readers,
        ["GET /api/metrics/followups"] = "leadership,commander",
        ["GET /api/followups/{followUpId}"] = Readers,
        ["POST /api/followups/{followUpId}/status"] = Readers,
        ["POST /api/access-reviews"] = Readers, // who may open one is the dataset's own check (403 "Not for you to open")
        ["GET /api/access-reviews/{id}"] = Readers,
        ["POST /api/access-reviews/{id}/answer"] = Readers,
        ["POST /api/datasets/reload"] = "commander,admin",
        ["GET /api/catalogue/versions"] = Readers,
        ["GET /api/datasets/{name}"] = Readers,
        ["GET /api/datasets/{name}/grants"] = "privacy,admin", // and the dataset's owner and stewards, by name
        ["GET /api/datasets/{name}/access"] = "privacy,admin", // and the dataset's owner and stewards, by name
        ["POST /api/catalogue/replay"] = Readers, // a text that does not parse is 422 for anyone; who may try a dataset's is its own check
        ["GET /api/datasets/{name}/versions"] = Readers,
        ["GET /api/datasets/{name}/versions/{hash}"] = Readers,
        ["GET /api/datasets/{name}/diff"] = Readers,
        ["POST /api/detection/scan"] = "admin",
        ["GET /api/metrics/summary"] = "leadership,commander",
        ["GET /api/metrics/weekly"] = "leadership,commander",
        ["GET /api/metrics/access"] = "leadership,commander",
        ["GET /api/stream"] = Readers,

        // Slack's buttons, pressed by the person each Slack user is mapped to: the operation's roles, then the same gate.
        [$"SLACK {SlackMessage.AcknowledgeAction}"] = Readers,
        [$"SLACK {SlackMessage.ApproveAction}"] = Readers,
        [$"SLACK {SlackMessage.OpenAction}"] = AnyMapped,

        // The console: pages for people, each behind the same gate as the API, chosen by its route.
        ["GET /incidents"] = Readers,
        ["POST /incidents"] = "commander",
        ["GET /incidents/{id}"] = Readers,
        ["GET /incidents/{id}/timeline"] = Readers,
        ["GET /incidents/{id}/verify"] = Readers,
        ["GET /incidents/{id}/live"] = Readers,
        ["GET /incidents/live"] = Readers,
        ["POST /incidents/{id}/participants"] = "commander",
        ["POST /incidents/{id}/commander"] = "commander,admin",
        ["POST /incidents/{id}/status"] = "commander",
        ["GET /incidents/{id}/report"] = Readers,
        ["GET /incidents/{id}/access-log"] = "commander,admin",
        ["GET /incidents/{id}/runs/{runId}"] = Readers,
        ["GET /incidents/{id}/start"] = "commander",
        ["POST /incidents/{id}/start"] = "commander",
        ["POST /incidents/{id}/runs/{runId}/cancel"] = "commander",
        ["POST /incidents/{id}/runs/{runId}/steps/{stepId}/{resolution}"] = "commander",
        ["GET /work"] = Readers,
        ["GET /work/live"] = Readers,
        ["POST /incidents/{id}/review"] = Readers,
        ["POST /incidents/{id}/review/decisions"] = Readers,
        ["POST /incidents/{id}/followups"] = Readers,
        ["POST /followups/{followUpId}/status"] = Readers,
        ["POST /followups/{followUpId}/export"] = Readers,
        ["POST /tasks/{taskId}/ack"] = Readers,
        ["POST /tasks/{taskId}/complete"] = Readers,
        ["POST /approvals/{approvalId}/decision"] = Readers,
        ["GET /playbooks"] = Readers,
        ["POST /playbooks/validate"] = "commander,responder,admin",
        ["GET /playbooks/{name}"] = Readers,
        ["POST /playbooks/{name}/dry-run"] = "commander,responder,admin",
        ["POST /playbooks/{name}/replay"] = "commander,responder,admin",
        ["GET /programmes"] = Readers,
        ["GET /datasets"] = Readers,
        ["GET /datasets/{name}"] = Readers,
        ["GET /access"] = Readers,
        ["POST /access"] = Readers,
        ["GET /access/{id}"] = Readers, // for those the request concerns (404 for others, as the API)
        ["POST /access/{id}/revoke"] = Readers,
        ["POST /access/{id}/extend"] = Readers,
        ["GET /access/reviews/{id}"] = Readers, // for those the review concerns (404 for others, as the API)
        ["POST /access/reviews"] = Readers,
        ["POST /access/reviews/{id}/answer"] = Readers,
        ["GET /leadership"] = "leadership,commander",
    };

    /// <summary>Routes that show nothing of any incident to anyone (signing in and out, the home redirect, the refusal page): classified, not called.</summary>
    private static readonly string[] Exempt = ["GET /", "GET /signin", "POST /signin", "POST /signout", "GET /forbidden", "GET /openapi/{documentName}.json"];

    /// <summary>What a route needs in its query to be answered at all (a missing one is a 400 before any gate).</summary>
    private static readonly Dictionary<string, string> Queries = new()
    {
        ["GET /incidents/{id}/start"] = "?playbook=test-matrix",
        ["GET /incidents/{id}/live"] = "?after=0",
        ["GET /incidents/{id}/timeline"] = "?before=9223372036854775807",
    };

    /// <summary>Bodies that an allowed caller gets a real answer to, but that change little: mostly invalid on purpose.</summary>
    private static readonly Dictionary<string, (string Body, string ContentType)> Bodies = new()
    {
        ["POST /api/incidents"] = ("{}", "application/json"),
        ["POST /api/incidents/{id}/participants"] = ("{}", "application/json"),
        ["POST /api/incidents/{id}/status"] = ("""{"status":"exploded"}""", "application/json"),
        ["PUT /api/incidents/{id}/review"] = ("{}", "application/json"),
        ["POST /api/incidents/{id}/review/decisions"] = ("{}", "application/json"),
        ["POST /api/incidents/{id}/followups"] = ("{}", "application/json"),
        ["POST /api/followups/{followUpId}/status"] = ("""{"status":"finished"}""", "application/json"),
        ["POST /api/followups/{followUpId}/export"] = ("""{"tracker":"nowhere"}""", "application/json"),
        ["POST /api/trackers/{tracker}/webhook"] = ("""{"action":"closed"}""", "application/json"),
        ["POST /api/incidents/{id}/commander"] = ("{}", "application/json"),
        ["POST /api/incidents/{id}/runs"] = ("""{"playbook":"no-such-playbook"}""", "application/json"),
        ["POST /api/tasks/{taskId}/complete"] = ("""{"outputs":{}}""", "application/json"),
        ["POST /api/approvals/{approvalId}/decision"] = ("""{"decision":"maybe"}""", "application/json"),
        ["POST /api/playbooks/validate"] = ("name: [", "application/yaml"),
        ["POST /api/playbooks/{name}/dry-run"] = ("""{"inputs":{"key":"dry"}}""", "application/json"),
        ["POST /api/playbooks/replay"] = ("""{"text":"name: ["}""", "application/json"),
        ["POST /api/signals"] = ("{}", "application/json"),
        ["POST /api/signals/batch"] = ("[{}]", "application/json"),
        ["POST /api/signals/alertmanager"] = ("{}", "application/json"),
        ["POST /api/signals/cloudevents"] = ("{}", "application/cloudevents+json"),
        ["POST /api/signals/pagerduty"] = ("{}", "application/json"),
        // Valid, so that those it does not concern get the operation's 404: the first allowed caller withdraws it, the next are told it ended.
        ["POST /api/access-requests/{id}/revoke"] = ("""{"reason":"matrix"}""", "application/json"),
        ["POST /api/access-requests/{id}/extend"] = ("""{"duration":"1h","reason":"matrix"}""", "application/json"),
        ["POST /api/access-reviews"] = ("""{"dataset":"hr.employee_activity","within":"7d"}""", "application/json"),
        // Valid in shape, naming no grantee under review: those it concerns get 400, others the review's 404.
        ["POST /api/access-reviews/{id}/answer"] = ("""{"grantee":"nobody","decision":"revoke","reason":"matrix"}""", "application/json"),
    };

    /// <summary>Refusals a caller who may see the incident can still get: they are about the thing, not its existence.</summary>
    private static readonly string[] DomainRefusals = ["Not your task", "Not an approver", "Separation of duties", "Not for you to open", "Not a participant",
        "Not your follow-up"];

    private sealed record Principal(string Subject, string[] Roles)
    {
        public string Token { get; } = Tokens.For(Subject, Roles);
        public bool May(string allowed) => Roles.Any(r => allowed.Split(',').Contains(r));
        public bool IsAdmin => Roles.Contains(IncidentOrchestrator.Contracts.Roles.Admin);
        public override string ToString() => Roles.Length == 0 ? $"{Subject} (no role)" : $"{Subject} ({string.Join(",", Roles)})";
    }

    private static readonly Principal[] Principals =
    [
        new("carl.commander", [Roles.Commander]),
        new("rita.responder", [Roles.Responder]),
        new("lena.leadership", [Roles.Leadership]),
        new("pia.privacy", [Roles.Privacy]),
        new("ada.admin", [Roles.Admin]),
        new("scan.bot", [Roles.Ingest]),
        new("sid.stranger", []),
    ];

    /// <summary>An incident with a run that holds evidence, an open task and an open approval; <see cref="Marker"/> is in its title, summary and texts.</summary>
    private sealed record Target(string Name, Guid Id, Guid RunId, Guid TaskId, Guid ApprovalId, Guid EvidenceId, string Marker, Guid FollowUpId);

    [Fact]
    public async Task every_endpoint_answers_every_role_as_expected_and_leaks_nothing()
    {
        var own = new Dictionary<Principal, Target>();
        foreach (var p in Principals) own[p] = await AnIncident($"own by {p.Subject}", restricted: true, participant: p.Subject);
        var othersRestricted = await AnIncident("someone else's restricted", restricted: true);
        var othersOpen = await AnIncident("someone else's open", restricted: false);
        var nowhere = new Target("nonexistent", Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), "none", Guid.NewGuid());
        var all = own.Values.Append(othersRestricted).Append(othersOpen).ToList();

        _matrixHash = (await Host.Get("/api/playbooks/test-matrix", Api.Admin)).ReadJson().GetProperty("hash").GetString()!;
        _datasetHash = (await Host.Get($"/api/datasets/{Dataset}", Api.Admin)).ReadJson().GetProperty("hash").GetString()!;
        var reader = $"matrix_reader_{Key}";
        await Fixture.Warehouse.ExecuteAsync($"create role {reader} nologin");
        _accessRequest = (await Host.Post("/api/access-requests", new { dataset = Dataset, grantee = reader, purpose = "analytics", duration = "1h", reason = "matrix" },
            Tokens.For("nina.analyst", Roles.Responder), expect: 202)).ReadJson().GetProperty("requestId").GetString()!;
        _accessReview = (await Host.Post("/api/access-reviews", new { dataset = Dataset, within = "7d" }, Api.Admin, expect: 202)).ReadJson()
            .GetProperty("reviewId").GetString()!;
        var routes = Routes().Where(r => !Exempt.Contains(r)).Concat(SlackActions()).ToList();
        var failures = new List<string>();
        failures.AddRange(routes.Where(r => !AllowedRoles.ContainsKey(r)).Select(r => $"{r}: not in the matrix; give it its roles"));
        failures.AddRange(AllowedRoles.Keys.Concat(Exempt).Where(r => !Routes().Concat(SlackActions()).Contains(r))
            .Select(r => $"{r}: in the matrix but no longer in the route table or among Slack's buttons"));

        var client = Host.Server.CreateClient();
        var cells = 0;
        foreach (var route in routes.Where(AllowedRoles.ContainsKey))
        foreach (var p in Principals)
        {
            var visible = p.IsAdmin ? all.Select(t => t.Marker).ToHashSet() : [own[p].Marker, othersOpen.Marker];
            var forbidden = all.Select(t => t.Marker).Where(m => !visible.Contains(m)).ToList();
            var targets = NamesAnIncident(route) ? new[] { own[p], othersRestricted, othersOpen, nowhere } : [othersOpen];

            foreach (var target in targets)
            {
                cells++;
                var (status, body) = await Call(client, route, target, p);
                var cell = $"{route} as {p} on {(NamesAnIncident(route) ? target.Name : "-")}: {status}";

                var expected = AllowedRoles[route] is SignedBySlack or SignedByTracker ? Expect.Unsigned
                    : !p.May(AllowedRoles[route]) ? Expect.Forbidden
                    : (route.Contains("/access-requests/{id}") || route.Contains("/access-reviews/{id}") || route == "GET /access/reviews/{id}"
                       || route == "GET /access/{id}") && !p.May("privacy,admin") ? Expect.NotFound
                    : !NamesAnIncident(route) ? Expect.Answered
                    : target == nowhere || (target == othersRestricted && !p.IsAdmin) ? Expect.NotFound
                    : Expect.Answered;
                var ok = expected switch
                {
                    // Slack's own refusal (not mapped, or roles that do not allow it), not a domain refusal that also answers 403.
                    Expect.Forbidden => status == HttpStatusCode.Forbidden && (!route.StartsWith("SLACK ", StringComparison.Ordinal) || body.Contains("\"Refused\"")),
                    Expect.Unsigned => status == HttpStatusCode.Unauthorized,
                    Expect.NotFound => status == HttpStatusCode.NotFound,
                    _ => status is not (HttpStatusCode.Unauthorized or HttpStatusCode.NotFound or HttpStatusCode.InternalServerError)
                         && (status != HttpStatusCode.Forbidden || DomainRefusals.Any(body.Contains)),
                };
                if (!ok) failures.Add($"{cell}, expected {expected}; {Shorten(body)}");
                if (forbidden.FirstOrDefault(body.Contains) is { } leaked)
                    failures.Add($"{cell}: the body shows incident {leaked}, which {p.Subject} may not see");
                // Not even the id of an incident the caller may not see, unless they asked about that id themselves.
                if (all.Where(t => !visible.Contains(t.Marker) && t != target).FirstOrDefault(t => body.Contains(t.Id.ToString())) is { } named)
                    failures.Add($"{cell}: the body names the id of incident {named.Marker}, which {p.Subject} may not see");
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {cells} cells are wrong:\n{string.Join("\n", failures)}");
        Assert.True(cells > 500, $"only {cells} cells were called");
    }

    /// <summary>
    /// A console route says which API operations it calls (<c>Through</c>), and carries their own roles: it admits whom they
    /// admit (and, being the console, only people who read incidents). A route that names none fails here, before the
    /// matrix above could pass with a copy of the roles that drifts.
    /// </summary>
    [Fact]
    public void every_console_route_admits_whom_the_api_operations_it_calls_admit()
    {
        var failures = new List<string>();
        foreach (var endpoint in Host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        foreach (var route in Named(endpoint).Where(r => r.Contains(" /") && !r.Contains(" /api/") && !r.Contains(" /{**") && !r.Contains(" /health")
                                                         && !Exempt.Contains(r)))
        {
            if (endpoint.Metadata.GetMetadata<IncidentOrchestrator.Hosting.PassesThrough>() is not { } through)
            {
                failures.Add($"{route}: names no API operation it passes through (.Through(...)), so its roles could only be a copy");
                continue;
            }
            // The console's own rule (people who read incidents) and the operations' roles; every persona here holds one role.
            var admitted = Readers.Split(',').Intersect(through.Roles.Split(',')).Order();
            if (AllowedRoles.TryGetValue(route, out var expected) && !admitted.SequenceEqual(expected.Split(',').Order()))
                failures.Add($"{route}: its operations admit {string.Join(",", admitted)}, the matrix expects {expected}");
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    private enum Expect { Forbidden, NotFound, Answered, Unsigned }

    private static bool NamesAnIncident(string route) =>
        route.Contains("/incidents/{id}") || route.Contains("{taskId}") || route.Contains("{approvalId}") || route.Contains("{followUpId}")
        || route is $"SLACK {SlackMessage.AcknowledgeAction}" or $"SLACK {SlackMessage.ApproveAction}";

    /// <summary>Every button our Slack messages carry (the constants of <see cref="SlackMessage"/> that name an action).</summary>
    private static IEnumerable<string> SlackActions() => typeof(SlackMessage)
        .GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
        .Where(f => f.IsLiteral && f.Name.EndsWith("Action", StringComparison.Ordinal)).Select(f => $"SLACK {f.GetRawConstantValue()}");

    /// <summary>
    /// Every route a person or a client can call, by method, without its constraints; the console's static files (stylesheets,
    /// scripts, their fallback) and health and metrics endpoints aside.
    /// </summary>
    private List<string> Routes() => Host.Services.GetRequiredService<EndpointDataSource>().Endpoints
        .OfType<RouteEndpoint>()
        .Where(e => e.RoutePattern.RawText is ['/', ..] raw && !raw.StartsWith("/health") && raw != "/metrics" && !raw.StartsWith("/{**"))
        .SelectMany(Named)
        .Distinct()
        .Order()
        .ToList();

    /// <summary>"METHOD /route" for each method of an endpoint, without the route's constraints.</summary>
    private static IEnumerable<string> Named(RouteEndpoint e) =>
        (e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["GET"])
        .Select(m => $"{m} {System.Text.RegularExpressions.Regex.Replace(e.RoutePattern.RawText ?? "", @"\{(\w+)(:[^}]*)?\}", "{$1}")}");

    private async Task<Target> AnIncident(string name, bool restricted, string? participant = null)
    {
        var marker = "MX" + Guid.NewGuid().ToString("N")[..10];
        var created = await Host.Post("/api/incidents",
            new { title = $"Matrix incident {marker}", severity = "high", restricted, summary = $"summary {marker}" }, Api.Commander, expect: 201);
        var id = created.ReadJson().GetProperty("id").GetGuid();
        if (participant is not null) await Host.Post($"/api/incidents/{id}/participants", new { subject = participant }, expect: 204);
        var runId = await Host.StartRun(id, "test-matrix", new { key = marker });

        var task = await RunScenarios.Eventually(async () => (await Host.Get($"/api/tasks?incident={id}", Api.Commander)).ReadJson(),
            t => t.GetArrayLength() == 1);
        var approval = await RunScenarios.Eventually(async () => (await Host.Get($"/api/approvals?incident={id}", Api.Commander)).ReadJson(),
            a => a.GetArrayLength() == 1);
        var evidence = await RunScenarios.Eventually(async () => (await Host.Get($"/api/incidents/{id}/evidence", Api.Commander)).ReadJson(),
            e => e.GetArrayLength() == 1);
        var followUp = (await Host.Post($"/api/incidents/{id}/followups", new { title = $"follow-up {marker}" }, Api.Commander, expect: 201)).ReadJson();
        return new Target(name, id, runId, task[0].GetProperty("taskId").GetGuid(), approval[0].GetProperty("approvalId").GetGuid(),
            evidence[0].GetProperty("evidenceId").GetGuid(), marker, followUp.GetProperty("followUpId").GetGuid());
    }

    private static string _matrixHash = "";
    private static string _datasetHash = "";
    private static string _accessRequest = "";
    private static string _accessReview = "";
    private const string Dataset = "hr.employee_activity";

    private static async Task<(HttpStatusCode, string)> Call(HttpClient client, string route, Target target, Principal p)
    {
        if (route.StartsWith("SLACK ", StringComparison.Ordinal)) return await PressAsync(client, route["SLACK ".Length..], target, p);
        var method = route[..route.IndexOf(' ')];
        var path = route[(method.Length + 1)..];
        if (path.StartsWith("/api/datasets/", StringComparison.Ordinal) || path.StartsWith("/datasets/", StringComparison.Ordinal)) path = path.Replace("{name}", Dataset).Replace("{hash}", _datasetHash);
        if (path.StartsWith("/api/access-reviews/", StringComparison.Ordinal) || path.StartsWith("/access/reviews/", StringComparison.Ordinal)) path = path.Replace("{id}", _accessReview);
        if (path.StartsWith("/api/access-requests/", StringComparison.Ordinal) || path.StartsWith("/access/", StringComparison.Ordinal)) path = path.Replace("{id}", _accessRequest);
        path = path
            .Replace("{id}", target.Id.ToString()).Replace("{runId}", target.RunId.ToString()).Replace("{stepId}", "investigate")
            .Replace("{evidenceId}", target.EvidenceId.ToString()).Replace("{taskId}", target.TaskId.ToString())
            .Replace("{approvalId}", target.ApprovalId.ToString()).Replace("{followUpId}", target.FollowUpId.ToString()).Replace("{name}", "test-matrix").Replace("{hash}", _matrixHash)
            .Replace("{resolution}", "retry").Replace("{tracker}", "github") + Queries.GetValueOrDefault(route, "");
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", p.Token);
        if (method != "GET")
        {
            // The console's forms are posted as forms (without this session's antiforgery token: an allowed caller is refused with 400).
            var (body, contentType) = Bodies.GetValueOrDefault(route, route.Contains(" /api/") ? ("", "application/json") : ("", "application/x-www-form-urlencoded"));
            request.Content = new StringContent(body, Encoding.UTF8, contentType);
        }

        // The stream never ends by itself: read its headers and first event, then hang up.
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
        if (response.Content.Headers.ContentType?.MediaType == "text/event-stream")
        {
            var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cts.Token));
            var first = new StringBuilder();
            while (await reader.ReadLineAsync(cts.Token) is { Length: > 0 } line) first.AppendLine(line);
            return (response.StatusCode, first.ToString());
        }
        return (response.StatusCode, await response.Content.ReadAsStringAsync(cts.Token));
    }

    /// <summary>The button as the Slack user mapped to <paramref name="p"/> (UMX and their name; the stranger is mapped to nobody).</summary>
    private static async Task<(HttpStatusCode, string)> PressAsync(HttpClient client, string action, Target target, Principal p)
    {
        var value = action == SlackMessage.AcknowledgeAction ? target.TaskId : action == SlackMessage.ApproveAction ? target.ApprovalId : target.Id;
        var body = SlackPress.Body("UMX" + p.Subject.Split('.')[0].ToUpperInvariant(), action, value.ToString());
        var (timestamp, signature) = SlackPress.Signed(RunsFixture.SlackSecret, body, DateTimeOffset.UtcNow);
        using var request = new HttpRequestMessage(HttpMethod.Post, SlackPress.Path)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/x-www-form-urlencoded"),
        };
        request.Headers.Add("X-Slack-Request-Timestamp", timestamp);
        request.Headers.Add("X-Slack-Signature", signature);
        using var response = await client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static string Shorten(string body) => body.Length <= 200 ? body : body[..200] + "…";
}
