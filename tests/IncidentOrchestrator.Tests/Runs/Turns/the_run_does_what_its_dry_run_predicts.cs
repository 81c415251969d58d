using CsCheck;
using IncidentOrchestrator.Actions;
using IncidentOrchestrator.Incidents;
using IncidentOrchestrator.Playbooks;
using IncidentOrchestrator.Playbooks.Model;
using IncidentOrchestrator.Playbooks.Planning;
using IncidentOrchestrator.Playbooks.Running;
using IncidentOrchestrator.Playbooks.Tests.Planning;
using IncidentOrchestrator.Runs;

namespace IncidentOrchestrator.Tests.Runs.Turns;

/// <summary>
/// The saga itself, in memory, over generated playbooks (DAGs of actions, tasks and waits; <c>when</c> over inputs, incident
/// facts, outcomes and what a person typed; every <c>onFailure</c> route; undos): each started step ends as the script says,
/// in the order a dry run assumes, and the run ends every step as the dry run of that script predicted, undoes the same
/// steps in the same order and ends the same way. CsCheck shrinks a failure and prints its playbook.
/// </summary>
public sealed class the_run_does_what_its_dry_run_predicts
{
    [Fact]
    public void step_for_step_over_generated_playbooks() =>
        Gen.Select(Gen.Int[0, 11].Array[8, 80], Gen.Bool, Gen.Bool).Sample((choices, inTurn, skipEscalations) =>
        {
            var scenario = GeneratedScenario.From(choices);
            var decisions = scenario.Request.Decisions;
            // Half the runs take their in-turn actions in their own turn (one event per step), as the service does.
            Func<ExecuteAction, bool>? inTheTurn = inTurn ? call => decisions.GetValueOrDefault(call.StepId) != Outcomes.Failed : null;
            var run = InMemoryRun.StartAsync(scenario.Yaml, scenario.Request.Inputs,
                scenario.Request.Incident["severity"] is "high" ? Severity.High : Severity.Low, inTheTurn).GetAwaiter().GetResult();
            var playbook = run.Catalog.Library.Find("generated")!;
            var (plan, startOrder) = Planner.MakeInOrder(playbook, scenario.Request);

            DriveAsync(run, playbook, scenario, startOrder).GetAwaiter().GetResult();

            Assert.Equal(Predicted(plan), Ran(run, plan));
            Assert.Equal(plan.Compensations.Select(c => c.Step), run.Sent.OfType<ExecuteAction>().Where(e => e.Compensation).Select(e => e.StepId));
            Assert.Equal(plan.Outcome, run.Run.Status);
            if (inTheTurn is not null) // an action that ran in the turn and succeeded at once is one event
                Assert.DoesNotContain(run.Events.OfType<StepSucceeded>(), e => playbook.Step(e.StepId)!.Kind is ActionCall call
                    && run.Catalog.Actions.Find(call.Action)!.RunsInTheRunsTurn && e.Attempt == 1);

            // The commander answers what escalated (skips it, or aborts the run), and the run goes on to its end.
            while (run.Run.Steps.FirstOrDefault(s => s.Value.Escalated) is { Key: { } escalated })
            {
                run.DeliverAsync(new ResolveEscalation(run.Run.Id, escalated, skipEscalations ? "skip" : "abort", "cmdr@corp")).GetAwaiter().GetResult();
                DriveAsync(run, playbook, scenario, startOrder).GetAwaiter().GetResult();
            }

            // What the saga recorded, replayed with the text it ran: the record and the engine agree.
            var replay = Replayer.Replay(playbook, playbook, ReplayPlaybookEndpoint.Recorded(run.Run, run.Incident));
            Assert.True(replay.Differences.Count == 0, string.Join("\n", replay.Differences.Select(d => $"{d.Kind} {d.Step}: {d.Detail}")));
            Assert.Equal(run.Run.Status, replay.CandidateStatus);
        }, iter: 1000, print: t => $"{(t.Item2 ? "in the turn" : "through the executor")}, escalations {(t.Item3 ? "skipped" : "aborted")}\n{GeneratedScenario.From(t.Item1).Yaml}");

