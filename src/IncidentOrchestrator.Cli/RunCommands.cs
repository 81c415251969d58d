using System.CommandLine;
using System.Text.Json;
using IncidentOrchestrator.Playbooks.Running;
using Spectre.Console;
using static IncidentOrchestrator.Cli.Output;

namespace IncidentOrchestrator.Cli;

/// <summary>Playbook runs on an incident: start (and watch), show, watch until the end, cancel, retry or skip an escalated step.</summary>
public static class RunCommands
{
    private static readonly Column[] Steps =
    [
        Field("step", "id"), State("status", "status"), Field("attempts", "attempts"), State("outcome", "outcome"), Time("next attempt", "nextAttemptAt"),
        Field("error", "error"),
    ];

    public static IEnumerable<Command> All(CliContext cli)
    {
        var incident = new Argument<string>("incident");
        var playbook = new Argument<string>("playbook");
        var inputs = new Option<string[]>("--input") { Description = "An input as name=value; repeat", AllowMultipleArgumentsPerToken = true };
        var watchToo = new Option<bool>("--watch") { Description = "Then follow it to its end (the exit code follows the outcome)" };
        var start = new Command("start", "Start a playbook on an incident (commanders).\nExample: incident run start 01a2… sensitive-data-exposure --input dataset=hr.employee_activity --input grantee=all_engineers --watch")
        {
            incident, playbook, inputs, watchToo,
        };
        start.SetAction(cli.Run(async (r, ct) =>
        {
            var api = cli.Api(r);
            var accepted = await api.PostAsync($"/api/incidents/{r.GetValue(incident)}/runs",
                new StartPlaybookRun(r.GetValue(playbook), KeyValues.Texts(r.GetValue(inputs), "--input")), ct);
            var runId = accepted.Deserialize<RunAccepted>(Json.Options)!.RunId.ToString();
            if (!r.GetValue(watchToo))
            {
                cli.Output(r).Answer(accepted, $"Started run {runId}. Next: incident run watch {r.GetValue(incident)} {runId}", runId);
                return ExitCodes.Ok;
            }
            return await WatchAsync(cli, r, api, r.GetValue(incident)!, runId, ct);
        }));

        var showIncident = new Argument<string>("incident");
        var showRun = new Argument<string>("run");
        var show = new Command("show", "A run's status and its steps.\nExample: incident run show 01a2… 01a3…") { showIncident, showRun };
        show.SetAction(cli.Run(async (r, ct) =>
        {
            var run = await cli.Api(r).GetAsync($"/api/incidents/{r.GetValue(showIncident)}/runs/{r.GetValue(showRun)}", ct);
            Print(cli, r, run);
            return ExitCodes.Ok;
        }));

        var watchIncident = new Argument<string>("incident");
        var watchRun = new Argument<string>("run");
        var watch = new Command("watch", "Follow a run until it ends: 0 when it succeeded, 1 when it failed, was compensated or cancelled.\nExample: incident run watch 01a2… 01a3…")
        {
            watchIncident, watchRun,
        };
        watch.SetAction(cli.Run((r, ct) => WatchAsync(cli, r, cli.Api(r), r.GetValue(watchIncident)!, r.GetValue(watchRun)!, ct)));

        var cancelIncident = new Argument<string>("incident");
        var cancelRun = new Argument<string>("run");
        var reason = new Option<string?>("--reason");
        var cancel = new Command("cancel", "Cancel a run (commanders).\nExample: incident run cancel 01a2… 01a3… --reason \"false positive\"") { cancelIncident, cancelRun, reason };
        cancel.SetAction(cli.Run(async (r, ct) =>
        {
            var answer = await cli.Api(r).PostAsync($"/api/incidents/{r.GetValue(cancelIncident)}/runs/{r.GetValue(cancelRun)}/cancel", new CancelRunRequest(r.GetValue(reason)), ct);
            cli.Output(r).Answer(answer, $"Cancelling run {r.GetValue(cancelRun)}.", r.GetValue(cancelRun));
            return ExitCodes.Ok;
        }));

        var listIncident = new Argument<string>("incident");
        var list = new Command("list", "The playbook runs of an incident.\nExample: incident run list 01a2…") { listIncident };
        list.SetAction(cli.Run(async (r, ct) =>
        {
            var incidentView = await cli.Api(r).GetAsync($"/api/incidents/{Uri.EscapeDataString(r.GetValue(listIncident)!)}", ct);
            cli.Output(r).List(incidentView.GetProperty("runs").EnumerateArray().ToList(), "runId", Field("run", "runId", Kind.Id),
                Field("playbook", "playbook"), State("status", "status"));
            return ExitCodes.Ok;
        }));

        var run = new Command("run", "Playbook runs") { list, start, show, watch, cancel, Resolve(cli, "retry"), Resolve(cli, "skip") };
        yield return run;
    }

