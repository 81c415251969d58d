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
        yield return new Command("playbook", "Playbooks") { list, validate };
    }
}
