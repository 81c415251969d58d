using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace IncidentOrchestrator.Actions.Postgres;

/// <summary>
/// Acting on a database that other runs (and other people) act on at the same moment. Changes to one
/// object are serialised by an advisory lock on the target database, keyed by the object; failures
/// that go away by themselves (PostgreSQL's "tuple concurrently updated" on concurrent GRANT/REVOKE,
/// serialization failures, deadlocks, lock timeouts, a restarting server, a dropped connection) are
/// retried inside the attempt with jittered backoff, until the step's timeout cancels it.
/// </summary>
public static class Contention
{
    /// <summary>A bound for steps without a timeout: about a minute of retrying.</summary>
    public const int MaxTries = 60;

    public static async Task<T> RetryAsync<T>(NpgsqlDataSource database, IReadOnlyCollection<string> objects,
        Func<NpgsqlConnection, Task<T>> act, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var db = await database.OpenConnectionAsync(ct);
                var keys = objects.Select(Key).Distinct().Order().ToArray(); // one order everywhere: no deadlock between two locks
                foreach (var key in keys) await Catalog.ScalarAsync(db, "select pg_advisory_lock($1)", [key], ct);
                try
                {
                    return await act(db);
                }
                finally
                {
                    if (db.State == System.Data.ConnectionState.Open)
                        foreach (var key in keys) await Catalog.ScalarAsync(db, "select pg_advisory_unlock($1)", [key], CancellationToken.None);
                }
            }
            catch (Exception e) when (attempt < MaxTries && IsTransient(e) && !ct.IsCancellationRequested)
            {
                var backoff = Math.Min(1000, 20 * Math.Pow(2, Math.Min(attempt, 10)));
                await Task.Delay(TimeSpan.FromMilliseconds(backoff * (0.5 + Random.Shared.NextDouble())), ct);
            }
        }
    }

    public static bool IsTransient(Exception e) => e switch
    {
        PostgresException p => p.SqlState is PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected
                                   or PostgresErrorCodes.LockNotAvailable or PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown
                                   or PostgresErrorCodes.CannotConnectNow or PostgresErrorCodes.TooManyConnections
                               || p.SqlState.StartsWith("08", StringComparison.Ordinal)
                               || (p.SqlState == PostgresErrorCodes.InternalError && p.MessageText.Contains("tuple concurrently updated", StringComparison.Ordinal)),
        NpgsqlException n => n.IsTransient || n.InnerException is IOException or SocketException or TimeoutException,
        IOException or SocketException => true,
        _ => false,
    };

    /// <summary>A stable 64-bit key per object, the same on every node (an advisory lock is database-wide).</summary>
    private static long Key(string name) =>
        BitConverter.ToInt64(SHA256.HashData(Encoding.UTF8.GetBytes("incident-orchestrator:" + name)), 0);
}