    private static Command Resolve(CliContext cli, string resolution)
    {
        var incident = new Argument<string>("incident");
        var run = new Argument<string>("run");
        var step = new Argument<string>("step");
        var command = new Command(resolution, $"{resolution[..1].ToUpperInvariant()}{resolution[1..]} a step that failed and escalated (commanders).\nExample: incident run {resolution} 01a2… 01a3… revoke-grant")
        {
            incident, run, step,
        };
        command.SetAction(cli.Run(async (r, ct) =>
        {
            var answer = await cli.Api(r).PostAsync($"/api/incidents/{r.GetValue(incident)}/runs/{r.GetValue(run)}/steps/{r.GetValue(step)}/{resolution}", null, ct);
            cli.Output(r).Answer(answer, $"Step {r.GetValue(step)}: {resolution}.", r.GetValue(run));
            return ExitCodes.Ok;
        }));
        return command;
    }

    /// <summary>
    /// Follows a run until it ends. On a terminal the step table is redrawn in place (Spectre's live display); elsewhere
    /// (a pipe, a file, json) the steps are printed again whenever they change, so a log shows each change once.
    /// </summary>
    private static string StatusOf(JsonElement run) => run.Deserialize<RunView>(Json.Options)!.Status;

    private static async Task<int> WatchAsync(CliContext cli, ParseResult r, ApiClient api, string incident, string runId, CancellationToken ct)
    {
        var output = cli.Output(r);
        if (output.ForPeople && output.Live)
        {
            var run = await api.GetAsync($"/api/incidents/{incident}/runs/{runId}", ct);
            var status = StatusOf(run);
            await output.Ansi.Live(Table(output, run)).StartAsync(async live =>
            {
                while (!RunStates.Ended.Contains(status) && !ct.IsCancellationRequested)
                {
                    try { await Task.Delay(TimeSpan.FromMilliseconds(500), ct); }
                    catch (OperationCanceledException) { return; }
                    run = await api.GetAsync($"/api/incidents/{incident}/runs/{runId}", ct);
                    status = StatusOf(run);
                    live.UpdateTarget(Table(output, run));
                }
            });
            return status == RunStates.Succeeded ? ExitCodes.Ok : ExitCodes.Failure;
        }

        string? last = null;
        while (true)
        {
            var run = await api.GetAsync($"/api/incidents/{incident}/runs/{runId}", ct);
            var now = JsonSerializer.Serialize(run.GetProperty("steps"));
            var status = StatusOf(run);
            if (now != last)
            {
                Print(cli, r, run);
                last = now;
            }
            if (RunStates.Ended.Contains(status)) return status == RunStates.Succeeded ? ExitCodes.Ok : ExitCodes.Failure;
            try { await Task.Delay(TimeSpan.FromMilliseconds(500), ct); }
            catch (OperationCanceledException) { return ExitCodes.Failure; }
        }
    }

    private static Table Table(Output output, JsonElement run)
    {
        var table = output.Table(run.GetProperty("steps").EnumerateArray().ToList(), Steps);
        table.Title = new TableTitle($"Run {Text(run, "runId")} of {Text(run, "playbook")}: {Text(run, "status")}".EscapeMarkup());
        return table;
    }

    private static void Print(CliContext cli, ParseResult r, JsonElement run)
    {
        var output = cli.Output(r);
        if (r.GetValue(IncidentCli.Format) is "json" or "jsonl" || r.GetValue(IncidentCli.Quiet))
        {
            output.Item(run, "runId");
            return;
        }
        output.Say($"Run {Text(run, "runId")} of {Text(run, "playbook")}: {Text(run, "status")}");
        output.List(run.GetProperty("steps").EnumerateArray().ToList(), "id", Steps);
    }
}
