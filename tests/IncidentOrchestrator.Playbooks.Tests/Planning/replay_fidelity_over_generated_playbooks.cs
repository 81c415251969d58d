using System.Text;
using CsCheck;
using IncidentOrchestrator.Playbooks.Model;
using IncidentOrchestrator.Playbooks.Planning;
using IncidentOrchestrator.Playbooks.Tests.Support;

namespace IncidentOrchestrator.Playbooks.Tests.Planning;

/// <summary>
/// Generated playbooks (DAGs of actions, tasks and waits; needs; <c>when</c> over inputs, incident facts, outcomes and
/// what a person typed, readable or not; every <c>onFailure</c> route; undos) and generated outcomes: the run the plan
/// predicts, recorded as a run records it, replays with its own text with no difference and the same end. CsCheck shrinks a
/// failure to the smallest playbook that shows it and prints it with its seed.
/// </summary>
public sealed class replay_fidelity_over_generated_playbooks
{
    [Fact]
    public void replaying_a_predicted_run_with_its_own_text_names_no_difference() =>
        Gen.Int[0, 11].Array[8, 80].Sample(choices =>
        {
            var scenario = GeneratedScenario.From(choices);
            var playbook = Load.Valid(scenario.Yaml);
            var plan = Planner.Make(playbook, scenario.Request);
            var replay = Replayer.Replay(playbook, playbook, scenario.Record(plan));

            Assert.True(replay.Differences.Count == 0,
                $"{string.Join("\n", replay.Differences.Select(d => $"{d.Kind} {d.Step}: {d.Detail}"))}\n{scenario.Yaml}");
            Assert.Equal(plan.Outcome, replay.CandidateStatus);
        }, iter: 1000, print: choices => GeneratedScenario.From(choices).Yaml);

    /// <summary>
    /// The same playbooks, run by the decider against a world that answers as it likes (<see cref="GeneratedRun"/>): failed
    /// attempts and retries, failed undos, the commander's retry, skip or abort, rejected approvals, people cancelling at any
    /// moment (while a retry waits, during a compensation), or the run read while still under way; each recorded as the
    /// service records a run, with what its guards read, and read against an incident that has moved on since. Each replays
    /// with its own text with no difference, the status the record shows, and the undos it ran. The world's answers are
    /// choices CsCheck shrinks with the playbook.
    /// </summary>
    [Fact]
    public void replaying_a_run_the_world_answered_with_its_own_text_names_no_difference() =>
        Gen.Select(Gen.Int[0, 11].Array[8, 80], Gen.Int[0, 19].Array[0, 60]).Sample((choices, world) =>
        {
            var scenario = GeneratedScenario.From(choices);
            var playbook = Load.Valid(scenario.Yaml);
            var run = GeneratedRun.Drive(playbook, scenario, world);
            var record = run.Record();
            var replay = Replayer.Replay(playbook, playbook, record);

            var story = $"{scenario.Yaml}\n{string.Join("\n", run.Log)}";
            Assert.True(replay.Differences.Count == 0, $"{string.Join("\n", replay.Differences.Select(d => $"{d.Kind} {d.Step}: {d.Detail}"))}\n{story}");
            Assert.True(record.Status == replay.CandidateStatus, $"the record shows {record.Status}, its replay {replay.CandidateStatus}\n{story}");
            foreach (var (id, step) in record.Steps.Where(s => s.Value.Outcome is { } o && o != Outcomes.Compensated))
                Assert.True(replay.Steps.Single(s => s.Id == id).Candidate == step.Outcome, $"'{id}' ended {step.Outcome}, its replay {replay.Steps.Single(s => s.Id == id).Candidate}\n{story}");
        }, iter: 10000, print: t => $"{GeneratedScenario.From(t.Item1).Yaml}\nworld [{string.Join(", ", t.Item2)}]");
}
