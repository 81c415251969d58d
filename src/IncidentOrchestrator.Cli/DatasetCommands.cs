using System.Text.Json;
using System.CommandLine;
using IncidentOrchestrator.Playbooks.Catalogue;
using static IncidentOrchestrator.Cli.Output;

namespace IncidentOrchestrator.Cli;

/// <summary>The dataset catalogue: what the service holds, and offline validation with the same library it loads the files with.</summary>
public static class DatasetCommands
{
    public static IEnumerable<Command> All(CliContext cli)
    {
        var list = new Command("list", "The catalogue's datasets: classification, where each lives, its owner and purposes.\nExample: incident dataset list");
        list.SetAction(cli.Run(async (r, ct) =>
        {
            var datasets = (await cli.Api(r).GetAsync("/api/datasets", ct)).EnumerateArray().ToList();
            cli.Output(r).List(datasets, "name", Field("name", "name"), Field("classification", "classification"),
                new("object", e => $"{Text(e, "connection")}/{Text(e, "object")}"), Field("owner", "owner"),
                new("purposes", e => string.Join(", ", e.GetProperty("purposes").EnumerateArray())));
            return ExitCodes.Ok;
        }));

        var name = new Argument<string>("name") { Description = "The dataset's name, e.g. hr.employee_activity" };
        var show = new Command("show", "Everything a dataset's file declares: standing roles, longest grant, approvers, break-glass, review.\nExample: incident dataset show hr.employee_activity") { name };
        show.SetAction(cli.Run(async (r, ct) =>
        {
            var dataset = await cli.Api(r).GetAsync($"/api/datasets/{Uri.EscapeDataString(r.GetValue(name)!)}", ct);
            cli.Output(r).Item(dataset, "name", Field("name", "name"), Field("title", "title"), Field("classification", "classification"),
                new("object", e => $"{Text(e, "connection")}/{Text(e, "object")}"), Joined("subjects"), Field("owner", "owner"), Joined("stewards"),
                Joined("purposes"), Joined("standing"), Field("longest grant", "maxGrant"),
                new("approvers", e => $"{Text(e.GetProperty("approvers"), "quorum")} of {string.Join(", ", e.GetProperty("approvers").GetProperty("from").EnumerateArray())}"),
                new("break-glass", e => Text(e, "breakGlassFor") is { Length: > 0 } b ? $"for {b}" : "not allowed"), Field("review every", "review"),
                new("hash", e => Text(e, "hash")[..12]), Field("file", "file"));
            return ExitCodes.Ok;
        }));

        var grantsOf = new Argument<string>("name");
        var grants = new Command("grants", "Who holds which privileges on a dataset now, read from its database, each against the catalogue " +
                                           "(a role without standing access holds a grant nobody approved).\nExample: incident dataset grants hr.employee_activity") { grantsOf };
        grants.SetAction(cli.Run(async (r, ct) =>
        {
            var answer = await cli.Api(r).GetAsync($"/api/datasets/{Uri.EscapeDataString(r.GetValue(grantsOf)!)}/grants", ct);
            var read = answer.Deserialize<DatasetGrants>(Json.Options)!;
            var output = cli.Output(r);
            if (!output.ForPeople)
            {
                output.Item(answer, "name"); // the whole answer: an unchecked read is not "no grants"
                return read.Unchecked is null ? ExitCodes.Ok : ExitCodes.Failure;
            }
            if (read.Unchecked is { } why)
            {
                cli.Console.Error.WriteLine($"Not checked: {Output.Printable(why)}.");
                return ExitCodes.Failure;
            }
            output.List(answer.GetProperty("grants").EnumerateArray().ToList(), "grantee", Field("role", "grantee"),
                new("privileges", e => string.Join(", ", e.GetProperty("privileges").EnumerateArray())),
                new("under the catalogue", e => !e.GetProperty("allowed").GetBoolean() ? "NOT IN THE CATALOGUE"
                    : e.TryGetProperty("request", out var request) && request.ValueKind == JsonValueKind.String ? $"requested ({request.GetString()})"
                    : "standing access"), Time("until", "until"));
            if (!read.Scanned) output.Say("The drift scanner does not check this dataset while the older Detection__AccessPolicy file is set and does not list it.");
            return ExitCodes.Ok;
        }));

        var readOf = new Argument<string>("name");
        var at = new Option<string?>("--at") { Description = "An instant (ISO 8601, like 2026-12-01T09:00:00Z); default now" };
        var whoCouldRead = new Command("who-could-read", "Who could read a dataset at an instant: standing access under the catalogue then, access " +
                                                         "requests' grants live then (and who approved them), drift not yet contained.\n" +
                                                         "Example: incident dataset who-could-read hr.employee_activity --at 2026-12-01T09:00:00Z") { readOf, at };
        whoCouldRead.SetAction(cli.Run(async (r, ct) =>
        {
            var query = r.GetValue(at) is { Length: > 0 } instant ? $"?at={Uri.EscapeDataString(instant)}" : "";
            var answer = await cli.Api(r).GetAsync($"/api/datasets/{Uri.EscapeDataString(r.GetValue(readOf)!)}/access{query}", ct);
            var output = cli.Output(r);
            if (!output.ForPeople) { output.Item(answer, "name"); return ExitCodes.Ok; }
            output.List(answer.GetProperty("entries").EnumerateArray().ToList(), "grantee", Field("role", "grantee"), Field("how", "kind"),
                Time("since", "from"), Time("until", "until"), Field("for", "purpose"),
                new("approved by", e => string.Join(", ", e.GetProperty("approvedBy").EnumerateArray())), Field("source", "source"));
            return ExitCodes.Ok;
        }));

        var files = new Argument<FileInfo[]>("files") { Arity = ArgumentArity.OneOrMore, Description = "Dataset files (the other files of their folder are read too: names and objects are unique)" };
        var validate = new Command("validate",
            "Validate dataset files offline, exactly as the service would load them: FILE:LINE:COLUMN: CODE message, exit 1 on errors.\n" +
            "Example (a pre-commit hook): incident dataset validate catalogue/*.yaml") { files };
        validate.SetAction(cli.Run((r, _) => PlaybookCommands.ValidateFiles(cli, r, r.GetValue(files)!, "dataset",
            folder => DatasetCatalogue.LoadDirectory(folder).Errors)));

        var versionsOf = new Argument<string>("name");
        var versions = new Command("versions", "Every version of a dataset's file the service has loaded.\nExample: incident dataset versions hr.employee_activity") { versionsOf };
        versions.SetAction(cli.Run(async (r, ct) =>
        {
            var found = (await cli.Api(r).GetAsync($"/api/datasets/{Uri.EscapeDataString(r.GetValue(versionsOf)!)}/versions", ct)).EnumerateArray().ToList();
            cli.Output(r).List(found, "hash", new("hash", e => Text(e, "hash")[..12]), new("loaded", e => Text(e, "loaded") == "True" ? "loaded" : ""),
                Time("first loaded", "firstLoadedAt"));
            return ExitCodes.Ok;
        }));

        var diffOf = new Argument<string>("name");
        var from = new Option<string>("--from") { Required = true, Description = "The older version's whole hash (from dataset versions -o json)" };
        var to = new Option<string?>("--to") { Description = "The newer version's hash (default: the loaded one)" };
        var diff = new Command("diff", "What changed between two versions of a dataset's file, line by line.\nExample: incident dataset diff hr.employee_activity --from 5f0c…") { diffOf, from, to };
        diff.SetAction(cli.Run(async (r, ct) =>
        {
            var query = $"from={Uri.EscapeDataString(r.GetValue(from)!)}" + (r.GetValue(to) is { } t ? $"&to={Uri.EscapeDataString(t)}" : "");
            PlaybookCommands.PrintDiff(cli, r, await cli.Api(r).GetAsync($"/api/datasets/{Uri.EscapeDataString(r.GetValue(diffOf)!)}/diff?{query}", ct));
            return ExitCodes.Ok;
        }));

        var reload = new Command("reload", "Make the service read its catalogue folder again (commanders, admins); every error when a file is broken.\nExample: incident dataset reload");
        reload.SetAction(cli.Run(async (r, ct) =>
        {
            var result = await cli.Api(r).PostAsync("/api/datasets/reload", null, ct);
            cli.Output(r).Answer(result, $"Reloaded: {result.GetProperty("datasets").GetArrayLength()} datasets in the catalogue.");
            return ExitCodes.Ok;
        }));

        var candidate = new Argument<FileInfo>("file") { Description = "The dataset's file as it might become" };
        var openReview = new Option<bool>("--open-review") { Description = "Put the live grants it would refuse, and the standing roles it drops, to the dataset's owner in an access review" };
        var replay = new Command("replay", "Try a tightened dataset file against the access already given, changing nothing: the live grants and past " +
                                           "approvals it would refuse, and why, and the standing roles it drops.\n" +
                                           "Example: incident dataset replay catalogue/hr.employee_activity.yaml --open-review") { candidate, openReview };
        replay.SetAction(cli.Run(async (r, ct) =>
        {
            var file = r.GetValue(candidate)!;
            if (!file.Exists) throw new CliException(ExitCodes.Usage, $"{file.FullName}: no such file.");
            var result = await cli.Api(r).PostAsync("/api/catalogue/replay",
                new Contracts.ReplayCatalogue(await File.ReadAllTextAsync(file.FullName, ct), r.GetValue(openReview) ? true : null), ct);
            static string Requests(System.Text.Json.JsonElement e, string name) => string.Join("; ", e.GetProperty(name).EnumerateArray()
                .Select(x => $"{Text(x, "grantee")} ({Text(x, "status")}): {string.Join(", ", x.GetProperty("refused").EnumerateArray().Select(w => w.GetString()))}"));
            cli.Output(r).Item(result, "dataset", Field("dataset", "dataset"), new("live grants refused", e => Requests(e, "live")),
                new("past approvals refused", e => Requests(e, "past")),
                new("standing dropped", e => string.Join(", ", e.GetProperty("standingDropped").EnumerateArray().Select(x => x.GetString()))),
                Field("review opened", "reviewId"));
            return ExitCodes.Ok;
        }));

        yield return new Command("dataset", "The dataset catalogue") { list, show, grants, whoCouldRead, validate, versions, diff, reload, replay };
    }

    private static Column Joined(string property) => new(property, e => string.Join(", ", e.GetProperty(property).EnumerateArray()));
}