    /// <summary>
    /// Ends started steps one at a time as the script says, in the plan's order (<see cref="Planner.Pace"/>, then its start order), a
    /// millisecond apart; a step's retry comes when it is that step's turn to end; undos succeed.
    /// </summary>
    private static async Task DriveAsync(InMemoryRun run, Playbook playbook, GeneratedScenario scenario, IReadOnlyList<string> startOrder)
    {
        var decisions = scenario.Request.Decisions;
        var undone = 0;
        while (!run.Run.HasEnded)
        {
            run.Clock.Advance(TimeSpan.FromMilliseconds(1));
            if (run.Sent.OfType<ExecuteAction>().Where(e => e.Compensation).Skip(undone).FirstOrDefault() is { } undo)
            {
                undone++;
                await run.DeliverAsync(new ActionAttemptEnded(run.Run.Id, undo.StepId, undo.Attempt, true, true, [], null, false));
                continue;
            }
            // Steps under way, in the order the plan started them: the run starts them in the same order, but a start held back
            // to be recorded with its step's end is recorded later than it happened, so the events cannot tell it.
            // After a commander's answer the run goes on where the plan stopped: steps it starts then follow in their start order.
            var started = startOrder.Where(id => run.Run.Steps[id].StartedAt is not null)
                .Concat(run.Run.Steps.Where(s => s.Value.StartedAt is not null && !startOrder.Contains(s.Key)).OrderBy(s => s.Value.StartedAt).Select(s => s.Key))
                .ToList();
            var next = started
                .Where(id => run.Run.Steps[id] is { Status: StepStatuses.Running or StepStatuses.Waiting, Escalated: false })
                .Select(id => playbook.Step(id)!)
                .OrderBy(step => Planner.Pace(playbook, step, run.Run.Steps[step.Id].NextAttemptAt is null ? Outcomes.Succeeded : Outcomes.Failed,
                    run.Catalog.Actions))
                .ThenBy(step => started.IndexOf(step.Id))
                .FirstOrDefault();
            switch (next?.Kind)
            {
                case null:
                    return; // the run waits for the commander
                case ActionCall when run.Run.Steps[next.Id].NextAttemptAt is not null:
                    await run.RetryComesAsync(next.Id); // in the plan's order, not the timers' (the plan does not play backoffs out)
                    break;
                case ActionCall:
                    await run.ReportsAsync(next.Id, decisions.GetValueOrDefault(next.Id) != Outcomes.Failed);
                    break;
                case HumanTask:
                    await run.DeliverAsync(new HumanStepEnded(run.Run.Id, next.Id, Outcomes.Succeeded,
                        InMemoryRun.Outputs(scenario.Outputs.GetValueOrDefault(next.Id) ?? new Dictionary<string, object?>()), "responder@corp"));
                    break;
                case ApprovalRequest:
                    await run.DeliverAsync(new HumanStepEnded(run.Run.Id, next.Id, decisions[next.Id], [], "cmdr@corp"));
                    break;
                default:
                    await run.DeliverAsync(new WaitElapsed(run.Run.Id, next.Id));
                    break;
            }
        }
    }

    private static List<string> Predicted(Plan plan)
    {
        var undone = plan.Compensations.Select(c => c.Step).ToHashSet();
        return plan.Steps.OrderBy(p => p.Id, StringComparer.Ordinal).Select(p => $"{p.Id}: " + (p.Disposition, p.Outcome) switch
        {
            ("skip", _) => StepStatuses.Skipped,
            ("not-reached", _) => plan.Outcome == "waiting" ? StepStatuses.Pending : StepStatuses.Cancelled,
            ("escalate", _) => plan.Outcome == "waiting" ? "escalated" : StepStatuses.Cancelled,
            ("fail", _) => StepStatuses.Failed,
            (_, Outcomes.Cancelled) => StepStatuses.Cancelled,
            (_, Outcomes.Succeeded) when undone.Contains(p.Id) => StepStatuses.Compensated,
            (_, var outcome) => outcome,
        }).ToList();
    }

    private static List<string> Ran(InMemoryRun run, Plan plan) =>
        run.Run.Steps.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key}: " + s.Value switch
        {
            { Escalated: true } => "escalated",
            { Status: StepStatuses.Skipped or StepStatuses.Pending or StepStatuses.Cancelled or StepStatuses.Compensated or StepStatuses.Failed } step => step.Status,
            var step => step.Outcome,
        }).ToList();
}
