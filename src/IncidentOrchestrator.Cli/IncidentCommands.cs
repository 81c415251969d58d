using System.CommandLine;
using System.Text.Json;
using static IncidentOrchestrator.Cli.Output;

namespace IncidentOrchestrator.Cli;

/// <summary>Signing in, incidents, their timeline, signals.</summary>
public static class IncidentCommands
{
    public static IEnumerable<Command> All(CliContext cli)
    {
        yield return Login(cli);
        yield return WhoAmI(cli);
        yield return List(cli);
        yield return Show(cli);
        yield return Declare(cli);
        yield return Status(cli);
        yield return Commander(cli);
        yield return Participant(cli);
        yield return Timeline(cli);
        yield return Signal(cli);
        yield return Verify(cli);
    }

    private static readonly Column[] Summary =
    [
        Field("id", "id", Kind.Id), State("status", "status"), State("severity", "severity"), new("r", e => Text(e, "restricted") == "True" ? "R" : ""),
        Field("commander", "commander"), Time("opened", "openedAt"), Field("title", "title"),
    ];

    private static Command Login(CliContext cli)
    {
        var command = new Command("login", "Remember the service and your token (in a profile only you can read).\nExample: incident login --url http://127.0.0.1:5080 --token $TOKEN");
        command.SetAction(cli.Run(async (r, ct) =>
        {
            var url = r.GetValue(IncidentCli.Url) ?? throw new CliException(ExitCodes.Usage, "--url is required");
            var token = r.GetValue(IncidentCli.Token) ?? throw new CliException(ExitCodes.Usage, "--token is required");
            var api = cli.Api(r);
            await api.GetAsync("/api/incidents?limit=1", ct); // the token works before it is saved
            new Profile(url, token).Save();
            var who = Jwt.Claims(token);
            cli.Output(r).Done($"Signed in to {url} as {who.Subject} ({string.Join(", ", who.Roles)}); saved to {Profile.PathOnDisk}",
                new { url, subject = who.Subject, roles = who.Roles, profile = Profile.PathOnDisk }, who.Subject);
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command WhoAmI(CliContext cli)
    {
        var command = new Command("whoami", "Who the token says you are, and whether the service takes it.\nExample: incident whoami");
        command.SetAction(cli.Run(async (r, ct) =>
        {
            var api = cli.Api(r);
            var token = r.GetValue(IncidentCli.Token) ?? Profile.Load().Token ?? throw new CliException(ExitCodes.Failure, "No token: run incident login.");
            await api.GetAsync("/api/incidents?limit=1", ct);
            var who = Jwt.Claims(token);
            cli.Output(r).Item(JsonSerializer.SerializeToElement(new { subject = who.Subject, name = who.Name, roles = who.Roles, expires = who.Expires, url = api.BaseUrl }),
                "subject", Field("subject", "subject"), Field("name", "name"), new("roles", e => string.Join(", ", e.GetProperty("roles").EnumerateArray())),
                Time("expires", "expires"), Field("service", "url"));
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command List(CliContext cli)
    {
        var status = new Option<string?>("--status") { Description = "open, contained, resolved, closed (or a comma list)" };
        status.CompletionSources.Add(ApiJson.Names<IncidentStatus>());
        var severity = new Option<string?>("--severity") { Description = "low, medium, high, critical (or a comma list)" };
        severity.CompletionSources.Add(ApiJson.Names<Severity>());
        var mine = new Option<bool>("--mine") { Description = "Only the incidents you command" };
        var commander = new Option<string?>("--commander") { Description = "A subject, or none" };
        var since = new Option<string?>("--since") { Description = "Opened since: an ISO time, or 24h / 7d / 30d" };
        var q = new Option<string?>("--q") { Description = "Text in the title" };
        var all = new Option<bool>("--all") { Description = "Follow every page (else the first 50)" };
        var command = new Command("list", "List incidents, newest first.\nExample: incident list --status open,contained --mine") { status, severity, mine, commander, since, q, all };
        command.SetAction(cli.Run(async (r, ct) =>
        {
            var query = new List<string>();
            void Add(string name, string? value) { if (!string.IsNullOrEmpty(value)) query.Add($"{name}={Uri.EscapeDataString(value)}"); }
            Add("status", r.GetValue(status));
            Add("severity", r.GetValue(severity));
            Add("commander", r.GetValue(mine) ? "me" : r.GetValue(commander));
            Add("from", Since(r.GetValue(since)));
            Add("q", r.GetValue(q));
            var items = await Pages.ReadAsync(cli.Api(r), "/api/incidents" + (query.Count == 0 ? "" : "?" + string.Join('&', query)), r.GetValue(all), ct);
            cli.Output(r).List(items, "id", Summary);
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Show(CliContext cli)
    {
        var id = new Argument<string>("id") { Description = "The incident's id" };
        var command = new Command("show", "One incident: its status, times, commander, participants and runs.\nExample: incident show 01a2…") { id };
        command.SetAction(cli.Run(async (r, ct) =>
        {
            var incident = await cli.Api(r).GetAsync($"/api/incidents/{Uri.EscapeDataString(r.GetValue(id)!)}", ct);
            cli.Output(r).Item(incident, "id", Field("id", "id"), Field("title", "title"), State("status", "status"), State("severity", "severity"),
                Field("restricted", "restricted"), Field("phase", "phase"), Field("commander", "commander"),
                new("participants", e => string.Join(", ", e.GetProperty("participants").EnumerateArray())), Time("opened", "openedAt"),
                Time("contained", "containedAt"), Time("resolved", "resolvedAt"), Field("signals", "signalCount"),
                new("runs", e => string.Join("; ", e.GetProperty("runs").EnumerateArray().Select(x => $"{Text(x, "playbook")} {Text(x, "status")} {Text(x, "runId")}"))));
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Declare(CliContext cli)
    {
        var title = new Option<string>("--title") { Required = true };
        var severity = new Option<string?>("--severity") { Required = true, Description = string.Join(", ", ApiJson.Names<Severity>()) };
        OneOf<Severity>(severity);
        var restricted = new Option<bool>("--restricted") { Description = "Need-to-know: only participants see it" };
        var summary = new Option<string?>("--summary");
        var command = new Command("declare", "Declare an incident (commanders).\nExample: incident declare --title \"Activity data exposed\" --severity critical --restricted")
        {
            title, severity, restricted, summary,
        };
        command.SetAction(cli.Run(async (r, ct) =>
        {
            var created = await cli.Api(r).PostAsync("/api/incidents",
                new DeclareIncident(r.GetValue(title), ApiJson.Value<Severity>(r.GetValue(severity)), r.GetValue(restricted), r.GetValue(summary)), ct);
            var id = Text(created, "id");
            cli.Output(r).Answer(created, $"Declared incident {id}. Next: incident show {id}", id);
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Status(CliContext cli)
    {
        var id = new Argument<string>("id");
        var status = new Argument<string>("status") { Description = "resolved, reviewing or closed" };
        status.AcceptOnlyFromAmong("resolved", "reviewing", "closed");
        var reason = new Option<string?>("--reason");
        var command = new Command("status",
            "Resolve an incident, begin its review, or close it (commanders). A high or critical incident closes once its review is written.\n" +
            "Example: incident status 01a2… resolved --reason \"grant revoked\"") { id, status, reason };
        command.SetAction(cli.Run(async (r, ct) =>
        {
            var answer = await cli.Api(r).PostAsync($"/api/incidents/{r.GetValue(id)}/status", new ChangeStatus(r.GetValue(status), r.GetValue(reason)), ct);
            cli.Output(r).Answer(answer, $"Incident {r.GetValue(id)} is {r.GetValue(status)}.", r.GetValue(id));
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Commander(CliContext cli)
    {
        var id = new Argument<string>("id");
        var subject = new Argument<string>("subject");
        var command = new Command("commander", "Hand command of an incident over (its commander or an admin).\nExample: incident commander 01a2… otto") { id, subject };
        command.SetAction(cli.Run(async (r, ct) =>
        {
            var answer = await cli.Api(r).PostAsync($"/api/incidents/{r.GetValue(id)}/commander", new HandOverCommand(r.GetValue(subject)), ct);
            cli.Output(r).Answer(answer, $"{r.GetValue(subject)} now commands incident {r.GetValue(id)}.", r.GetValue(id));
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Participant(CliContext cli)
    {
        var id = new Argument<string>("id");
        var subject = new Argument<string>("subject");
        var add = new Command("add", "Give someone need-to-know on an incident (commanders).\nExample: incident participant add 01a2… rui") { id, subject };
        add.SetAction(cli.Run(async (r, ct) =>
        {
            var answer = await cli.Api(r).PostAsync($"/api/incidents/{r.GetValue(id)}/participants", new AddParticipant(r.GetValue(subject)), ct);
            cli.Output(r).Answer(answer, $"{r.GetValue(subject)} is a participant of incident {r.GetValue(id)}.", r.GetValue(id));
            return ExitCodes.Ok;
        }));
        return new Command("participant", "Participants of an incident") { add };
    }

    private static Command Timeline(CliContext cli)
    {
        var id = new Argument<string>("id");
        var types = new Option<string?>("--types") { Description = "Event types, comma-separated (e.g. SignalReceived,StepFailed)" };
        var system = new Option<bool>("--system") { Description = "Also the engine's bookkeeping (StepStarted, StepWaiting…)" };
        var since = new Option<string?>("--since") { Description = "Only events since: an ISO time, or 30m / 24h / 7d" };
        var follow = new Option<bool>("--follow", "-f") { Description = "Then print new events as they are recorded, until interrupted (Ctrl-C)" };
        var command = new Command("timeline", "An incident's timeline, oldest first.\nExample: incident timeline 01a2… --since 1h --follow") { id, types, system, since, follow };
        command.SetAction(cli.Run(async (r, ct) =>
        {
            var api = cli.Api(r);
            var output = cli.Output(r);
            var incident = Uri.EscapeDataString(r.GetValue(id)!);
            var filter = (r.GetValue(types) is { Length: > 0 } t ? $"&types={Uri.EscapeDataString(t)}" : "") + (r.GetValue(system) ? "" : "&system=false");
            Column[] columns = [Field("#", "sequence") with { Width = 5 }, Time("at", "at"), Field("actor", "actor") with { Width = 18 }, Field("what", "summary")];
            long after = 0;
            var first = true;
            void Print(IReadOnlyList<JsonElement> items)
            {
                if (items.Count == 0) return;
                output.Rows(items, "sequence", first, columns);
                first = false;
                after = items[^1].GetProperty("sequence").GetInt64();
            }

            var from = Since(r.GetValue(since)) is { } time ? $"&from={Uri.EscapeDataString(time)}" : "";
            var firstPage = $"/api/incidents/{incident}/timeline?limit=1000{filter}{from}";
            // -o json without --follow is one array, as the API answers a page; followed events come one object a line.
            if (r.GetValue(IncidentCli.Format) is "json" && !r.GetValue(IncidentCli.Quiet) && !r.GetValue(follow))
            {
                output.List(await Pages.ReadAsync(api, firstPage, all: true, ct), "sequence", columns);
                return ExitCodes.Ok;
            }
            for (string? next = firstPage; next is not null;)
            {
                var (page, following) = await api.GetPageAsync(next, ct);
                Print(page.EnumerateArray().ToList()); // a long timeline shows page by page, as it arrives
                next = following;
            }
            if (first && !r.GetValue(follow)) output.Say("(no events)");
            if (!r.GetValue(follow)) return ExitCodes.Ok;

            if (output.ForPeople) await cli.Console.Error.WriteLineAsync("Following new events (Ctrl-C to stop)…");
            await foreach (var item in api.FollowAsync($"/api/incidents/{incident}/timeline/stream?after={after}{filter}", ct))
                if (item.EventType == "timeline") Print([JsonDocument.Parse(item.Data).RootElement.Clone()]);
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Signal(CliContext cli)
    {
        var source = new Option<string?>("--source");
        var type = new Option<string?>("--type");
        var severity = new Option<string?>("--severity") { Description = string.Join(", ", ApiJson.Names<Severity>()) };
        OneOf<Severity>(severity);
        var fingerprint = new Option<string?>("--fingerprint");
        var title = new Option<string?>("--title");
        var attributes = new Option<string[]>("--attr") { Description = "An attribute as key=value; repeat", AllowMultipleArgumentsPerToken = true };
        var file = new Option<string?>("--file")
        {
            Description = "Send the signals of a file instead: a JSON array, one object, or one object a line (- reads standard input)",
        };
        var command = new Command("signal", "Send a detection signal, or a file of them (ingest, commanders).\n" +
                                            "Example: incident signal --source scanner --type dataset.acl_drift --severity high --fingerprint wh:hr.x:eng --attr dataset=hr.x\n" +
                                            "Example (a batch): scanner --json | incident signal --file -")
        {
            source, type, severity, fingerprint, title, attributes, file,
        };
        command.SetAction(cli.Run(async (r, ct) =>
        {
            var output = cli.Output(r);
            if (r.GetValue(file) is { } path)
            {
                var text = path == "-" ? await cli.Console.In.ReadToEndAsync(ct) : await File.ReadAllTextAsync(path, ct);
                var results = (await cli.Api(r).PostAsync("/api/signals/batch", SignalFile.Parse(text, path), ct)).EnumerateArray().ToList();
                output.List(results, "incidentId", Field("signal", "signalId", Kind.Id), Field("incident", "incidentId", Kind.Id),
                    new("", e => e.Deserialize<SignalAccepted>(Json.Options)!.Correlated ? "joined" : "opened"),
                    new("started", e => Started(e.Deserialize<SignalAccepted>(Json.Options)!)));
                return ExitCodes.Ok;
            }
            var missing = new[] { ("--source", r.GetValue(source)), ("--type", r.GetValue(type)), ("--severity", r.GetValue(severity)), ("--fingerprint", r.GetValue(fingerprint)) }
                .Where(o => string.IsNullOrEmpty(o.Item2)).Select(o => o.Item1).ToList();
            if (missing.Count > 0) throw new CliException(ExitCodes.Usage, $"Missing {string.Join(", ", missing)} (or give --file).");
            var accepted = await cli.Api(r).PostAsync("/api/signals", new SubmitSignal(r.GetValue(source), r.GetValue(type),
                ApiJson.Value<Severity>(r.GetValue(severity)), r.GetValue(fingerprint), r.GetValue(title), null, KeyValues.Texts(r.GetValue(attributes), "--attr")), ct);
            var answer = accepted.Deserialize<SignalAccepted>(Json.Options)!;
            var said = answer.Correlated ? $"Joined incident {answer.IncidentId}" : $"Opened incident {answer.IncidentId}";
            if (answer.Runs is { Count: > 0 }) said += "; started " + Started(answer);
            output.Answer(accepted, said + ".", answer.IncidentId.ToString());
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Verify(CliContext cli)
    {
        var id = new Argument<string?>("id") { Arity = ArgumentArity.ZeroOrOne, Description = "Verify this incident on the service" };
        var file = new Option<FileInfo?>("--file") { Description = "Recompute the chain of a full export offline, from the file" };
        var command = new Command("verify", "Check an incident's hash chain: on the service, or offline from an export (exit 1 when broken).\nExample: incident verify --file export.json")
        {
            id, file,
        };
        command.SetAction(cli.Run(async (r, ct) =>
        {
            var verdict = r.GetValue(file) is { } export
                ? JsonSerializer.SerializeToElement(await VerifyOfflineAsync(export, ct), Json.Options)
                : await cli.Api(r).GetAsync($"/api/incidents/{r.GetValue(id) ?? throw new CliException(ExitCodes.Usage, "Give an incident id or --file")}/verify", ct);
            var valid = verdict.Deserialize<ChainVerification>(Json.Options)!.Valid;
            cli.Output(r).Item(verdict, "valid", State("valid", "valid"), Field("events", "events"), Field("first broken", "firstBrokenSequence"),
                Field("reason", "reason"), Field("head", "headHash"));
            return valid ? ExitCodes.Ok : ExitCodes.Failure;
        }));
        return command;
    }

    /// <summary>An export's chain recomputed from the file alone, as the service recomputes it.</summary>
    private static async Task<ChainVerification> VerifyOfflineAsync(FileInfo export, CancellationToken ct)
    {
        try
        {
            await using var stream = export.OpenRead();
            using var document = await JsonDocument.ParseAsync(stream, cancellationToken: ct);
            return ExportedChain.Verify(document.RootElement);
        }
        catch (Exception e) when (e is JsonException or FormatException)
        {
            throw new CliException(ExitCodes.Usage, $"{export.Name} is not an incident export: {e.Message}");
        }
        catch (FileNotFoundException)
        {
            throw new CliException(ExitCodes.Usage, $"There is no file {export.FullName}.");
        }
    }

    /// <summary>"30m", "24h", "7d" or an ISO time, as the ISO time the API takes.</summary>
    public static string? Since(string? value)
    {
        if (string.IsNullOrEmpty(value)) return null;
        if (value.Length > 1 && int.TryParse(value[..^1], out var n) && value[^1] is 'h' or 'd' or 'm')
            return (DateTimeOffset.UtcNow - (value[^1] switch { 'h' => TimeSpan.FromHours(n), 'd' => TimeSpan.FromDays(n), _ => TimeSpan.FromMinutes(n) })).ToString("O");
        return value;
    }

    /// <summary>An option that takes one of the API's names of <typeparamref name="T"/>, in any case, as the API does.</summary>
    private static void OneOf<T>(Option<string?> option) where T : struct, Enum
    {
        option.CompletionSources.Add(ApiJson.Names<T>());
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string?>() is { } given && ApiJson.Value<T>(given) is null)
                result.AddError($"{option.Name} takes {string.Join(", ", ApiJson.Names<T>())}; '{given}' is none of them.");
        });
    }

    /// <summary><see cref="Since"/> as a time, for a typed request.</summary>
    public static DateTimeOffset? SinceTime(string? value, string option) => Since(value) is not { } text ? null
        : ApiTime.TryParse(text, out var time) ? time
        : throw new CliException(ExitCodes.Usage, $"{option} takes 30m, 24h, 7d or an ISO time; '{value}' is neither.");

    /// <summary>"sensitive-data-exposure (run 01a3…)": the runs a signal started, as the API named them.</summary>
    private static string Started(SignalAccepted accepted) =>
        string.Join(", ", (accepted.Runs ?? []).Select(run => $"{run.Playbook ?? "a playbook"} (run {run.RunId})"));
}
