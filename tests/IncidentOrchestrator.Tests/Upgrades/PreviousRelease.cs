using System.IO.Compression;
using Alba;
using IncidentOrchestrator.Tests.Fixtures;
using Npgsql;

namespace IncidentOrchestrator.Tests.Upgrades;

/// <summary>A database the previous release wrote (a dump beside this file), restored into a new database, and this build started on it.</summary>
internal static class PreviousRelease
{
    public static async Task<IAlbaHost> StartAsync(string dump)
    {
        var connection = await TestDatabase.CreateDatabaseAsync("previous-release");
        await RestoreAsync(connection, Path.Combine(AppContext.BaseDirectory, "Upgrades", dump));
        return await AppFixture.StartHostAsync(connection);
    }

    /// <summary>Runs the dump's statements on the new database (psql's own commands, which pg_dump may write, left out).</summary>
    private static async Task RestoreAsync(string connectionString, string dump)
    {
        await using var file = File.OpenRead(dump);
        await using var unzipped = new GZipStream(file, CompressionMode.Decompress);
        using var reader = new StreamReader(unzipped);
        var script = string.Join('\n', (await reader.ReadToEndAsync()).Split('\n').Where(line => !line.StartsWith('\\')));
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, CommandTimeout = 300 }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(script, connection);
        await command.ExecuteNonQueryAsync();
    }
}
