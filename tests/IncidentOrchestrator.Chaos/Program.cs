using System.CommandLine;
using IncidentOrchestrator.Chaos;

var app = new Option<string>("--app") { Required = true, Description = "The folder of the built service (IncidentOrchestrator.dll)" };
var connection = new Option<string>("--connection") { Required = true, Description = "The incident database the nodes share" };
var warehouse = new Option<string>("--warehouse") { Required = true, Description = "A warehouse database the runs revoke grants in" };
var restartDatabase = new Option<string?>("--restart-database") { Description = "A shell command that restarts PostgreSQL (fast mode)" };
var nodes = new Option<int>("--nodes") { DefaultValueFactory = _ => 3 };
var runs = new Option<int>("--runs") { DefaultValueFactory = _ => 300 };
var kills = new Option<int>("--kills") { DefaultValueFactory = _ => 10, Description = "How many times a node is killed" };
var every = new Option<double>("--kill-every") { DefaultValueFactory = _ => 4, Description = "Seconds between kills" };
var seed = new Option<int>("--seed") { DefaultValueFactory = _ => 20261130 };
var quiescence = new Option<double>("--quiescence") { DefaultValueFactory = _ => 300, Description = "Seconds to wait for every run to end after the last fault" };
var grants = new Option<int>("--grants") { DefaultValueFactory = _ => 0, Description = "How many time-boxed access grants to ask for and approve meanwhile" };
var accessPlaybook = new Option<string?>("--access-playbook") { Description = "The shipped access-request playbook (playbooks/access-request.yaml)" };
var report = new Option<FileInfo?>("--report") { Description = "Write the results as Markdown to this file" };

var root = new RootCommand("Runs playbooks on several nodes while killing nodes and restarting the database, then checks every effect")
{
    app, connection, warehouse, restartDatabase, nodes, runs, kills, every, seed, quiescence, grants, accessPlaybook, report,
};
root.SetAction(async (r, ct) =>
{
    var settings = new ChaosExperiment.Settings(r.GetValue(app)!, r.GetValue(connection)!, r.GetValue(warehouse)!, r.GetValue(restartDatabase),
        r.GetValue(nodes), r.GetValue(runs), r.GetValue(kills), TimeSpan.FromSeconds(r.GetValue(every)), r.GetValue(seed),
        TimeSpan.FromSeconds(r.GetValue(quiescence)), r.GetValue(grants), r.GetValue(accessPlaybook));
    var findings = await ChaosExperiment.RunAsync(settings, Console.Out, ct);
    var markdown = findings.ToMarkdown(settings);
    Console.WriteLine();
    Console.WriteLine(markdown);
    if (r.GetValue(report) is { } file) await File.WriteAllTextAsync(file.FullName, markdown, ct);
    return findings.Passed ? 0 : 1;
});
return await root.Parse(args).InvokeAsync();
