using System.CommandLine;
using static IncidentOrchestrator.Cli.Output;

namespace IncidentOrchestrator.Cli;

/// <summary>What leadership and auditors read: the report, the export, the access log, the figures.</summary>
public static class RecordCommands
{
    public static IEnumerable<Command> All(CliContext cli)
    {
        yield return Document(cli, "report", "The post-incident report (Markdown).\nExample: incident report 01a2… --out report.md", "report");
        yield return Document(cli, "export", "Everything about an incident as JSON, re-verifiable offline.\nExample: incident export 01a2… --out export.json && incident verify --file export.json", "export");

        var id = new Argument<string>("incident");
        var log = new Command("access-log", "Who read a restricted incident (commanders, admins).\nExample: incident access-log 01a2…") { id };
        log.SetAction(cli.Run(async (r, ct) =>
        {
            var entries = (await cli.Api(r).GetAsync($"/api/incidents/{r.GetValue(id)}/access-log", ct)).EnumerateArray().ToList();
            cli.Output(r).List(entries, "subject", Time("at", "at"), Field("who", "subject"), State("outcome", "outcome"), Field("through", "endpoint"));
            return ExitCodes.Ok;
        }));
        yield return log;

        var evidenceOf = new Argument<string>("incident");
        var evidence = new Command("evidence", "The evidence captured for an incident, each with its row count and SHA-256.\nExample: incident evidence 01a2…") { evidenceOf };
        evidence.SetAction(cli.Run(async (r, ct) =>
        {
            var items = (await cli.Api(r).GetAsync($"/api/incidents/{r.GetValue(evidenceOf)}/evidence", ct)).EnumerateArray().ToList();
            cli.Output(r).List(items, "evidenceId", Field("evidence", "evidenceId", Kind.Id), Field("name", "name"), Field("rows", "rowCount"), Time("captured", "capturedAt"),
                Field("sha256", "sha256"));
            return ExitCodes.Ok;
        }));
        yield return evidence;

        var since = new Option<string?>("--since") { Description = "From: an ISO time, or 24h / 7d / 90d; default 30 days ago" };
        var until = new Option<string?>("--until") { Description = "To: an ISO time, or 24h / 7d ago; default now" };
        var weekly = new Option<bool>("--weekly") { Description = "Leadership's series instead: incidents and time to contain per week, open incidents by age" };
        var severity = new Option<string?>("--severity") { Description = "With --weekly: only these severities (one or a comma list)" };
        var metrics = new Command("metrics", "Mean times to detect, acknowledge, contain and resolve, in seconds (leadership, commanders).\n" +
                                             "Example: incident metrics --since 2026-11-01; incident metrics --weekly --since 90d --severity high,critical")
        {
            since, until, weekly, severity,
        };
        metrics.SetAction(cli.Run(async (r, ct) =>
        {
            var query = string.Join('&', new[] { ("from", IncidentCommands.Since(r.GetValue(since))), ("to", IncidentCommands.Since(r.GetValue(until))),
                    ("severity", r.GetValue(weekly) ? r.GetValue(severity) : null) }
                .Where(p => p.Item2 is not null).Select(p => $"{p.Item1}={Uri.EscapeDataString(p.Item2!)}"));
            if (r.GetValue(weekly))
            {
                var series = await cli.Api(r).GetAsync("/api/metrics/weekly" + (query.Length == 0 ? "" : "?" + query), ct);
                var output = cli.Output(r);
                if (!output.ForPeople)
                {
                    output.Answer(series, "");
                    return ExitCodes.Ok;
                }
                output.Say("Incidents per week");
                output.List(series.GetProperty("weeks").EnumerateArray().ToList(), "week", Time("week of", "week"), Field("opened", "opened"),
                    Field("contained", "contained"), Field("mean min to contain", "meanMinutesToContain"));
                output.Say("Open incidents by age");
                output.List(series.GetProperty("openByAge").EnumerateArray().ToList(), "label", Field("open for", "label"), Field("incidents", "open"));
                return ExitCodes.Ok;
            }
            if (r.GetValue(severity) is not null) throw new CliException(ExitCodes.Usage, "--severity goes with --weekly.");
            var summary = await cli.Api(r).GetAsync("/api/metrics/summary" + (query.Length == 0 ? "" : "?" + query), ct);
            cli.Output(r).Item(summary, "incidents", Field("incidents", "incidents"), Field("mttd s", "mttd"), Field("mtta s", "mtta"),
                Field("mttc s", "mttc"), Field("mttr s", "mttr"), Time("from", "from"), Time("to", "to"));
            return ExitCodes.Ok;
        }));
        yield return metrics;
    }

    private static Command Document(CliContext cli, string name, string description, string path)
    {
        var id = new Argument<string>("incident");
        var file = new Option<FileInfo?>("--out") { Description = "Write it to this file (else standard output)" };
        var command = new Command(name, description) { id, file };
        command.SetAction(cli.Run(async (r, ct) =>
        {
            var body = await cli.Api(r).GetAsync($"/api/incidents/{r.GetValue(id)}/{path}", ct);
            var text = body.ValueKind == System.Text.Json.JsonValueKind.String ? body.GetString()! : body.GetRawText();
            if (r.GetValue(file) is { } target)
            {
                await File.WriteAllTextAsync(target.FullName, text, ct);
                cli.Output(r).Done($"Wrote {target.FullName}.", new { file = target.FullName }, target.FullName);
            }
            else cli.Console.Out.WriteLine(cli.Console.IsTerminal ? Output.Printable(text) : text); // a pipe or a file gets it byte for byte
            return ExitCodes.Ok;
        }));
        return command;
    }
}
