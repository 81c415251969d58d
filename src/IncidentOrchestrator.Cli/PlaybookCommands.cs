using System.CommandLine;
using System.Text.Json;
using IncidentOrchestrator.Playbooks;
using IncidentOrchestrator.Playbooks.Actions;
using static IncidentOrchestrator.Cli.Output;

namespace IncidentOrchestrator.Cli;

/// <summary>Playbooks: the service's catalogue, and offline validation with the same library the service loads them with.</summary>
public static class PlaybookCommands
{
    public static IEnumerable<Command> All(CliContext cli)
    {
        var list = new Command("list", "The playbooks the service runs.\nExample: incident playbook list");
        list.SetAction(cli.Run(async (r, ct) =>
        {
            var playbooks = (await cli.Api(r).GetAsync("/api/playbooks", ct)).EnumerateArray().ToList();
            cli.Output(r).List(playbooks, "name", Field("name", "name"), new("hash", e => Text(e, "hash")[..12]), Field("title", "title"));
            return ExitCodes.Ok;
        }));

        var files = new Argument<FileInfo[]>("files") { Arity = ArgumentArity.OneOrMore, Description = "Playbook files (the other files of their folder are read too, for sub-playbooks)" };
        var validate = new Command("validate",
            "Validate playbook files offline, exactly as the service would load them: FILE:LINE:COLUMN: CODE message, exit 1 on errors.\n" +
            "Example (a pre-commit hook): incident playbook validate playbooks/*.yaml") { files };
        validate.SetAction(cli.Run((r, _) => ValidateFiles(cli, r, r.GetValue(files)!, "playbook",
            folder => PlaybookLibrary.LoadDirectory(folder, BuiltInActions.Catalog).Errors)));
        var target = new Argument<string>("playbook") { Description = "A playbook file (planned offline) or the name of a loaded playbook (planned by the service)" };
        var inputs = new Option<string[]>("--input") { Description = "An input as name=value; repeat", AllowMultipleArgumentsPerToken = true };
        var decisions = new Option<string[]>("--decision") { Description = "Assume a step ends so: step=outcome; repeat", AllowMultipleArgumentsPerToken = true };
        var severity = new Option<string?>("--severity") { Description = "The incident's severity to plan for" };
        var dryRun = new Command("dry-run", "The plan a run would take, step by step, without doing anything.\n" +
                                            "Example: incident playbook dry-run playbooks/sensitive-data-exposure.yaml --input dataset=hr.x --input grantee=eng --decision revoke-grant=failed")
        {
            target, inputs, decisions, severity,
        };
        dryRun.SetAction(cli.Run(async (r, ct) =>
        {
            var given = KeyValues.Texts(r.GetValue(inputs), "--input");
            var assumed = (r.GetValue(decisions) ?? []).Select(d => d.Split('=', 2)).ToDictionary(d => d[0], d => d.Length == 2 ? d[1] : "");
            System.Text.Json.JsonElement plan;
            if (File.Exists(r.GetValue(target)))
            {
                var file = new FileInfo(r.GetValue(target)!);
                var library = PlaybookLibrary.LoadDirectory(file.DirectoryName ?? ".", BuiltInActions.Catalog);
                var errors = library.Errors.Where(e => e.File == file.Name).ToList();
                if (errors.Count > 0) throw new CliException(ExitCodes.Failure, string.Join('\n', errors));
                var playbook = library.Playbooks.Values.Single(p => p.File == file.Name);
                var request = new IncidentOrchestrator.Playbooks.Planning.Planner.Request(JsonValues.ToPlain(given),
                    IncidentOrchestrator.Playbooks.Planning.IncidentFacts.Preview(r.GetValue(severity) ?? playbook.Severity ?? "high", playbook.Restricted),
                    null, assumed, Playbooks: library.Find);
                var problems = IncidentOrchestrator.Playbooks.Planning.Planner.Check(playbook, request);
                if (problems.Count > 0) throw new CliException(ExitCodes.Failure, string.Join('\n', problems.Select(p => $"  {p.Key}: {p.Value}")));
                plan = System.Text.Json.JsonSerializer.SerializeToElement(IncidentOrchestrator.Playbooks.Planning.Planner.Make(playbook, request), Json.Options);
            }
            else
            {
                plan = await cli.Api(r).PostAsync($"/api/playbooks/{Uri.EscapeDataString(r.GetValue(target)!)}/dry-run",
                    new DryRunPlaybook(given, new DryRunIncident(r.GetValue(severity), null), null, assumed), ct);
            }
            if (r.GetValue(IncidentCli.Format) is "json" or "jsonl" && !r.GetValue(IncidentCli.Quiet))
            {
                cli.Output(r).Item(plan, "outcome"); // the whole plan, as the API answered it
                return ExitCodes.Ok;
            }
            if (r.GetValue(IncidentCli.Format) is "text" && !r.GetValue(IncidentCli.Quiet))
                cli.Console.Out.WriteLine($"Outcome: {Text(plan, "outcome")} in {Text(plan, "waves")} wave(s)");
            cli.Output(r).List(plan.GetProperty("steps").EnumerateArray().ToList(), "id", Field("wave", "wave"), Field("step", "id"),
                Field("would", "disposition"), Field("ends", "outcome"), Field("why", "reason"));
            return ExitCodes.Ok;
        }));

        var reload = new Command("reload", "Make the service read its playbook folder again (commanders, admins); every error when the set is broken.\nExample: incident playbook reload");
        reload.SetAction(cli.Run(async (r, ct) =>
        {
            var result = await cli.Api(r).PostAsync("/api/playbooks/reload", null, ct);
            cli.Output(r).Answer(result, $"Reloaded: {result.GetProperty("playbooks").GetArrayLength()} playbooks loaded.");
            return ExitCodes.Ok;
        }));
        yield return new Command("playbook", "Playbooks") { list, validate, dryRun, reload, Versions(cli), Diff(cli), Replay(cli) };
    }

