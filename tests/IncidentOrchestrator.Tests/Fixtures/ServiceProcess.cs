using System.Diagnostics;
using System.Text;

namespace IncidentOrchestrator.Tests.Fixtures;

/// <summary>
/// The real service as a process of its own on a real port: started from a build's output folder with the environment
/// a deployment would give it, read through its output, stopped as an orchestrator stops it (SIGTERM) or killed as a
/// crash kills it (SIGKILL). Used by the browser tests, the several-node tests and <c>ops/chaos</c>.
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();

    public string Name { get; }
    public string Url { get; }
    public int Id => _process.Id;
    public bool HasExited => _process.HasExited;
    public string Log { get { lock (_log) return _log.ToString(); } }

    private ServiceProcess(string name, string url, Process process)
    {
        (Name, Url, _process) = (name, url, process);
        _process.OutputDataReceived += (_, e) => { lock (_log) _log.AppendLine(e.Data); };
        _process.ErrorDataReceived += (_, e) => { lock (_log) _log.AppendLine(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <param name="folder">Where IncidentOrchestrator.dll is (a build's output, or a published folder).</param>
    public static ServiceProcess Start(string name, string folder, int port, IReadOnlyDictionary<string, string> environment)
    {
        var url = $"http://127.0.0.1:{port}";
        var start = new ProcessStartInfo("dotnet", [Path.Combine(folder, "IncidentOrchestrator.dll")])
        {
            WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        foreach (var (key, value) in environment) start.Environment[key] = value;
        start.Environment["Urls"] = url;
        start.Environment["Cluster__NodeName"] = name;
        return new ServiceProcess(name, url, Process.Start(start) ?? throw new InvalidOperationException($"{name} did not start"));
    }

    /// <summary>Waits until the node answers ready (it has joined the cluster and warmed up).</summary>
    public async Task WaitReadyAsync(TimeSpan within)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited) throw new InvalidOperationException($"{Name} exited during start:\n{Log}");
            try
            {
                if ((await http.GetAsync($"{Url}/health/ready")).IsSuccessStatusCode) return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { }
            if (clock.Elapsed > within) throw new TimeoutException($"{Name} was not ready in {within.TotalSeconds:0} s:\n{Log}");
            await Task.Delay(100);
        }
    }

    /// <summary>SIGKILL: the process dies at once, mid-step, without telling anyone.</summary>
    public async Task KillAsync()
    {
        if (_process.HasExited) return;
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    /// <summary>SIGTERM, as an orchestrator stops a node: it drains its work and leaves the cluster.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (_process.HasExited) return;
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString()])) await kill.WaitForExitAsync();
        using var timeout = new CancellationTokenSource(grace);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            await KillAsync();
            throw new TimeoutException($"{Name} did not stop within {grace.TotalSeconds:0} s of SIGTERM:\n{Log}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }
}
