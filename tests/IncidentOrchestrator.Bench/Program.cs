using System.CommandLine;
using IncidentOrchestrator.Bench;

// Started by ops/bench, which starts PostgreSQL and the service and hands them over: everything measured is measured here.
Option<T> Required<T>(string name, string description) => new(name) { Required = true, Description = description };
Option<T> Optional<T>(string name, T value, string description) => new(name) { DefaultValueFactory = _ => value, Description = description };

var url = Required<string>("--url", "The running service");
var server = Required<string>("--server", "The PostgreSQL server, as a connection string without a database (pgbench's and the service's)");
var database = Optional("--database", "incidents", "The service's database");
var warehouse = Required<string>("--warehouse", "The connection string of the database the executor runs grant and revoke on");
var servicePid = Required<int>("--service-pid", "The service's process, whose CPU and memory are measured");
var postmaster = Required<int>("--postmaster-pid", "The PostgreSQL server's postmaster, whose CPU (with its backends') is measured");
var startedAt = Required<long>("--started-at", "When the service was started, in Unix milliseconds (for the time until it is ready)");
var signingKey = Required<string>("--signing-key", "The service's token signing key, for the bench's own tokens");
var pgBin = Required<string>("--pg-bin", "The folder with pgbench");
var results = Required<string>("--results", "The file one line of results is appended to");
var profile = Optional("--profile", false, "Also count statements per unit and keep the costliest (pg_stat_statements must be loaded)");
var pgbenchSeconds = Optional("--pgbench-seconds", 20, "How long pgbench runs");
var warmSignals = Optional("--warm-signals", 10_000, "Signals sent before the measured burst, unmeasured, on their own fingerprints (0 measures a cold service)");
var warmRuns = Optional("--warm-runs", 5000, "Runs before the measured ones, unmeasured (0 measures a cold service)");
var runs = Optional("--runs", 1000, "Runs in the run load (and after each growth)");
var latencySamples = Optional("--latency-samples", 500, "Signals sent one at a time for the trigger latency");
var executorRuns = Optional("--executor-runs", 500, "Runs whose steps go through the executor");
var startedRuns = Optional("--started-runs", 1000, "Runs started through POST /api/incidents/{id}/runs");
var startClients = Optional("--start-clients", 8, "Clients starting them at once");
var timelineEvents = Optional("--timeline-events", 100_000, "Events of the huge incident whose timeline is paged");
var growth = Optional("--growth", "1000000,5000000", "Stored events to grow to, each followed by a run load (comma list; empty for none)");
var receiverPort = Required<int>("--receiver-port", "The port of the local webhook receiver the service is configured to post to");
var playbooks = Required<string>("--playbooks", "The bench's playbooks folder");

var command = new RootCommand("IncidentOrchestrator's benchmark: every figure measured against pgbench in the same run (see docs/benchmarks.md)")
{
    url, server, database, warehouse, servicePid, postmaster, startedAt, signingKey, pgBin, results, profile, pgbenchSeconds, warmSignals, warmRuns, runs,
    latencySamples, executorRuns, startedRuns, startClients, timelineEvents, growth, receiverPort, playbooks,
};
command.SetAction((r, ct) => Bench.RunAsync(new Bench.Settings(new Uri(r.GetValue(url)!), r.GetValue(server)!, r.GetValue(database)!,
    r.GetValue(warehouse)!, r.GetValue(servicePid), r.GetValue(postmaster), DateTimeOffset.FromUnixTimeMilliseconds(r.GetValue(startedAt)),
    r.GetValue(signingKey)!, r.GetValue(pgBin)!, r.GetValue(results)!, r.GetValue(profile), r.GetValue(pgbenchSeconds), r.GetValue(warmSignals), r.GetValue(warmRuns),
    r.GetValue(runs), r.GetValue(latencySamples), r.GetValue(executorRuns), r.GetValue(startedRuns), r.GetValue(startClients),
    r.GetValue(timelineEvents), r.GetValue(growth)!.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(long.Parse).ToArray(),
    r.GetValue(receiverPort), r.GetValue(playbooks)!), ct));
return await command.Parse(args).InvokeAsync();
