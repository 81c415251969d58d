using System.Globalization;
using System.Text;
using IncidentOrchestrator.Tests.Fixtures;

namespace IncidentOrchestrator.Chaos;

/// <summary>The checker: what the receiver, the warehouse and the database say happened, against what must have.</summary>
public sealed record Findings(
    int Runs, long Ended, long Succeeded, int ExpectedEffects, int DistinctEffects, int Deliveries, int DuplicateDeliveries, int KeysWithTwoEffects,
    int StillGranted, long EnvelopesWaiting, long DeadLetters, int ChainsBroken, IReadOnlyList<ChaosExperiment.Kill> Kills,
    DateTimeOffset? DatabaseRestarted, IReadOnlyList<double> PickupSeconds, int RedeliveredAfterRestart, TimeSpan LastFault, TimeSpan Quiescence)
{
    /// <summary>Why each dead letter died (message type: exception), so a failed experiment says what to look at.</summary>
    public IReadOnlyList<string> DeadLetterReasons { get; init; } = [];

    /// <summary>What replaying every run with the text it ran names (it must name nothing).</summary>
    public IReadOnlyList<string> ReplayDifferences { get; init; } = [];

    /// <summary>The time-boxed grants: how many were asked for, each request as it ended, and how many readers can still read.</summary>
    public int GrantsAsked { get; init; }
    public IReadOnlyList<ChaosExperiment.GrantEnded> Grants { get; init; } = [];
    public int ReadersStillReading { get; init; }

    /// <summary>Grants that did not end (revoked, read back) within a minute of their end.</summary>
    public int GrantsLate => Grants.Count(g => g.Status != "ended" || g.Overrun is not { } overrun || overrun > ChaosExperiment.GrantOverrun);

    public bool Passed => Ended == Runs && Succeeded == Runs && DistinctEffects == ExpectedEffects && KeysWithTwoEffects == 0
                          && StillGranted == 0 && EnvelopesWaiting == 0 && ChainsBroken == 0 && ReplayDifferences.Count == 0
                          && Grants.Count >= GrantsAsked && GrantsLate == 0 && ReadersStillReading == 0;

    public static Findings From(ChaosExperiment.Settings settings, IReadOnlyList<string> keys, IReadOnlyList<WebhookReceiver.Received> deliveries,
        ChaosExperiment.Counts counts, IReadOnlyList<ChaosExperiment.Kill> kills, DateTimeOffset? databaseRestarted, int stillGranted, int chainsBroken,
        TimeSpan lastFault, TimeSpan quiescence, int effectSteps)
    {
        // An effect is one (run, webhook step) pair; the receiver deduplicates by Idempotency-Key, so an effect is a distinct key.
        var ours = deliveries.Where(d => d.Path == "/hook").ToList();
        var byEffect = ours.GroupBy(d => (Key: Field(d.Body, "key"), Step: Field(d.Body, "step"))).ToList();
        var distinctKeys = ours.Select(d => d.IdempotencyKey).Distinct().Count();
        var keysWithTwoEffects = byEffect.Count(g => g.Select(d => d.IdempotencyKey).Distinct().Count() > 1);

        // Pick-up time: a delivery repeated after a kill (and no later fault) is the dead node's action taken up by another
        // node; one repeated after the database restart is a step whose result could not be recorded, retried.
        var pickups = new List<double>();
        var afterRestart = 0;
        foreach (var group in ours.GroupBy(d => d.IdempotencyKey))
        {
            var times = group.Select(d => d.At).Order().ToList();
            for (var i = 1; i < times.Count; i++)
            {
                var kill = kills.LastOrDefault(k => k.At > times[i - 1] && k.At < times[i]);
                if (databaseRestarted is { } restart && restart > times[i - 1] && restart < times[i] && (kill is null || restart > kill.At)) afterRestart++;
                else if (kill is not null) pickups.Add((times[i] - kill.At).TotalSeconds);
            }
        }
        // Webhook steps per run: notify and confirm; the revoke is checked in the warehouse itself.
        var webhookEffects = keys.Count * (effectSteps - 1);
        return new Findings(settings.Runs, counts.Ended, counts.Succeeded, webhookEffects, distinctKeys, ours.Count, ours.Count - distinctKeys,
            keysWithTwoEffects, stillGranted, counts.Waiting, counts.DeadLetters, chainsBroken, kills, databaseRestarted, pickups.Order().ToList(),
            afterRestart, lastFault, quiescence);
    }

    private static string Field(string json, string name) =>
        System.Text.Json.JsonDocument.Parse(json).RootElement.TryGetProperty(name, out var v) ? v.ToString() : "";

    private static string Seconds(double s) => s.ToString("0.0", CultureInfo.InvariantCulture) + " s";

    public string ToMarkdown(ChaosExperiment.Settings settings)
    {
        var p50 = PickupSeconds.Count == 0 ? "-" : Seconds(PickupSeconds[PickupSeconds.Count / 2]);
        var max = PickupSeconds.Count == 0 ? "-" : Seconds(PickupSeconds[^1]);
        string Verdict(bool ok) => ok ? "✔" : "✘";
        var text = new StringBuilder();
        text.AppendLine($"### {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC: {settings.Nodes} nodes, {settings.Runs} runs, {Kills.Count} kills, " +
                        $"{(DatabaseRestarted is null ? "no" : "1")} database restart, seed {settings.Seed}: {(Passed ? "passed" : "FAILED")}");
        text.AppendLine();
        text.AppendLine("| check | expected | observed | |");
        text.AppendLine("|---|---|---|---|");
        text.AppendLine($"| runs ended succeeded | {Runs} | {Succeeded} of {Ended} ended | {Verdict(Succeeded == Runs && Ended == Runs)} |");
        text.AppendLine($"| distinct webhook effects (by `Idempotency-Key`) | {ExpectedEffects} | {DistinctEffects} | {Verdict(DistinctEffects == ExpectedEffects)} |");
        text.AppendLine($"| effects with two keys (a step acted twice) | 0 | {KeysWithTwoEffects} | {Verdict(KeysWithTwoEffects == 0)} |");
        text.AppendLine($"| deliveries (duplicates the keys absorbed) | ≥ {ExpectedEffects} | {Deliveries} ({DuplicateDeliveries} duplicates) | {Verdict(Deliveries >= ExpectedEffects)} |");
        text.AppendLine($"| warehouse grants left unrevoked | 0 | {StillGranted} | {Verdict(StillGranted == 0)} |");
        text.AppendLine($"| envelopes still waiting (incoming or scheduled) | 0 | {EnvelopesWaiting} | {Verdict(EnvelopesWaiting == 0)} |");
        text.AppendLine($"| dead letters | reported | {DeadLetters} | |");
        text.AppendLine($"| incidents whose hash chain does not verify | 0 | {ChainsBroken} | {Verdict(ChainsBroken == 0)} |");
        text.AppendLine($"| differences when every run is replayed with its own text | 0 | {ReplayDifferences.Count} | {Verdict(ReplayDifferences.Count == 0)} |");
        var longest = Grants.Select(g => g.Overrun).OfType<TimeSpan>().DefaultIfEmpty().Max();
        text.AppendLine($"| time-boxed grants ended (revoked, read back) within {Seconds(ChaosExperiment.GrantOverrun.TotalSeconds)} of their end | " +
                        $"{GrantsAsked} | {Grants.Count - GrantsLate} of {Grants.Count}, the longest {Seconds(longest.TotalSeconds)} past | " +
                        $"{Verdict(Grants.Count >= GrantsAsked && GrantsLate == 0)} |");
        text.AppendLine($"| readers who can still read after their grant ended | 0 | {ReadersStillReading} | {Verdict(ReadersStillReading == 0)} |");
        text.AppendLine($"| kill → the dead node's action taken up elsewhere | | p50 {p50}, max {max} ({PickupSeconds.Count} actions) | |");
        text.AppendLine($"| actions repeated after the database restart | | {RedeliveredAfterRestart} | |");
        text.AppendLine($"| quiet after the last fault | ≤ {Seconds(settings.Quiescence.TotalSeconds)} | {Seconds(Quiescence.TotalSeconds)} | |");
        text.AppendLine();
        text.AppendLine($"Kills: {string.Join(", ", Kills.Select(k => k.Node))}; a node is killed every {Seconds(settings.KillEvery.TotalSeconds)} " +
                        "and restarted a second later as a new member.");
        foreach (var reason in DeadLetterReasons) text.AppendLine($"\nDead letter: {reason}");
        foreach (var difference in ReplayDifferences.Take(20)) text.AppendLine($"\nReplay: {difference}");
        return text.ToString();
    }
}
