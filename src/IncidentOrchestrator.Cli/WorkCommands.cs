using System.CommandLine;
using static IncidentOrchestrator.Cli.Output;

namespace IncidentOrchestrator.Cli;

/// <summary>Tasks and approvals: the work people do during a response.</summary>
public static class WorkCommands
{
    public static IEnumerable<Command> All(CliContext cli)
    {
        yield return Tasks(cli);
        yield return Approvals(cli);
        yield return Decide(cli, "approve", "Approve (leadership, privacy…: whoever the step asks).\nExample: incident approve 01a2… --comment \"safeguards verified\"", commentRequired: false);
        yield return Decide(cli, "reject", "Reject: one rejection ends the approval.\nExample: incident reject 01a2… --comment \"not yet\"", commentRequired: true);
    }

    private static Command Tasks(CliContext cli)
    {
        var mine = new Option<bool>("--mine") { Description = "Only tasks assigned to you (by name or by one of your roles)" };
        var all = new Option<bool>("--all") { Description = "Also completed, superseded and cancelled tasks" };
        var incident = new Option<string?>("--incident") { Description = "Only the tasks of this incident" };
        var list = new Command("list", "Tasks, oldest first.\nExample: incident task list --mine") { mine, all, incident };
        list.SetAction(cli.Run(async (r, ct) =>
        {
            var query = $"/api/tasks?limit=500{(r.GetValue(mine) ? "&mine=true" : "")}{(r.GetValue(all) ? "" : "&status=open,acknowledged,escalated")}" +
                        (r.GetValue(incident) is { } of ? $"&incident={Uri.EscapeDataString(of)}" : "");
            cli.Output(r).List(await Pages.ReadAsync(cli.Api(r), query, true, ct), "taskId", Field("task", "taskId", Kind.Id), State("status", "status"),
                Field("step", "stepId"), Field("for", "assignee"), Time("ack by", "ackBy"), Time("due by", "dueBy"), Field("title", "title"));
            return ExitCodes.Ok;
        }));

        var ackId = new Argument<string>("task");
        var ack = new Command("ack", "Acknowledge a task: you have it.\nExample: incident task ack 01a2…") { ackId };
        ack.SetAction(cli.Run(async (r, ct) =>
        {
            var answer = await cli.Api(r).PostAsync($"/api/tasks/{r.GetValue(ackId)}/ack", null, ct);
            cli.Output(r).Answer(answer, $"Acknowledged task {r.GetValue(ackId)}.", r.GetValue(ackId));
            return ExitCodes.Ok;
        }));

        var doneId = new Argument<string>("task");
        var outputs = new Option<string[]>("--output") { Description = "An output as name=value; repeat for each the task declares", AllowMultipleArgumentsPerToken = true };
        var notes = new Option<string?>("--notes");
        var complete = new Command("complete", "Complete a task with its outputs.\nExample: incident task complete 01a2… --output readers=ann,bob --output affectedEmployees=50 --notes \"from the access log\"")
        {
            doneId, outputs, notes,
        };
        complete.SetAction(cli.Run(async (r, ct) =>
        {
            var answer = await cli.Api(r).PostAsync($"/api/tasks/{r.GetValue(doneId)}/complete",
                new CompleteTask(KeyValues.Texts(r.GetValue(outputs), "--output"), r.GetValue(notes)), ct);
            cli.Output(r).Answer(answer, $"Completed task {r.GetValue(doneId)}.", r.GetValue(doneId));
            return ExitCodes.Ok;
        }));
        return new Command("task", "Tasks people do for runs") { list, ack, complete };
    }

    private static Command Approvals(CliContext cli)
    {
        var mine = new Option<bool>("--mine") { Description = "Only approvals waiting for your decision" };
        var incident = new Option<string?>("--incident") { Description = "Only the approvals of this incident" };
        var list = new Command("list", "Approvals, oldest first.\nExample: incident approval list --mine") { mine, incident };
        list.SetAction(cli.Run(async (r, ct) =>
        {
            var query = $"/api/approvals?limit=500{(r.GetValue(mine) ? "&mine=true" : "&status=open")}" +
                        (r.GetValue(incident) is { } of ? $"&incident={Uri.EscapeDataString(of)}" : "");
            cli.Output(r).List(await Pages.ReadAsync(cli.Api(r), query, true, ct), "approvalId", Field("approval", "approvalId", Kind.Id),
                Field("step", "stepId"),
                new("decided", e => $"{e.GetProperty("decisions").GetArrayLength()} of {Text(e, "quorum")}"), Time("due by", "dueBy"), Field("title", "title"));
            return ExitCodes.Ok;
        }));
        return new Command("approval", "Approvals people decide") { list };
    }

    private static Command Decide(CliContext cli, string decision, string description, bool commentRequired)
    {
        var id = new Argument<string>("approval");
        var comment = new Option<string?>("--comment") { Required = commentRequired };
        var command = new Command(decision, description) { id, comment };
        command.SetAction(cli.Run(async (r, ct) =>
        {
            var answer = await cli.Api(r).PostAsync($"/api/approvals/{r.GetValue(id)}/decision", new IncidentOrchestrator.Contracts.Decide(decision, r.GetValue(comment)), ct);
            cli.Output(r).Answer(answer, $"Recorded: {decision} on approval {r.GetValue(id)}.", r.GetValue(id));
            return ExitCodes.Ok;
        }));
        return command;
    }
}