    private static Command Versions(CliContext cli)
    {
        var name = new Argument<string>("name");
        var command = new Command("versions", "Every version of a playbook that ran or is loaded, with its runs and how they ended.\nExample: incident playbook versions sensitive-data-exposure") { name };
        command.SetAction(cli.Run(async (r, ct) =>
        {
            var versions = (await cli.Api(r).GetAsync($"/api/playbooks/{Uri.EscapeDataString(r.GetValue(name)!)}/versions", ct)).EnumerateArray().ToList();
            cli.Output(r).List(versions, "hash", new("hash", e => Text(e, "hash")[..12]), new("loaded", e => Text(e, "loaded") == "True" ? "loaded" : ""),
                Field("runs", "runs"), new("ended", e => string.Join(", ", e.GetProperty("outcomes").EnumerateObject().Select(o => $"{o.Value} {o.Name}"))),
                Time("first used", "firstUsed"), Time("last used", "lastUsed"));
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Diff(CliContext cli)
    {
        var name = new Argument<string>("name");
        var from = new Option<string>("--from") { Required = true, Description = "The older version's hash (a prefix from playbook versions is not enough: the whole hash)" };
        var to = new Option<string?>("--to") { Description = "The newer version's hash (default: the loaded one)" };
        var command = new Command("diff", "What changed between two versions of a playbook, line by line.\nExample: incident playbook diff sensitive-data-exposure --from 5f0c…") { name, from, to };
        command.SetAction(cli.Run(async (r, ct) =>
        {
            var query = $"from={Uri.EscapeDataString(r.GetValue(from)!)}" + (r.GetValue(to) is { } t ? $"&to={Uri.EscapeDataString(t)}" : "");
            PrintDiff(cli, r, await cli.Api(r).GetAsync($"/api/playbooks/{Uri.EscapeDataString(r.GetValue(name)!)}/diff?{query}", ct));
            return ExitCodes.Ok;
        }));
        return command;
    }

    /// <summary>
    /// Files of a folder the service loads as a set (playbooks, datasets), validated offline with its own library: each
    /// folder is read whole (names are unique across it), and the errors of the named files printed as FILE:LINE:COLUMN.
    /// </summary>
    public static Task<int> ValidateFiles(CliContext cli, System.CommandLine.ParseResult r, FileInfo[] files, string what,
        Func<string, IReadOnlyList<PlaybookError>> load)
    {
        var errors = new List<PlaybookError>();
        foreach (var folder in files.GroupBy(f => f.DirectoryName ?? "."))
        {
            var named = folder.Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
            foreach (var missing in folder.Where(f => !f.Exists))
                throw new CliException(ExitCodes.Usage, $"{missing.FullName}: no such file");
            errors.AddRange(load(folder.Key).Where(e => named.Contains(e.File)));
        }
        foreach (var error in errors) cli.Console.Out.WriteLine(error.ToString());
        if (errors.Count == 0 && !r.GetValue(IncidentCli.Quiet)) cli.Console.Out.WriteLine($"{files.Length} {what} file(s) valid.");
        return Task.FromResult(errors.Count == 0 ? ExitCodes.Ok : ExitCodes.Failure);
    }

    /// <summary>A line diff of two versions of a file (a playbook's, a dataset's) as the API answered it: for people, the changed lines only.</summary>
    public static void PrintDiff(CliContext cli, System.CommandLine.ParseResult r, System.Text.Json.JsonElement diff)
    {
        var output = cli.Output(r);
        if (!output.ForPeople)
        {
            output.Item(diff, "to");
            return;
        }
        cli.Console.Out.WriteLine($"--- {Text(diff, "from")[..12]}\n+++ {Text(diff, "to")[..12]}  ({Text(diff, "added")} added, {Text(diff, "removed")} removed)");
        foreach (var line in diff.GetProperty("lines").EnumerateArray().Where(l => Text(l, "kind") != "same"))
            cli.Console.Out.WriteLine($"{(Text(line, "kind") == "added" ? "+" : "-")}{Text(line, Text(line, "kind") == "added" ? "newLine" : "oldLine"),4}  {Text(line, "text")}");
    }

    private static Command Replay(CliContext cli)
    {
        var file = new Argument<FileInfo>("file") { Description = "The candidate version (its name says which playbook's runs to replay)" };
        var since = new Option<string?>("--since") { Description = "Runs started since: an ISO time, or 7d / 30d / 90d (default 30d)" };
        var incidents = new Option<Guid[]>("--incident") { Description = "Only the runs of these incidents; repeat", AllowMultipleArgumentsPerToken = true };
        var limit = new Option<int?>("--limit") { Description = "At most this many runs, newest first (default 100)" };
        var decisions = new Option<string[]>("--decision") { Description = "Assume a step the record cannot answer ends so: step=outcome; repeat", AllowMultipleArgumentsPerToken = true };
        var command = new Command("replay",
            "What a new version of a playbook would have done on the runs already recorded, and how that differs; nothing is executed.\n" +
            "Example: incident playbook replay playbooks/sensitive-data-exposure.yaml --since 30d")
        {
            file, since, incidents, limit, decisions,
        };
        command.SetAction(cli.Run(async (r, ct) =>
        {
            var candidate = r.GetValue(file)!;
            if (!candidate.Exists) throw new CliException(ExitCodes.Usage, $"{candidate.FullName}: no such file");
            var picked = r.GetValue(incidents) ?? [];
            var answer = await cli.Api(r).PostAsync("/api/playbooks/replay", new ReplayPlaybook(
                await File.ReadAllTextAsync(candidate.FullName, ct),
                picked.Length == 0 ? null : [.. picked],
                picked.Length == 0 ? IncidentCommands.SinceTime(r.GetValue(since) ?? "30d", "--since") : null,
                null, r.GetValue(limit),
                (r.GetValue(decisions) ?? []).Select(d => d.Split('=', 2)).ToDictionary(d => d[0], d => d.Length == 2 ? d[1] : "")), ct);
            var output = cli.Output(r);
            var runs = answer.GetProperty("runs").Deserialize<List<IncidentOrchestrator.Playbooks.Planning.ReplayResult>>(Json.Options)!;
            var changed = runs.Count(run => run.Differences.Count > 0);
            if (!output.ForPeople)
            {
                output.Item(answer, "candidateHash");
                return ExitCodes.Ok;
            }
            foreach (var run in runs)
            {
                output.Say($"Incident {run.IncidentId}, run {run.RunId}: {run.RecordedStatus} → {run.CandidateStatus}");
                if (run.Differences.Count == 0) cli.Console.Out.WriteLine("  no difference");
                else output.List(run.Differences.Select(d => JsonSerializer.SerializeToElement(d, Json.Options)).ToList(), "step",
                    State("difference", "kind"), Field("step", "step"), Field("detail", "detail"));
                var assumed = run.Steps.Where(s => s.Assumed).Select(s => s.Id).ToList();
                if (assumed.Count > 0) cli.Console.Out.WriteLine(Output.Printable($"  assumed (the record cannot say): {string.Join(", ", assumed)}"));
                cli.Console.Out.WriteLine();
            }
            cli.Console.Out.WriteLine($"{runs.Count} run(s) replayed, {changed} with differences." +
                                      (Text(answer, "note") is { Length: > 1 } note ? $" {note}." : ""));
            return ExitCodes.Ok;
        }));
        return command;
    }
}
