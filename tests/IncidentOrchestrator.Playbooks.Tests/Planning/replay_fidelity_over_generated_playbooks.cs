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
    /// The same playbooks, run by the decider against a world that answers as it likes: failed attempts and retries, failed
    /// undos, the commander's retry, skip or abort, approvals rejected, people cancelling at any moment (while a retry waits,
    /// during a compensation, before anything ended). Recorded as the service records a run, each replays with its own text
    /// with no difference and the run's own end.
    /// </summary>
    [Fact]
    public void replaying_a_run_the_world_answered_with_its_own_text_names_no_difference() =>
        Gen.Select(Gen.Int[0, 11].Array[8, 80], Gen.Int).Sample((choices, seed) =>
        {
            var scenario = GeneratedScenario.From(choices);
            var playbook = Load.Valid(scenario.Yaml);
            var run = GeneratedRun.Drive(playbook, scenario, seed);
            var replay = Replayer.Replay(playbook, playbook, run.Record());

            var story = $"{scenario.Yaml}\n{string.Join("\n", run.Log)}";
            Assert.True(replay.Differences.Count == 0, $"{string.Join("\n", replay.Differences.Select(d => $"{d.Kind} {d.Step}: {d.Detail}"))}\n{story}");
            Assert.True(run.Run.State == replay.CandidateStatus, $"the run ended {run.Run.State}, its replay {replay.CandidateStatus}\n{story}");
        }, iter: 10000, print: t => $"{GeneratedScenario.From(t.Item1).Yaml}\nseed {t.Item2}");
}
