using System.Diagnostics;
using System.Text.RegularExpressions;
using Npgsql;

namespace IncidentOrchestrator.Bench.Measuring;

/// <summary>
/// The yardstick: pgbench's simple-update workload (<c>-N</c>, 8 clients) on a database of its own on the same server, in
/// the same run, so every figure of the service is read as a ratio of what this machine's PostgreSQL commits.
/// </summary>
public static partial class Pgbench
{
    public static async Task<double> TransactionsPerSecondAsync(string pgBin, NpgsqlConnectionStringBuilder server, string database, int seconds,
        CancellationToken ct)
    {
        await RunAsync(pgBin, server, ["-i", "-s", "10", "-q", database], ct);
        var output = await RunAsync(pgBin, server, ["-N", "-c", "8", "-j", "2", "-T", seconds.ToString(), database], ct);
        return Tps().Match(output) is { Success: true } match
            ? double.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)
            : throw new InvalidOperationException($"pgbench printed no tps:\n{output}");
    }

    private static async Task<string> RunAsync(string pgBin, NpgsqlConnectionStringBuilder server, string[] arguments, CancellationToken ct)
    {
        var start = new ProcessStartInfo(Path.Combine(pgBin, "pgbench"), ["-h", server.Host!, "-p", server.Port.ToString(), "-U", server.Username!, .. arguments])
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        };
        start.Environment["PGPASSWORD"] = server.Password;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(ct);
        var error = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        if (process.ExitCode != 0) throw new InvalidOperationException($"pgbench {string.Join(' ', arguments)} failed:\n{await error}");
        return await output + await error;
    }

    [GeneratedRegex(@"^tps = ([0-9.]+)", RegexOptions.Multiline)]
    private static partial Regex Tps();
}
