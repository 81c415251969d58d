using System.CommandLine;
using IncidentOrchestrator.Bench;

var url = new Option<string>("--url") { Required = true, Description = "Base URL of the running service" };
var token = new Option<string>("--token") { Required = true, Description = "Bearer token with the ingest role" };
var connection = new Option<string>("--connection") { Required = true, Description = "The service's database, to count what was stored" };
var signals = new Option<int>("--signals") { DefaultValueFactory = _ => 10_000 };
var fingerprints = new Option<int>("--fingerprints") { DefaultValueFactory = _ => 1_000 };
var batch = new Option<int>("--batch") { DefaultValueFactory = _ => 1_000 };
var clients = new Option<int>("--clients") { DefaultValueFactory = _ => 2 };

var burst = new Command("signal-burst", "Send a burst of signals through the batch endpoint and verify what was stored")
{
    url, token, connection, signals, fingerprints, batch, clients,
};
burst.SetAction(async (result, ct) =>
{
    var outcome = await SignalBurst.RunAsync(new SignalBurst.Settings(
        new Uri(result.GetValue(url)!), result.GetValue(token)!, result.GetValue(connection)!,
        result.GetValue(signals), result.GetValue(fingerprints), result.GetValue(batch), result.GetValue(clients)), ct);
    Console.WriteLine(outcome.ToJson());
    return outcome.Verified ? 0 : 1;
});

var runs = new Option<int>("--runs") { DefaultValueFactory = _ => 1_000 };
var samples = new Option<int>("--latency-samples") { DefaultValueFactory = _ => 100 };
var runLoad = new Command("run-load", "Trigger-to-first-action latency, then many concurrent six-step runs")
{
    url, token, connection, runs, samples,
};
runLoad.SetAction(async (result, ct) =>
{
    var outcome = await RunLoad.RunAsync(new RunLoad.Settings(new Uri(result.GetValue(url)!), result.GetValue(token)!,
        result.GetValue(connection)!, result.GetValue(samples), result.GetValue(runs), 6), ct);
    Console.WriteLine(outcome.ToJson());
    return outcome.Verified ? 0 : 1;
});

var readerToken = new Option<string>("--reader-token") { Required = true, Description = "Bearer token that may read every incident (admin)" };
var events = new Option<int>("--events") { DefaultValueFactory = _ => 100_000 };
var pageSamples = new Option<int>("--samples") { DefaultValueFactory = _ => 200 };
var timeline = new Command("timeline-page", "A page of 200 from a huge incident's timeline, against a plain SQL select of the same rows")
{
    url, token, readerToken, connection, events, pageSamples,
};
timeline.SetAction(async (result, ct) =>
{
    var outcome = await TimelinePage.RunAsync(new TimelinePage.Settings(new Uri(result.GetValue(url)!), result.GetValue(token)!,
        result.GetValue(readerToken)!, result.GetValue(connection)!, result.GetValue(events), result.GetValue(pageSamples)), ct);
    Console.WriteLine(outcome.ToJson());
    return outcome.Verified ? 0 : 1;
});

var playbookFile = new Option<string>("--playbook") { Required = true, Description = "The run benchmark's playbook file" };
var replay = new Command("replay", "A candidate version replayed over the recorded runs of the run benchmark")
{
    url, readerToken, playbookFile, runs, pageSamples,
};
replay.SetAction(async (result, ct) =>
{
    var outcome = await ReplayLoad.RunAsync(new ReplayLoad.Settings(new Uri(result.GetValue(url)!), result.GetValue(readerToken)!,
        result.GetValue(playbookFile)!, result.GetValue(runs), Math.Min(result.GetValue(pageSamples), 5)), ct);
    Console.WriteLine(outcome.ToJson());
    return outcome.Verified ? 0 : 1;
});

return await new RootCommand("IncidentOrchestrator load driver for ops/bench") { burst, runLoad, timeline, replay }.Parse(args).InvokeAsync();
