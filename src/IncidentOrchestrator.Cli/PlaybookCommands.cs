using System.CommandLine;
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
        validate.SetAction(cli.Run((r, _) =>
        {
            var errors = new List<PlaybookError>();
            foreach (var folder in r.GetValue(files)!.GroupBy(f => f.DirectoryName ?? "."))
            {
                var named = folder.Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
                foreach (var missing in folder.Where(f => !f.Exists))
                    throw new CliException(ExitCodes.Usage, $"{missing.FullName}: no such file");
                errors.AddRange(PlaybookLibrary.LoadDirectory(folder.Key, BuiltInActions.Catalog).Errors.Where(e => named.Contains(e.File)));
            }
            foreach (var error in errors) cli.Console.Out.WriteLine(error.ToString());
            if (errors.Count == 0 && !r.GetValue(IncidentCli.Quiet)) cli.Console.Out.WriteLine($"{r.GetValue(files)!.Length} playbook file(s) valid.");
            return Task.FromResult(errors.Count == 0 ? ExitCodes.Ok : ExitCodes.Failure);
        }));
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
            var given = KeyValues.Parse(r.GetValue(inputs), "--input");
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
                    new Dictionary<string, object?> { ["severity"] = r.GetValue(severity) ?? playbook.Severity ?? "high", ["restricted"] = playbook.Restricted, ["status"] = "open" },
                    null, assumed);
                var problems = IncidentOrchestrator.Playbooks.Planning.Planner.Check(playbook, request);
                if (problems.Count > 0) throw new CliException(ExitCodes.Failure, string.Join('\n', problems.Select(p => $"  {p.Key}: {p.Value}")));
                plan = System.Text.Json.JsonSerializer.SerializeToElement(IncidentOrchestrator.Playbooks.Planning.Planner.Make(playbook, request), Json.Options);
            }
            else
            {
                plan = await cli.Api(r).PostAsync($"/api/playbooks/{Uri.EscapeDataString(r.GetValue(target)!)}/dry-run",
                    new { inputs = given, decisions = assumed, incident = new { severity = r.GetValue(severity) } }, ct);
            }
            if (r.GetValue(IncidentCli.Format) is "text" && !r.GetValue(IncidentCli.Quiet))
                cli.Console.Out.WriteLine($"Outcome: {Text(plan, "outcome")} in {Text(plan, "waves")} wave(s)");
            cli.Output(r).List(plan.GetProperty("steps").EnumerateArray().ToList(), "id", Field("wave", "wave"), Field("step", "id"),
                Field("would", "disposition"), Field("why", "reason"));
            return ExitCodes.Ok;
        }));

        var reload = new Command("reload", "Make the service read its playbook folder again (commanders, admins); every error when the set is broken.\nExample: incident playbook reload");
        reload.SetAction(cli.Run(async (r, ct) =>
        {
            var result = await cli.Api(r).PostAsync("/api/playbooks/reload", null, ct);
            cli.Output(r).Done($"Reloaded: {result.GetProperty("playbooks").GetArrayLength()} playbooks loaded.");
            return ExitCodes.Ok;
        }));
        yield return new Command("playbook", "Playbooks") { list, validate, dryRun, reload };
    }
}
