using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace IncidentOrchestrator.Signals;

/// <summary>
/// Transaction-scoped PostgreSQL advisory locks, one per fingerprint, so that concurrent
/// signals with the same fingerprint are decided one after the other (on every node).
/// Locks are taken in key order so two batches can never deadlock.
/// </summary>
public static class FingerprintLocks
{
    public static async Task AcquireAsync(NpgsqlConnection connection, IEnumerable<string> fingerprints, CancellationToken ct)
    {
        var keys = fingerprints.Select(KeyOf).Distinct().Order().ToArray();
        if (keys.Length == 0) return;

        await using var command = new NpgsqlCommand(
            "select count(pg_advisory_xact_lock(k)) from unnest(@keys) with ordinality as t(k, n)", connection);
        command.Parameters.AddWithValue("keys", keys);
        await command.ExecuteScalarAsync(ct);
    }

    public static long KeyOf(string fingerprint) =>
        BitConverter.ToInt64(SHA256.HashData(Encoding.UTF8.GetBytes("signal-fingerprint:" + fingerprint)), 0);
}
