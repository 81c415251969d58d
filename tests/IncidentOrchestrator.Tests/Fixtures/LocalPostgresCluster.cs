using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace IncidentOrchestrator.Tests.Fixtures;

/// <summary>
/// A throwaway PostgreSQL cluster started from the machine's binaries, for machines without
/// Docker. As root, the server runs as the postgres user (PostgreSQL refuses to run as root).
/// </summary>
public sealed class LocalPostgresCluster : IAsyncDisposable
{
    private readonly string _bin;
    private readonly string _directory;

    private LocalPostgresCluster(string bin, string directory, int port)
    {
        _bin = bin;
        _directory = directory;
        ConnectionString = $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Pooling=true;Maximum Pool Size=200";
    }

    public string ConnectionString { get; }

    public static string? FindBinaries() => Directory.Exists("/usr/lib/postgresql")
        ? Directory.GetDirectories("/usr/lib/postgresql")
            .Select(d => Path.Combine(d, "bin"))
            .Where(d => File.Exists(Path.Combine(d, "initdb")))
            .OrderByDescending(d => d, StringComparer.Ordinal)
            .FirstOrDefault()
        : null;

    public static async Task<LocalPostgresCluster> StartAsync()
    {
        var bin = FindBinaries() ?? throw new InvalidOperationException(
            "No PostgreSQL for the integration tests: INCIDENTS_TEST_PG is not set, no Docker engine answers, " +
            "and no server binaries exist under /usr/lib/postgresql/*/bin. Install them (apt-get install postgresql) or run ops/test.");

        var directory = Path.Combine(Path.GetTempPath(), $"incidents-test-pg-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        if (IsRoot) await RunAsync("chown", ["postgres:postgres", directory], asOwner: false);

        var data = Path.Combine(directory, "data");
        await RunAsync(Path.Combine(bin, "initdb"), ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"]);
        var port = FreePort();
        await RunAsync(Path.Combine(bin, "pg_ctl"), ["-D", data, "-l", Path.Combine(directory, "server.log"), "-w", "-t", "60", "start",
            "-o", $"-p {port} -k {directory} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c max_connections=300"]);
        return new LocalPostgresCluster(bin, directory, port);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await RunAsync(Path.Combine(_bin, "pg_ctl"), ["-D", Path.Combine(_directory, "data"), "-m", "immediate", "-w", "stop"]);
        }
        finally
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private static bool IsRoot => Environment.UserName == "root";

    public static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static async Task RunAsync(string file, string[] arguments, bool asOwner = true)
    {
        var start = asOwner && IsRoot
            ? new ProcessStartInfo("runuser") { ArgumentList = { "-u", "postgres", "--", file } }
            : new ProcessStartInfo(file);
        foreach (var a in arguments) start.ArgumentList.Add(a);
        start.RedirectStandardOutput = start.RedirectStandardError = true;
        start.WorkingDirectory = Path.GetTempPath();

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} failed ({process.ExitCode}):\n{await output}\n{await error}");
    }
}
