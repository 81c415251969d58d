using System.IO.Compression;
using Alba;
using IncidentOrchestrator.Tests.Fixtures;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace IncidentOrchestrator.Tests.Upgrades;

/// <summary>A database the previous release wrote (a dump beside this file), restored into a new database, and this build started on it.</summary>
public abstract class PreviousRelease(string dump) : IAsyncLifetime
{
    protected IAlbaHost Host { get; private set; } = null!;

    /// <summary>The restored database, for what a database owner would do behind the service's back.</summary>
    protected string Connection { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Connection = await TestDatabase.CreateDatabaseAsync("previous-release");
        await RestoreAsync(Connection, Path.Combine(AppContext.BaseDirectory, "Upgrades", dump));
        Host = await AppFixture.StartHostAsync(Connection);
    }

    protected async Task<T> QueryAsync<T>(Func<IQuerySession, Task<T>> query)
    {
        await using var session = Host.Services.GetRequiredService<IDocumentStore>().QuerySession();
        return await query(session);
    }

    public async Task DisposeAsync()
    {
        await Host.StopAsync();
        await Host.DisposeAsync();
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
