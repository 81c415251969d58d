using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using IncidentOrchestrator.Tests.Fixtures;

namespace IncidentOrchestrator.Tests.Deployment;

/// <summary>
/// What the container image and the VM run: the service as <c>ops/publish</c> builds it (pre-generated code, ReadyToRun,
/// no runtime compiler), its schema set up first by the job's command, then started with the systemd unit's own
/// command line and environment. systemd's side is played for real: a notify socket the service must report to
/// (<c>READY=1</c>, <c>STOPPING=1</c>), and a parent process named <c>systemd</c>, which is how .NET knows it runs under it.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class the_published_service_under_systemd
{
    private static readonly string Unit = Path.Combine(Repository.Root, "ops", "deploy", "incident-orchestrator.service");
    private const string InstallFolder = "/opt/incident-orchestrator";

    [Fact]
    public async Task starts_from_the_units_command_tells_systemd_it_is_ready_and_drains_on_sigterm()
    {
        var published = await PublishedBuild.FolderAsync();
        Assert.True(File.Exists(Path.Combine(published, "IncidentOrchestrator.dll")), $"nothing published in {published}");
        Assert.Empty(Directory.EnumerateFiles(published, "Microsoft.CodeAnalysis*.dll")); // no runtime compiler in what is deployed

        var unit = File.ReadAllLines(Unit).Where(l => l.Contains('=') && !l.StartsWith('#')).Select(l => l.Split('=', 2)).ToList();
        string Setting(string name) => unit.Single(u => u[0] == name)[1];
        Assert.Equal("notify", Setting("Type"));
        var command = Setting("ExecStart").Replace(InstallFolder, published).Split(' ');
        var port = LocalPostgresCluster.FreePort();
        var environment = unit.Where(u => u[0] == "Environment").Select(u => u[1].Split('=', 2)).ToDictionary(e => e[0], e => e[1].Replace(InstallFolder, published));
        environment["Urls"] = environment["Urls"].Replace("0.0.0.0:8080", $"127.0.0.1:{port}");
        environment["Playbooks__Path"] = AppFixture.RepositoryPlaybooks; // the unit's folder holds a copy of these
        // What EnvironmentFile= holds on a VM:
        environment["ConnectionStrings__Incidents"] = await TestDatabase.CreateDatabaseAsync("systemd");
        environment["Auth__SigningKey"] = Tokens.SigningKey;
        environment["Logging__LogLevel__Default"] = "Warning";

        // The schema job's command, then the service without touching the schema itself.
        var schema = await Processes.RunAsync(command[0], [.. command[1..], "resources", "setup"], environment);
        Assert.True(schema.Code == 0, schema.Output);
        environment["Cluster__ApplySchemaOnStart"] = "false";

        var folder = Directory.CreateTempSubdirectory("systemd-");
        try
        {
            var socketPath = Path.Combine(folder.FullName, "notify");
            using var notify = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
            notify.Bind(new UnixDomainSocketEndPoint(socketPath));
            var systemd = Path.Combine(folder.FullName, "systemd");
            await File.WriteAllTextAsync(systemd, "#!/bin/sh\n\"$@\" &\necho $! > \"$PIDFILE\"\nwait $!\n");
            File.SetUnixFileMode(systemd, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.UserWrite);

            var start = new ProcessStartInfo(systemd, command) { WorkingDirectory = Setting("WorkingDirectory").Replace(InstallFolder, published) };
            foreach (var (key, value) in environment) start.Environment[key] = value;
            start.Environment["NOTIFY_SOCKET"] = socketPath;
            start.Environment["PIDFILE"] = Path.Combine(folder.FullName, "pid");
            start.RedirectStandardOutput = start.RedirectStandardError = true;
            using var service = Process.Start(start)!;
            var log = new StringBuilder();
            service.OutputDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
            service.ErrorDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
            string Log() { lock (log) return log.ToString(); } // read under the lock the output threads append under
            service.BeginOutputReadLine();
            service.BeginErrorReadLine();

            Assert.Equal("READY=1", await ReceiveAsync(notify, TimeSpan.FromSeconds(90), Log));
            // systemd hears "ready" when the host has started; the readiness probe also waits for the warm-up.
            using (var http = new HttpClient())
            {
                var ready = Stopwatch.StartNew();
                while (!(await http.GetAsync($"http://127.0.0.1:{port}/health/ready")).IsSuccessStatusCode)
                {
                    if (ready.Elapsed >= TimeSpan.FromSeconds(30)) Assert.Fail($"not ready 30 s after READY=1:\n{Log()}");
                    await Task.Delay(100);
                }
            }

            var pid = (await File.ReadAllTextAsync(Path.Combine(folder.FullName, "pid"))).Trim();
            using (var term = Process.Start("kill", ["-TERM", pid])) await term.WaitForExitAsync();
            Assert.Equal("STOPPING=1", await ReceiveAsync(notify, TimeSpan.FromSeconds(30), Log));
            using var exited = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await service.WaitForExitAsync(exited.Token);
            Assert.True(service.ExitCode == 0, $"exit {service.ExitCode}\n{Log()}");
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static async Task<string> ReceiveAsync(Socket socket, TimeSpan within, Func<string> log)
    {
        var buffer = new byte[1024];
        using var timeout = new CancellationTokenSource(within);
        try
        {
            var received = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
            return Encoding.UTF8.GetString(buffer, 0, received).Trim();
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"Nothing on the notify socket within {within.TotalSeconds:0} s:\n{log()}");
        }
    }
}
